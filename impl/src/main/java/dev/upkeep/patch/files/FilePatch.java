package dev.upkeep.patch.files;

import dev.upkeep.patch.Patch;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A manifest the walk patched.
 *
 * @param file the manifest, relative to the repository root
 * @param original its text before the patch, for {@link Patch#retain}
 * @param patch the new text and the changes
 */
public record FilePatch(Path file, String original, Patch patch) {

  /** Validates that no component is null. */
  public FilePatch {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(patch, "patch");
  }
}
