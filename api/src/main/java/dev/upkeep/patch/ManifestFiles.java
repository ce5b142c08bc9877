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
   * Whether a file of this name is a manifest: {@code *.yaml}, {@code *.yml}, or {@code
   * Kustomization} (no extension), the names Flux's image automation and kustomize read.
   */
  static boolean isManifestName(String fileName) {
    return fileName.endsWith(".yaml")
        || fileName.endsWith(".yml")
        || fileName.equals("Kustomization");
  }

  /**
   * Files larger than this are listed but not read whole: a pipeline screens them for its markers
   * and reports a marked one as a problem file. The default is 16 MiB.
   */
  default long maxFileBytes() {
    return 16L << 20;
  }

  /**
   * The default walk, {@link ManifestWalk#create()}: every {@code *.yaml}, {@code *.yml} and {@code
   * Kustomization} file outside {@code .git} and outside what {@code .gitignore} files exclude,
   * never following symbolic links.
   */
  static ManifestFiles yamlFiles() {
    return ManifestWalk.create();
  }
}
