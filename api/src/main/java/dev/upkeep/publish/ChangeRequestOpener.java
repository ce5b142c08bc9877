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

  /**
   * The open change requests into {@code targetBranch} whose source branch starts with {@code
   * branchPrefix}: the ones a grouped run ({@code --group-by artifact}) pushed. Hosts list at most
   * one page of 100; a repository with more open requests from Upkeep's branches sees the first
   * 100.
   *
   * @throws ChangeRequestException when the host refuses or cannot be reached
   * @throws UnsupportedOperationException when the implementation cannot list (the default)
   */
  default java.util.List<OpenChangeRequest> openRequests(String branchPrefix, String targetBranch) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot list open change requests");
  }

  /**
   * Comments {@code comment} (Markdown) on the open change request {@code number}, then closes it
   * without merging. The source branch is left alone.
   *
   * @throws ChangeRequestException when the host refuses or cannot be reached
   * @throws UnsupportedOperationException when the implementation cannot close (the default)
   */
  default void close(long number, String comment) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot close change requests");
  }
}
