package dev.upkeep;

import dev.upkeep.patch.Change;
import java.util.List;
import java.util.Objects;

/**
 * The changes made to one file.
 *
 * @param file the path relative to the repository root, {@code /}-separated
 * @param changes the changed values in file order
 * @param diff the unified diff of the file ({@code --- a/file}, {@code +++ b/file}, hunks with
 *     three lines of context), or empty when it was not computed
 */
public record FileReport(String file, List<Change> changes, String diff) {

  /** Validates and copies. */
  public FileReport {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(diff, "diff");
    changes = List.copyOf(changes);
  }

  /** A report without a diff. */
  public FileReport(String file, List<Change> changes) {
    this(file, changes, "");
  }
}
