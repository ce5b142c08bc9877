package dev.upkeep.cli;

import dev.upkeep.Redaction;
import java.text.MessageFormat;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quiets the JDK's default console logging for programs whose output is the product, and passes
 * every record through {@link Redaction}: Upkeep's own log lines are redacted where they are
 * written, and this catches the libraries underneath (the JDK's HTTP client, Jib's, JGit's) whose
 * debug output names URLs and headers.
 */
public final class Logging {
  private Logging() {}

  /** Shows only warnings and errors on stderr, or everything when {@code verbose}. */
  public static void configure(boolean verbose) {
    Logger root = Logger.getLogger("");
    Level level = verbose ? Level.FINE : Level.WARNING;
    root.setLevel(level);
    for (var handler : root.getHandlers()) {
      handler.setLevel(level);
      handler.setFilter(REDACT);
    }
  }

  /** Rewrites a record's message, parameters and exception without their secrets; keeps all. */
  public static final Filter REDACT =
      record -> {
        String message = record.getMessage();
        Object[] params = record.getParameters();
        if (message != null && params != null && params.length > 0) {
          try {
            message = MessageFormat.format(message, params);
          } catch (IllegalArgumentException e) {
            // not a MessageFormat pattern: keep the text as written
          }
        }
        record.setMessage(Redaction.redact(message));
        record.setParameters(null);
        record.setThrown(Redaction.redact(record.getThrown()));
        return true;
      };
}
