package dev.upkeep.patch;

import dev.upkeep.Selection;
import java.nio.file.Path;
import java.util.Map;

/**
 * Rewrites the version values in one manifest's text.
 *
 * <p>Implementations must be thread-safe: the pipeline patches files concurrently. They do not read
 * or write the file themselves; {@code file} is used for messages only. They change only the
 * characters of the values that move, and return the content unchanged (same instance allowed) when
 * nothing applies.
 */
public interface ManifestPatcher {

  /**
   * Patches {@code content} with the selections its markers refer to.
   *
   * @param file the manifest's path relative to the repository root, for messages and reports
   * @param content the whole file as decoded text, including a leading BOM if the file has one
   * @param selectionsByPolicy the selections, keyed by policy name as markers write it
   * @return the new content, the changes made, and warnings about markers that could not apply
   * @throws PatchException when the content does not parse; nothing is changed then
   */
  Patch patch(Path file, String content, Map<String, Selection> selectionsByPolicy);

  /**
   * A cheap test whether {@code content} could contain anything this patcher acts on. Files that
   * answer false are not parsed. The default answers true.
   */
  default boolean mayApply(String content) {
    return true;
  }
}
