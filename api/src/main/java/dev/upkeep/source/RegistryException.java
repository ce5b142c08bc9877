package dev.upkeep.source;

import dev.upkeep.UpkeepException;

/** A registry could not be reached, refused access, or answered something that is not valid. */
public class RegistryException extends UpkeepException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the host and repository. */
  public RegistryException(String message) {
    super(message);
  }

  /** Creates an exception whose message names the host and repository, with its cause. */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
