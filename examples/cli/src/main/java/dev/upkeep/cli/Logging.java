package dev.upkeep.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Quiets the JDK's default console logging for programs whose output is the product. */
public final class Logging {
  private Logging() {}

  /** Shows only warnings and errors on stderr, or everything when {@code verbose}. */
  public static void configure(boolean verbose) {
    Logger root = Logger.getLogger("");
    Level level = verbose ? Level.FINE : Level.WARNING;
    root.setLevel(level);
    for (var handler : root.getHandlers()) {
      handler.setLevel(level);
    }
  }
}
