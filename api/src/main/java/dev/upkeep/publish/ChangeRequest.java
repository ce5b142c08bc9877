package dev.upkeep.publish;

import java.net.URI;
import java.util.Objects;

/**
 * An open change request.
 *
 * @param number the number the host gave it ({@code 42} for {@code #42} or {@code !42})
 * @param url the page a person opens to review it
 * @param created true when this run opened it, false when it updated an open one
 */
public record ChangeRequest(long number, URI url, boolean created) {

  /** Validates that the URL is present. */
  public ChangeRequest {
    Objects.requireNonNull(url, "url");
  }
}
