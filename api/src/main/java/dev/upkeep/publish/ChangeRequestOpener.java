package dev.upkeep.publish;

/**
 * Opens a pull request (GitHub), merge request (GitLab) or its equivalent for a pushed branch, or
 * updates the one that is already open for that branch instead of opening a second.
 *
 * <p>The pipeline calls it on every run whose push branch is ahead of its base, pushed by this run
 * or an earlier one, so that a request that failed to open is opened later: implementations must
 * update the open request rather than open a second one.
 *
 * <p>Implementations must be thread-safe. They throw {@link ChangeRequestException} when the host
 * refuses or fails; messages name the host and repository, never the token.
 */
public interface ChangeRequestOpener {

  /**
   * Opens a change request for {@code spec.sourceBranch()} into {@code spec.targetBranch()}, or
   * updates the title, body and labels of the open one.
   *
   * @throws ChangeRequestException when the host refuses or cannot be reached
   */
  ChangeRequest openOrUpdate(ChangeRequestSpec spec);
}
