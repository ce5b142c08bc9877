package dev.upkeep.publish;

import dev.upkeep.UpkeepException;

/**
 * Cloning, committing or pushing failed. When this is thrown the remote is exactly as it was before
 * the run: no branch was created, moved or half-pushed.
 */
public class PublishException extends UpkeepException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that names the remote and branch. */
  public PublishException(String message) {
    super(message);
  }

  /** Creates an exception with a message that names the remote and branch, with its cause. */
  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
