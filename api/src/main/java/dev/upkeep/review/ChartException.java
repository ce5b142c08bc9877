package dev.upkeep.review;

import dev.upkeep.UpkeepException;

/** A chart package that cannot be read: not a gzip tarball, too large, or not a Helm chart. */
public class ChartException extends UpkeepException {
  private static final long serialVersionUID = 1L;

  /** With a lowercase message that quotes the offending value. */
  public ChartException(String message) {
    super(message);
  }

  /** With a lowercase message and the cause. */
  public ChartException(String message, Throwable cause) {
    super(message, cause);
  }
}
