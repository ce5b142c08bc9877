package dev.upkeep;

import dev.upkeep.json.Json;
import dev.upkeep.markdown.Markdown;
import dev.upkeep.patch.Change;
import dev.upkeep.policy.Rejection;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.review.ChartReview;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one run or plan did: per policy the candidates, the selection and why; per file the
 * changes with line numbers; the commit, branch and pull request. Immutable.
 *
 * <p>Renders as JSON ({@link #toJson()}, schema {@value #SCHEMA}), Markdown for a pull-request
 * comment ({@link #toMarkdown()}) and plain text ({@link #toText()}).
 *
 * @param dryRun true for {@code plan()}: nothing was written
 * @param policies one entry per policy, in the order they were added
 * @param files the changed files, sorted by path
 * @param findings everything noticed and not acted on
 * @param publish what the publisher did; empty for a plan or when nothing was published
 * @param changeRequest the pull request opened or updated, if any
 * @param elapsed how long the run took
 * @param timings how long each stage took
 * @param problemFiles the marked files that could not be processed (do not parse, too large,
 *     binary, not UTF-8), left untouched while the others were updated, in walk order
 * @param charts what each chart version change means to the repository, when a {@link
 *     dev.upkeep.review.ChartReviewer} is set
 */
public record UpdateReport(
    boolean dryRun,
    List<PolicyReport> policies,
    List<FileReport> files,
    List<Finding> findings,
    Optional<PublishResult> publish,
    Optional<ChangeRequest> changeRequest,
    Duration elapsed,
    Timings timings,
    List<ProblemFile> problemFiles,
    List<ChartReview> charts) {

  /**
   * Wall time per stage.
   *
   * @param resolve listing tags and selecting, across all registries
   * @param patch walking, reading and patching the manifests (and writing them, for a run)
   * @param git preparing the work tree, committing and pushing (clone or fetch for a plan)
   * @param changeRequest opening or updating the pull request
   */
  public record Timings(Duration resolve, Duration patch, Duration git, Duration changeRequest) {
    /** Validates that no component is null. */
    public Timings {
      Objects.requireNonNull(resolve, "resolve");
      Objects.requireNonNull(patch, "patch");
      Objects.requireNonNull(git, "git");
      Objects.requireNonNull(changeRequest, "changeRequest");
    }

    /** All zero. */
    public static Timings none() {
      return new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
  }

  /** The identifier of the JSON schema {@link #toJson()} follows; see {@code docs/report.md}. */
  public static final String SCHEMA = "https://upkeep.dev/schema/report/v1";

  /**
   * Characters {@link #toMarkdown()} writes at most, to fit a pull request body (GitHub allows
   * 65,536); rows and diffs beyond it are summarised, the commit has them all.
   */
  public static final int MARKDOWN_LIMIT = 60_000;

  /** Copies the lists so the report is immutable. */
  public UpdateReport {
    policies = List.copyOf(policies);
    files = List.copyOf(files);
    findings = List.copyOf(findings);
    Objects.requireNonNull(publish, "publish");
    Objects.requireNonNull(changeRequest, "changeRequest");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(timings, "timings");
    problemFiles = List.copyOf(problemFiles);
    charts = List.copyOf(charts);
  }

  /** A report without problem files or chart reviews. */
  public UpdateReport(
      boolean dryRun,
      List<PolicyReport> policies,
      List<FileReport> files,
      List<Finding> findings,
      Optional<PublishResult> publish,
      Optional<ChangeRequest> changeRequest,
      Duration elapsed,
      Timings timings) {
    this(
        dryRun,
        policies,
        files,
        findings,
        publish,
        changeRequest,
        elapsed,
        timings,
        List.of(),
        List.of());
  }

  /** Whether any file changed (or, for a plan, would change). */
  public boolean changed() {
    return !files.isEmpty();
  }

  /** Whether any policy failed or any finding is an error. */
  public boolean hasErrors() {
    return policies.stream().anyMatch(p -> p.status() == PolicyReport.Status.FAILED)
        || findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR);
  }

  /** The report of the policy named {@code name}. */
  public Optional<PolicyReport> policy(String name) {
    return policies.stream().filter(p -> p.policy().equals(name)).findFirst();
  }

  /** The changes to {@code file} (relative, {@code /}-separated), if it changed. */
  public Optional<FileReport> file(String file) {
    return files.stream().filter(f -> f.file().equals(file)).findFirst();
  }

  /** Every selection, by policy name. */
  public Map<String, Selection> selections() {
    Map<String, Selection> out = new LinkedHashMap<>();
    policies.forEach(p -> p.selection().ifPresent(s -> out.put(p.policy(), s)));
    return out;
  }

  /** Every change across all files, in file order. */
  public List<Change> changes() {
    List<Change> out = new ArrayList<>();
    files.forEach(f -> out.addAll(f.changes()));
    return out;
  }

  /** The commit made, if any. */
  public Optional<String> commit() {
    return publish.flatMap(PublishResult::commit);
  }

  /**
   * Says, for each policy, why it selected what it did and why every other tag was not chosen,
   * grouped by reason with up to {@code perReason} example tags each.
   */
  public String explain(int perReason) {
    StringBuilder out = new StringBuilder();
    for (PolicyReport p : policies) {
      out.append(p.policy())
          .append(" (")
          .append(p.artifact())
          .append(", ")
          .append(p.rule())
          .append("): ")
          .append(p.reason())
          .append('\n');
      p.decision()
          .ifPresent(
              d -> {
                Map<Rejection.Reason, List<Rejection>> byReason = new LinkedHashMap<>();
                d.rejections()
                    .forEach(
                        r -> byReason.computeIfAbsent(r.reason(), k -> new ArrayList<>()).add(r));
                byReason.forEach(
                    (reason, list) -> {
                      out.append("  ")
                          .append(list.size())
                          .append(' ')
                          .append(reason.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                          .append(":\n");
                      list.stream()
                          .limit(perReason)
                          .forEach(r -> out.append("    ").append(r.detail()).append('\n'));
                      if (list.size() > perReason) {
                        out.append("    ... and ")
                            .append(list.size() - perReason)
                            .append(" more\n");
                      }
                    });
              });
    }
    return out.toString();
  }

  /** The report as JSON, following {@link #SCHEMA}. */
  public String toJson() {
    return Redaction.redact(renderJson());
  }

  private String renderJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schema", SCHEMA);
    root.put("dryRun", dryRun);
    root.put("changed", changed());
    root.put("elapsedMillis", elapsed.toMillis());
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put("resolve", timings.resolve().toMillis());
    stages.put("patch", timings.patch().toMillis());
    stages.put("git", timings.git().toMillis());
    stages.put("changeRequest", timings.changeRequest().toMillis());
    root.put("stageMillis", stages);
    List<Object> ps = new ArrayList<>();
    for (PolicyReport p : policies) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", p.policy());
      m.put("artifact", p.artifact().toString());
      m.put("rule", p.rule());
      m.put("status", p.status().name().toLowerCase(Locale.ROOT));
      m.put("candidates", p.candidates());
      m.put("tag", p.selection().map(Selection::tag));
      m.put("digest", p.selection().flatMap(Selection::digest));
      m.put("reason", p.reason());
      Map<String, Object> rejected = new LinkedHashMap<>();
      p.rejectionCounts().forEach((k, v) -> rejected.put(k.name().toLowerCase(Locale.ROOT), v));
      m.put("rejected", rejected);
      ps.add(m);
    }
    root.put("policies", ps);
    List<Object> fs = new ArrayList<>();
    for (FileReport f : files) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", f.file());
      List<Object> cs = new ArrayList<>();
      for (Change c : f.changes()) {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("policy", c.policy());
        cm.put("field", c.field().name().toLowerCase(Locale.ROOT));
        cm.put("line", c.line());
        cm.put("column", c.column());
        cm.put("old", c.oldValue());
        cm.put("new", c.newValue());
        cs.add(cm);
      }
      m.put("changes", cs);
      m.put("diff", f.diff());
      fs.add(m);
    }
    root.put("files", fs);
    List<Object> fi = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
      m.put("file", f.file().isEmpty() ? null : f.file());
      m.put("line", f.line() > 0 ? f.line() : null);
      m.put("message", f.message());
      fi.add(m);
    }
    root.put("findings", fi);
    List<Object> pf = new ArrayList<>();
    for (ProblemFile p : problemFiles) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", p.file());
      m.put("line", p.line() > 0 ? p.line() : null);
      m.put("reason", p.reason());
      pf.add(m);
    }
    root.put("problemFiles", pf);
    root.put("charts", ChartSection.json(charts));
    root.put(
        "publish",
        publish.map(
            r -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("remote", r.remote());
              m.put("baseBranch", r.baseBranch());
              m.put("branch", r.branch());
              m.put("commit", r.commit());
              m.put("pushed", r.pushed());
              m.put("attempts", r.attempts());
              return m;
            }));
    root.put(
        "changeRequest",
        changeRequest.map(
            c -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("number", c.number());
              m.put("url", c.url().toString());
              m.put("created", c.created());
              m.put("declined", c.declined());
              return m;
            }));
    return Json.write(root);
  }

  /**
   * The report as Markdown for a pull-request body or comment: a table of policies (artifact, old
   * and new version), the changed files with their diffs, and the findings.
   */
  public String toMarkdown() {
    return Redaction.redact(renderMarkdown());
  }

  private String renderMarkdown() {
    String problemList = markdownProblemFiles();
    String findingList = markdownFindings();
    StringBuilder out = new StringBuilder();
    out.append(dryRun ? "### Upkeep plan\n\n" : "### Upkeep update\n\n");
    ChartSection.markdownWarnings(charts, out);
    out.append("| policy | artifact | rule | result |\n|---|---|---|---|\n");
    for (PolicyReport p : policies) {
      out.append("| ")
          .append(Markdown.codeCell(p.policy()))
          .append(" | ")
          .append(Markdown.codeCell(p.artifact().toString()))
          .append(" | ")
          .append(Markdown.text(p.rule()))
          .append(" | ")
          .append(
              p.selection().map(s -> Markdown.codeCell(s.tag())).orElse(Markdown.text(p.reason())))
          .append(" |\n");
    }
    if (!files.isEmpty()) {
      // One row per changed value: where (the file's directory is the environment in a
      // clusters/ENV layout), what (the chart or image), and the move.
      out.append(
          "\n| environment | file | artifact | policy | old | new |\n|---|---|---|---|---|---|\n");
      int rowsLeft = changes().size();
      for (FileReport f : files) {
        if (out.length() > MARKDOWN_LIMIT / 2) {
          break;
        }
        int slash = f.file().lastIndexOf('/');
        String environment = slash < 0 ? "." : f.file().substring(0, slash);
        for (Change c : f.changes()) {
          String artifact = policy(c.policy()).map(p -> p.artifact().toString()).orElse("");
          out.append("| ")
              .append(Markdown.text(environment))
              .append(" | ")
              .append(Markdown.codeCell(f.file() + ":" + c.line()))
              .append(" | ")
              .append(Markdown.codeCell(artifact))
              .append(" | ")
              .append(Markdown.codeCell(c.policy()))
              .append(" | ")
              .append(Markdown.codeCell(c.oldValue()))
              .append(" | ")
              .append(Markdown.codeCell(c.newValue()))
              .append(" |\n");
          rowsLeft--;
        }
      }
      if (rowsLeft > 0) {
        out.append("\n")
            .append(rowsLeft)
            .append(rowsLeft == 1 ? " more change" : " more changes")
            .append("; the commit has them all.\n");
      }
      StringBuilder diffs = new StringBuilder();
      int shown = 0;
      // What follows the diffs takes its room first, with the lines that close this section.
      int reserved = problemList.length() + findingList.length() + 200;
      for (FileReport f : files) {
        if (out.length() + diffs.length() + f.diff().length() + reserved > MARKDOWN_LIMIT) {
          break;
        }
        diffs.append(f.diff());
        shown++;
      }
      out.append("\n<details><summary>diff</summary>\n\n")
          .append(Markdown.codeBlock("diff", diffs.toString()));
      if (shown < files.size()) {
        // Git hosts cap a pull request body (GitHub at 65,536 characters): the commit has it all.
        out.append("\n")
            .append(files.size() - shown)
            .append(
                files.size() - shown == 1
                    ? " more file changed; its diff is in the commit.\n"
                    : " more files changed; their diff is in the commit.\n");
      }
      out.append("\n</details>\n");
    } else {
      out.append("\nNo file changes.\n");
    }
    out.append(problemList);
    // the chart sections take what is left, after the findings' room
    ChartSection.markdownDetails(charts, out, MARKDOWN_LIMIT - findingList.length());
    out.append(findingList);
    return out.toString();
  }

  /** The problem files as a Markdown list, at most 50 of them; empty when there are none. */
  private String markdownProblemFiles() {
    StringBuilder out = new StringBuilder();
    if (!problemFiles.isEmpty()) {
      out.append("\n**Problem files** (not processed; every other file was)\n\n");
      problemFiles.stream()
          .limit(50)
          .forEach(p -> out.append("- ").append(Markdown.text(p.toString())).append('\n'));
      if (problemFiles.size() > 50) {
        out.append("- and ").append(problemFiles.size() - 50).append(" more\n");
      }
    }
    return out.toString();
  }

  /** The findings as a Markdown list, at most 50 of them, and the commit. */
  private String markdownFindings() {
    StringBuilder out = new StringBuilder();
    if (!findings.isEmpty()) {
      out.append("\n**Findings**\n\n");
      findings.stream()
          .limit(50)
          .forEach(f -> out.append("- ").append(Markdown.text(f.toString())).append('\n'));
      if (findings.size() > 50) {
        out.append("- and ").append(findings.size() - 50).append(" more\n");
      }
    }
    publish
        .flatMap(PublishResult::commit)
        .ifPresent(
            c ->
                out.append("\nCommit ")
                    .append(Markdown.code(c.substring(0, Math.min(12, c.length()))))
                    .append(" on ")
                    .append(Markdown.code(publish.get().branch()))
                    .append(".\n"));
    return out.toString();
  }

  /** The report as plain text for a terminal: selections, changes, findings, commit. */
  public String toText() {
    return Redaction.redact(renderText());
  }

  private String renderText() {
    StringBuilder out = new StringBuilder();
    // one column for every name: a longer name widens it rather than pushing its row out of line
    int width = policies.stream().mapToInt(p -> p.policy().length()).max().orElse(0);
    String row = "%-" + Math.max(32, width) + "s %-10s %s%n";
    for (PolicyReport p : policies) {
      out.append(
          String.format(
              Locale.ROOT,
              row,
              p.policy(),
              p.status().name().toLowerCase(Locale.ROOT),
              p.selection().map(Selection::tag).orElse("") + "  (" + p.reason() + ")"));
    }
    for (FileReport f : files) {
      for (Change c : f.changes()) {
        out.append(f.file())
            .append(':')
            .append(c.line())
            .append(": ")
            .append(c.oldValue())
            .append(" -> ")
            .append(c.newValue())
            .append('\n');
      }
    }
    problemFiles.forEach(p -> out.append("problem file: ").append(p).append('\n'));
    ChartSection.text(charts, out);
    findings.forEach(f -> out.append(f).append('\n'));
    publish.ifPresent(
        r -> {
          if (r.commit().isPresent()) {
            out.append("commit ")
                .append(r.commit().get())
                .append(r.pushed() ? " pushed to " + r.branch() : " (not pushed)")
                .append('\n');
          } else {
            out.append("no commit: nothing to change\n");
          }
        });
    changeRequest.ifPresent(
        c ->
            out.append(
                    c.declined()
                        ? "closed without merging, not reopened: "
                        : c.created() ? "opened " : "updated ")
                .append("pull request #")
                .append(c.number())
                .append(' ')
                .append(c.url())
                .append('\n'));
    return out.toString();
  }
}
