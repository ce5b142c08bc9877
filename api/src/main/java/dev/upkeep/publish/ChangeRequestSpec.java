package dev.upkeep.publish;

import dev.upkeep.Redaction;
import java.util.List;
import java.util.Objects;

/**
 * What to open a change request for.
 *
 * @param sourceBranch the pushed branch
 * @param targetBranch the branch to merge into
 * @param title the title
 * @param body the description, in Markdown
 * @param labels labels to set (may be empty)
 * @param reviewers user names to ask for review (may be empty)
 */
public record ChangeRequestSpec(
    String sourceBranch,
    String targetBranch,
    String title,
    String body,
    List<String> labels,
    List<String> reviewers) {

  /** Validates and copies. */
  public ChangeRequestSpec {
    Objects.requireNonNull(sourceBranch, "sourceBranch");
    Objects.requireNonNull(targetBranch, "targetBranch");
    title = Redaction.redact(Objects.requireNonNull(title, "title"));
    body = Redaction.redact(Objects.requireNonNull(body, "body"));
    labels = List.copyOf(labels);
    reviewers = List.copyOf(reviewers);
    if (sourceBranch.equals(targetBranch)) {
      throw new IllegalArgumentException(
          "a change request needs two branches, got \"" + sourceBranch + "\" for both");
    }
  }
}
