package dev.upkeep.publish;

import java.util.Objects;
import java.util.Optional;

/**
 * What a publisher did.
 *
 * @param remote the remote's URL with any credentials removed, or the directory patched in place
 * @param baseBranch the branch the update was built from
 * @param branch the branch the commit was pushed to
 * @param commit the new commit's id, or empty when nothing was committed
 * @param pushed whether the branch was pushed
 * @param attempts how many times the publisher prepared the tree and tried to push
 * @param ahead what the branch holds that the base branch does not, after this publish; empty when
 *     the branch is the base branch, does not exist, is merged into it, or the publisher cannot
 *     tell
 */
public record PublishResult(
    String remote,
    String baseBranch,
    String branch,
    Optional<String> commit,
    boolean pushed,
    int attempts,
    Optional<BranchComparison> ahead) {

  /** Validates that no component is null. */
  public PublishResult {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(baseBranch, "baseBranch");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(ahead, "ahead");
  }

  /** A result from a publisher that does not compare the branch with its base. */
  public PublishResult(
      String remote,
      String baseBranch,
      String branch,
      Optional<String> commit,
      boolean pushed,
      int attempts) {
    this(remote, baseBranch, branch, commit, pushed, attempts, Optional.empty());
  }

  /** A result for a run that had nothing to commit. */
  public static PublishResult nothingToCommit(String remote, String baseBranch, String branch) {
    return new PublishResult(remote, baseBranch, branch, Optional.empty(), false, 1);
  }
}
