package dev.upkeep;

import java.util.Objects;

/**
 * A file that holds a marker but could not be processed, so it was left untouched while every other
 * file was updated, as Flux's image automation keeps its "problem files": it does not parse (a Helm
 * template with {@code {{ }}}), breaks a parser limit (an alias bomb), is larger than the walk's
 * limit, is binary or is not UTF-8.
 *
 * @param file the path relative to the repository root, {@code /}-separated
 * @param line the 1-based line of the problem, or 0 when it concerns the whole file
 * @param reason a lowercase sentence saying why the file was not processed
 */
public record ProblemFile(String file, int line, String reason) {

  /** Validates that no component is null. */
  public ProblemFile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(reason, "reason");
  }

  /** Renders as {@code file:line: reason}. */
  @Override
  public String toString() {
    return file + (line > 0 ? ":" + line : "") + ": " + reason;
  }
}
