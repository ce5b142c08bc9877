package dev.upkeep.patch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
   * Every {@code *.yaml}, {@code *.yml} and {@code Kustomization} file outside {@code .git},
   * without following symbolic links: the simplest useful walk, naming the files Flux's image
   * automation reads. {@code upkeep-impl} has one with excludes and size limits.
   */
  static ManifestFiles yamlFiles() {
    return root -> {
      try (Stream<Path> walk = Files.walk(root)) {
        return walk.filter(p -> !root.relativize(p).startsWith(".git"))
            .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            .filter(
                p -> {
                  String name = p.getFileName().toString();
                  return name.endsWith(".yaml")
                      || name.endsWith(".yml")
                      || name.equals("Kustomization");
                })
            .map(root::relativize)
            .sorted()
            .collect(Collectors.toList());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the files under " + root, e);
      }
    };
  }
}
