package dev.upkeep.patch;

import dev.upkeep.patch.files.ManifestWalk;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Chooses which files of a work tree are manifests to patch.
 *
 * <p>Implementations must be thread-safe. They return paths relative to {@code root}, sorted, never
 * following links out of the tree and never descending into {@code .git}.
 */
@FunctionalInterface
public interface ManifestFiles {

  /**
   * The manifests under {@code root}.
   *
   * @throws UncheckedIOException when the tree cannot be read
   */
  List<Path> list(Path root);

  /**
   * The default walk, {@link ManifestWalk#create()}: every {@code *.yaml} and {@code *.yml} file
   * outside {@code .git} and outside what {@code .gitignore} files exclude, never following
   * symbolic links, skipping files over 4 MiB.
   */
  static ManifestFiles yamlFiles() {
    return ManifestWalk.create();
  }
}
