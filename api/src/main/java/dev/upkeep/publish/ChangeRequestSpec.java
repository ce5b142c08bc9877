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
 * @param headCommit the commit the source branch is at, when known (empty otherwise): a request a
 *     person closed without merging while the branch was at this very commit is not opened again
 */
public record ChangeRequestSpec(
    String sourceBranch,
    String targetBranch,
    String title,
    String body,
    List<String> labels,
    List<String> reviewers,
    String headCommit) {

  /** A spec that does not know the source branch's commit. */
  public ChangeRequestSpec(
      String sourceBranch,
      String targetBranch,
      String title,
      String body,
      List<String> labels,
      List<String> reviewers) {
    this(sourceBranch, targetBranch, title, body, labels, reviewers, "");
  }

  /** Validates and copies. */
  public ChangeRequestSpec {
    Objects.requireNonNull(sourceBranch, "sourceBranch");
    Objects.requireNonNull(targetBranch, "targetBranch");
    title = Redaction.redact(Objects.requireNonNull(title, "title"));
    body = Redaction.redact(Objects.requireNonNull(body, "body"));
    labels = List.copyOf(labels);
    reviewers = List.copyOf(reviewers);
    Objects.requireNonNull(headCommit, "headCommit");
    if (sourceBranch.equals(targetBranch)) {
      throw new IllegalArgumentException(
          "a change request needs two branches, got \"" + sourceBranch + "\" for both");
    }
  }
}
