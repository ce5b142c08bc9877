package dev.upkeep.publish;

import java.net.URI;
import java.util.Objects;

/**
 * A change request this run opened or updated, or one a person declined.
 *
 * @param number the number the host gave it ({@code 42} for {@code #42} or {@code !42})
 * @param url the page a person opens to review it
 * @param created true when this run opened it, false when it updated an open one
 * @param declined true when none is open and a person closed this one without merging it while the
 *     branch was at the commit it is at now: nothing was opened or updated, and nothing will be
 *     until the branch moves
 */
public record ChangeRequest(long number, URI url, boolean created, boolean declined) {

  /** Validates that the URL is present and that a declined request was not created. */
  public ChangeRequest {
    Objects.requireNonNull(url, "url");
    if (created && declined) {
      throw new IllegalArgumentException("a change request cannot be both created and declined");
    }
  }

  /** A request this run opened ({@code created}) or updated. */
  public ChangeRequest(long number, URI url, boolean created) {
    this(number, url, created, false);
  }

  /** The request a person closed without merging at the branch's current commit. */
  public static ChangeRequest declined(long number, URI url) {
    return new ChangeRequest(number, url, false, true);
  }
}
