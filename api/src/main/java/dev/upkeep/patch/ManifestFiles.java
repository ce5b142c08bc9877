package dev.upkeep.patch;

import dev.upkeep.patch.files.ManifestWalk;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
   * The text of {@code file} (listed under {@code root}) when this listing read it already, as a
   * screen of the same tree moments before does, or empty to have the pipeline read the file. A
   * text given here must be the file's bytes as UTF-8, without a NUL byte.
   */
  default Optional<String> knownText(Path root, Path file) {
    return Optional.empty();
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
