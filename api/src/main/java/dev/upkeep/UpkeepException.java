package dev.upkeep;

/**
 * Base of every error Upkeep raises. Unchecked; each pipeline stage has its own subclass so a
 * caller can tell a registry outage from a bad manifest or a rejected push.
 *
 * <p>Messages are written for the person running Upkeep: lowercase, they say what was expected and
 * quote the offending value. They never contain passwords, tokens or other credentials: the message
 * and the chain of causes pass through {@link Redaction}.
 */
public class UpkeepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message for the user. */
  public UpkeepException(String message) {
    super(Redaction.redact(message));
  }

  /** Creates an exception with a message for the user and the underlying cause. */
  public UpkeepException(String message, Throwable cause) {
    super(Redaction.redact(message), Redaction.redact(cause));
  }
}
