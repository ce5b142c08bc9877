package dev.upkeep;

import java.util.Objects;

/**
 * Something a run noticed and did not act on: an unknown policy in a marker, a marker that cannot
 * be applied, a file that does not parse, a change refused as a downgrade.
 *
 * @param severity how serious it is
 * @param file the file, relative to the repository root, or empty when not about a file
 * @param line the 1-based line, or 0 when not about a line
 * @param message a lowercase sentence that quotes the offending value
 */
public record Finding(Severity severity, String file, int line, String message) {

  /** How serious a finding is. */
  public enum Severity {
    /** Worth knowing; nothing was lost. */
    INFO,
    /** Something the user should fix; the rest of the run went on. */
    WARNING,
    /** Something failed; what it concerns was left untouched. */
    ERROR
  }

  /** Validates that no component is null. */
  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    message = Redaction.redact(Objects.requireNonNull(message, "message"));
  }

  /** A warning about a line of a file. */
  public static Finding warning(String file, int line, String message) {
    return new Finding(Severity.WARNING, file, line, message);
  }

  /** Renders as {@code file:line: message}. */
  @Override
  public String toString() {
    String where = file.isEmpty() ? "" : file + (line > 0 ? ":" + line : "") + ": ";
    return severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + where + message;
  }
}
