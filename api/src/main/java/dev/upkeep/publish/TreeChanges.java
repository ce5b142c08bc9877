package dev.upkeep.publish;

import dev.upkeep.FileReport;
import dev.upkeep.Selection;
import java.util.List;
import java.util.Map;

/**
 * What an update changed in a work tree, which a publisher commits and describes in the message.
 *
 * @param files the changed files (paths relative to the work tree root, {@code /}-separated) and
 *     their changes
 * @param selections every selection of the run, by policy name, for message templates
 */
public record TreeChanges(List<FileReport> files, Map<String, Selection> selections) {

  /** Copies the collections so the value is immutable. */
  public TreeChanges {
    files = List.copyOf(files);
    selections = Map.copyOf(selections);
  }

  /** Whether there is nothing to commit. */
  public boolean isEmpty() {
    return files.isEmpty();
  }

  /** The number of changed values across all files. */
  public int changeCount() {
    return files.stream().mapToInt(f -> f.changes().size()).sum();
  }
}
