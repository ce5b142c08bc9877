package dev.upkeep.publish;

import dev.upkeep.UpkeepException;

/** The Git host refused or failed to open or update a pull request. */
public class ChangeRequestException extends UpkeepException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the host and repository. */
  public ChangeRequestException(String message) {
    super(message);
  }

  /** Creates an exception whose message names the host and repository, with its cause. */
  public ChangeRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
