package dev.upkeep.verify;

import dev.upkeep.Redaction;
import dev.upkeep.json.Json;
import dev.upkeep.markdown.Markdown;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code verify} found for every version a change moved. Immutable.
 *
 * @param base the ref the working tree was compared with
 * @param checks one entry per changed value, in file order
 */
public record VerifyReport(String base, List<VerifyReport.Check> checks) {

  /**
   * One changed value and what was checked about it.
   *
   * @param file the manifest, relative to the repository root
   * @param line the 1-based line of the new value
   * @param policy the policy the marker names
   * @param artifact the artifact the policy watches, or empty when the policy is unknown
   * @param oldVersion the version before (empty for a new marker)
   * @param newVersion the version after
   * @param problems what is wrong, one sentence each; empty when the change is fine
   * @param releaseNotes the chart's {@code artifacthub.io/changes}, or empty
   */
  public record Check(
      String file,
      int line,
      String policy,
      String artifact,
      String oldVersion,
      String newVersion,
      List<String> problems,
      String releaseNotes) {
    /** Validates and copies. */
    public Check {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(oldVersion, "oldVersion");
      Objects.requireNonNull(newVersion, "newVersion");
      problems = List.copyOf(problems);
      Objects.requireNonNull(releaseNotes, "releaseNotes");
    }

    /** Whether nothing is wrong with this change. */
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  /** Validates and copies. */
  public VerifyReport {
    Objects.requireNonNull(base, "base");
    checks = List.copyOf(checks);
  }

  /** Whether every change passed (true when nothing changed). */
  public boolean passed() {
    return checks.stream().allMatch(Check::passed);
  }

  /** The check of {@code file} at {@code line}. */
  public Optional<Check> check(String file, int line) {
    return checks.stream().filter(c -> c.file().equals(file) && c.line() == line).findFirst();
  }

  /** A terminal report: one line per change, problems indented under it, release notes. */
  public String toText() {
    return Redaction.redact(renderText());
  }

  private String renderText() {
    if (checks.isEmpty()) {
      return "no version changed since " + base + "\n";
    }
    StringBuilder out = new StringBuilder();
    for (Check c : checks) {
      out.append(c.passed() ? "ok     " : "FAILED ").append(c.file()).append(':').append(c.line());
      if (c.policy().isEmpty() && c.newVersion().isEmpty()) {
        // no value to name (a file that does not parse): what is wrong is the line
        out.append("  ").append(String.join("; ", c.problems())).append('\n');
        continue;
      }
      out.append("  ").append(c.policy());
      if (!c.newVersion().isEmpty()) {
        out.append("  ")
            .append(c.oldVersion().isEmpty() ? "(new)" : c.oldVersion())
            .append(" -> ")
            .append(c.newVersion());
      }
      out.append('\n');
      c.problems().forEach(p -> out.append("         - ").append(p).append('\n'));
      if (!c.releaseNotes().isEmpty()) {
        out.append("         release notes:\n").append(c.releaseNotes().strip().indent(11));
      }
    }
    long failed = checks.stream().filter(c -> !c.passed()).count();
    String changes = checks.size() == 1 ? " change" : " changes";
    out.append(
        failed == 0
            ? (checks.size() == 1 ? "" : "all ") + checks.size() + changes + " verified\n"
            : failed + " of " + checks.size() + changes + " failed verification\n");
    return out.toString();
  }

  /** A pull-request comment: a table of changes with their result and the release notes. */
  public String toMarkdown() {
    return Redaction.redact(renderMarkdown());
  }

  private String renderMarkdown() {
    StringBuilder out = new StringBuilder("### Upkeep verify\n\n");
    if (checks.isEmpty()) {
      return out.append("No version changed since ")
          .append(Markdown.code(base))
          .append(".\n")
          .toString();
    }
    out.append("| | file | policy | old | new | problems |\n|---|---|---|---|---|---|\n");
    for (Check c : checks) {
      out.append(c.passed() ? "| ✅ | " : "| ❌ | ")
          .append(Markdown.codeCell(c.file() + ":" + c.line()))
          .append(" | ")
          .append(Markdown.codeCell(c.policy()))
          .append(" | ")
          .append(Markdown.codeCell(c.oldVersion()))
          .append(" | ")
          .append(Markdown.codeCell(c.newVersion()))
          .append(" | ")
          .append(Markdown.text(String.join("; ", c.problems())))
          .append(" |\n");
    }
    for (Check c : checks) {
      if (!c.releaseNotes().isEmpty()) {
        // Release notes come from the chart's author: shown as code, so they cannot add markup,
        // close the details element, or ping anyone.
        out.append("\n<details><summary>")
            .append(Markdown.html(c.artifact() + " " + c.newVersion()))
            .append(" release notes</summary>\n\n")
            .append(Markdown.codeBlock("yaml", c.releaseNotes().strip()))
            .append("\n</details>\n");
      }
    }
    return out.toString();
  }

  /** The report as JSON: {@code base}, {@code passed}, {@code checks[]}. */
  public String toJson() {
    return Redaction.redact(renderJson());
  }

  private String renderJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("base", base);
    root.put("passed", passed());
    List<Object> list = new ArrayList<>();
    for (Check c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", c.file());
      m.put("line", c.line());
      m.put("policy", c.policy());
      m.put("artifact", c.artifact());
      m.put("old", c.oldVersion());
      m.put("new", c.newVersion());
      m.put("passed", c.passed());
      m.put("problems", c.problems());
      m.put("releaseNotes", c.releaseNotes().isEmpty() ? null : c.releaseNotes());
      list.add(m);
    }
    root.put("checks", list);
    return Json.write(root);
  }
}
