package dev.upkeep.publish.git;

import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.TreeChanges;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookup;

/**
 * A commit message template with {@code ${name}} variables, rendered with Commons Text. Every
 * variable is checked when the template is created; values are inserted as they are, never
 * substituted again, so a tag cannot inject text. Immutable and thread-safe.
 */
final class CommitTemplate {

  /** The message Upkeep writes unless told otherwise. */
  static final String DEFAULT = "${summary}\n\n${changes}\n";

  static final Set<String> NAMES =
      Set.of(
          "summary",
          "changes",
          "files",
          "updated.count",
          "files.count",
          "automation",
          "base",
          "branch");
  private static final Pattern POLICY_VARIABLE =
      Pattern.compile("policy\\.(.+)\\.(tag|image|digest|artifact)");

  private final String template;

  private CommitTemplate(String template) {
    this.template = template;
  }

  /**
   * Parses {@code template}.
   *
   * @throws ConfigurationException naming the first variable that does not exist
   */
  static CommitTemplate of(String template) {
    if (template == null || template.isBlank()) {
      throw new ConfigurationException("commit message template must not be blank");
    }
    Set<String> used = new LinkedHashSet<>();
    StringLookup recorder =
        key -> {
          used.add(key);
          return "";
        };
    StringSubstitutor probe = new StringSubstitutor(recorder);
    probe.setValueDelimiterMatcher(null);
    probe.setDisableSubstitutionInValues(true);
    probe.replace(template);
    for (String name : used) {
      if (!NAMES.contains(name) && !POLICY_VARIABLE.matcher(name).matches()) {
        throw new ConfigurationException(
            "unknown variable \"${"
                + name
                + "}\" in commit message template; expected one of "
                + String.join(", ", new TreeSet<>(NAMES))
                + " or policy.NAME.tag|image|digest|artifact");
      }
    }
    return new CommitTemplate(template);
  }

  /**
   * Renders the message.
   *
   * @throws ConfigurationException when the template names a policy the run did not select
   */
  String render(TreeChanges changes, String automation, String base, String branch) {
    Map<String, String> values = new HashMap<>();
    values.put("summary", summary(changes));
    values.put("changes", changeList(changes));
    StringBuilder files = new StringBuilder();
    for (FileReport f : changes.files()) {
      files.append(files.length() == 0 ? "" : "\n").append("- ").append(f.file());
    }
    values.put("files", files.toString());
    values.put("updated.count", Integer.toString(changes.changeCount()));
    values.put("files.count", Integer.toString(changes.files().size()));
    values.put("automation", automation);
    values.put("base", base);
    values.put("branch", branch);
    for (Selection s : changes.selections().values()) {
      String p = "policy." + s.policy() + ".";
      values.put(p + "tag", s.tag());
      values.put(p + "image", s.image());
      values.put(p + "digest", s.digest().orElse(""));
      values.put(p + "artifact", s.artifact().toString());
    }
    StringSubstitutor sub =
        new StringSubstitutor(
            key -> {
              String v = values.get(key);
              if (v == null) {
                throw new ConfigurationException(
                    "commit message template uses \"${"
                        + key
                        + "}\" but this run has no selection for that policy");
              }
              return v;
            });
    sub.setValueDelimiterMatcher(null);
    sub.setDisableSubstitutionInValues(true);
    return sub.replace(template);
  }

  static String summary(TreeChanges changes) {
    Map<String, String> newVersions = new TreeMap<>();
    Map<String, String> newDigests = new TreeMap<>();
    int n = 0;
    for (FileReport f : changes.files()) {
      // a policy's digest moves with its tag (digestReflectionPolicy): one update, not two
      Map<String, int[]> counts = new HashMap<>();
      for (Change c : f.changes()) {
        boolean digest = c.field() == Change.Field.DIGEST;
        (digest ? newDigests : newVersions)
            .merge(c.policy(), c.newVersion(), (a, b) -> a.equals(b) ? a : "*");
        counts.computeIfAbsent(c.policy(), k -> new int[2])[digest ? 1 : 0]++;
      }
      for (int[] c : counts.values()) {
        n += Math.max(c[0], c[1]);
      }
    }
    // a digest names the move of a policy whose tag did not move
    newDigests.forEach(newVersions::putIfAbsent);
    if (newVersions.size() == 1) {
      Map.Entry<String, String> only = newVersions.entrySet().iterator().next();
      if (!only.getValue().equals("*") && !only.getValue().isEmpty()) {
        return "Update " + shortName(only.getKey()) + " to " + only.getValue();
      }
    }
    int files = changes.files().size();
    return "Update "
        + n
        + (n == 1 ? " version" : " versions")
        + " in "
        + files
        + (files == 1 ? " file" : " files");
  }

  static String changeList(TreeChanges changes) {
    StringBuilder out = new StringBuilder();
    for (FileReport f : changes.files()) {
      for (Change c : f.changes()) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append("- ")
            .append(f.file())
            .append(':')
            .append(c.line())
            .append(": ")
            .append(c.oldValue())
            .append(" -> ")
            .append(c.newValue())
            .append(" (")
            .append(c.policy())
            .append(')');
      }
    }
    return out.toString();
  }

  private static String shortName(String policy) {
    int colon = policy.lastIndexOf(':');
    return colon >= 0 ? policy.substring(colon + 1) : policy;
  }
}
