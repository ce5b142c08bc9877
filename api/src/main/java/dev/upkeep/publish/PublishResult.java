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
 */
public record PublishResult(
    String remote,
    String baseBranch,
    String branch,
    Optional<String> commit,
    boolean pushed,
    int attempts) {

  /** Validates that no component is null. */
  public PublishResult {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(baseBranch, "baseBranch");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(commit, "commit");
  }

  /** A result for a run that had nothing to commit. */
  public static PublishResult nothingToCommit(String remote, String baseBranch, String branch) {
    return new PublishResult(remote, baseBranch, branch, Optional.empty(), false, 1);
  }
}
