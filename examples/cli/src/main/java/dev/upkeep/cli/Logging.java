package dev.upkeep.cli;

import dev.upkeep.Redaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Quiets the JDK's default console logging for programs whose output is the product, and passes
 * every record through {@link Redaction}: Upkeep's own log lines are redacted where they are
 * written, and this catches the libraries underneath (the JDK's HTTP client, Jib's, JGit's) whose
 * debug output names URLs and headers.
 */
public final class Logging {
  private static final String MANAGER = "java.util.logging.manager";

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

  /**
   * As {@link #configure}, without starting {@code java.util.logging} now: Upkeep's loggers answer
   * for the levels below WARNING themselves, the JDK's own loggers print to stderr as they do
   * before it starts, and when something starts it (a warning, JGit starting) the log manager is a
   * {@link Manager}, which configures itself so. A command that logs nothing never starts it. When
   * {@code verbose}, or where the JVM was given a log manager or a logging configuration of its
   * own, it starts now and is set as {@link #configure} sets it. Call it before any other thread
   * may log.
   */
  static void configureOnFirstUse(boolean verbose) {
    // Debugging starts it at once: before it starts, the JDK's own loggers print through stand-ins
    // that no filter sees, and their debug records name URLs and headers. (Left to themselves they
    // print nothing below INFO, and the JDK code a command runs logs nothing above FINE.)
    if (verbose
        || System.getProperty(MANAGER) != null
        || System.getProperty("java.util.logging.config.class") != null
        || System.getProperty("java.util.logging.config.file") != null) {
      configure(verbose);
      return;
    }
    Redaction.skipLoggingBelow(System.Logger.Level.WARNING);
    System.setProperty(MANAGER, Manager.class.getName());
  }

  /**
   * The command line's log manager ({@code java.util.logging.manager}): where the JDK would read
   * {@code logging.properties}, one console handler on stderr, warnings and errors only, every
   * record through {@link #REDACT}.
   */
  public static final class Manager extends LogManager {
    /** Made by the JDK when {@code java.util.logging} starts. */
    public Manager() {}

    @Override
    public void readConfiguration() throws IOException {
      String properties =
          "handlers=java.util.logging.ConsoleHandler\n"
              + ".level=WARNING\n"
              + "java.util.logging.ConsoleHandler.level=WARNING\n"
              + "java.util.logging.ConsoleHandler.filter="
              + RedactFilter.class.getName()
              + "\n";
      readConfiguration(new ByteArrayInputStream(properties.getBytes(StandardCharsets.ISO_8859_1)));
    }
  }

  /** {@link #REDACT} as a class that a logging configuration can name. */
  public static final class RedactFilter implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
      return REDACT.isLoggable(record);
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
