package dev.upkeep.patch;

import dev.upkeep.UpkeepException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A manifest could not be patched: it does not parse, or writing it failed. The file is left
 * untouched. The message names the file and, where known, the line.
 */
public class PatchException extends UpkeepException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String reason;

  /**
   * Creates an exception for {@code file}.
   *
   * @param file the manifest, relative to the repository root where known
   * @param line the 1-based line of the problem, or 0 when unknown
   * @param reason what is wrong, in lowercase
   */
  public PatchException(Path file, int line, String reason) {
    this(file, line, reason, null);
  }

  /** Creates an exception for {@code file} with the underlying cause. */
  public PatchException(Path file, int line, String reason, Throwable cause) {
    super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** The manifest that could not be patched. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** What is wrong, without the file and line the message starts with. */
  public String reason() {
    return reason;
  }

  /** The 1-based line of the problem, or 0 when unknown. */
  public int line() {
    return line;
  }
}
