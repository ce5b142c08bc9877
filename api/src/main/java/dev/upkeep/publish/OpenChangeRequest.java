package dev.upkeep.publish;

import java.net.URI;
import java.util.Objects;

/**
 * A change request that is open on the host, as {@link ChangeRequestOpener#openRequests} lists it.
 *
 * @param number the number the host gave it ({@code 42} for {@code #42} or {@code !42})
 * @param url the page a person opens to review it
 * @param sourceBranch the branch it merges from
 * @param targetBranch the branch it merges into
 */
public record OpenChangeRequest(long number, URI url, String sourceBranch, String targetBranch) {

  /** Validates that no component is null. */
  public OpenChangeRequest {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(sourceBranch, "sourceBranch");
    Objects.requireNonNull(targetBranch, "targetBranch");
  }
}
