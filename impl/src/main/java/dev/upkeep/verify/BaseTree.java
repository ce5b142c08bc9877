package dev.upkeep.verify;

import dev.upkeep.patch.files.ManifestText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The base commit's files, read from Git objects (never from the work tree the change checked out)
 * into a private temporary directory, so the same loaders that read a checkout ({@code
 * FluxAutomation}, inline markers, the manifest walk) read the base. Only regular files no larger
 * than a manifest may be are written; links, submodules and paths with {@code ..} or a {@code .git}
 * component are left out.
 */
final class BaseTree implements AutoCloseable {

  private final Path root;

  private BaseTree(Path root) {
    this.root = root;
  }

  /** Writes the files of {@code tree} of {@code repo} into a new temporary directory. */
  static BaseTree export(Repository repo, ObjectId tree) {
    Path root;
    try {
      root = Files.createTempDirectory("upkeep-verify-base");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the base's files", e);
    }
    BaseTree base = new BaseTree(root);
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(tree);
      walk.setRecursive(true);
      while (walk.next()) {
        FileMode mode = walk.getFileMode(0);
        if ((mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE)
            || !safe(walk.getPathString())) {
          continue;
        }
        ObjectLoader blob = repo.open(walk.getObjectId(0));
        if (blob.getSize() > ManifestText.DEFAULT_MAX_BYTES) {
          continue;
        }
        Path file = root.resolve(walk.getPathString()).normalize();
        if (!file.startsWith(root)) {
          continue;
        }
        Files.createDirectories(file.getParent());
        Files.write(
            file, blob.getBytes(), StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      base.close();
      throw new UncheckedIOException("cannot read the base's files from " + repo.getDirectory(), e);
    }
    return base;
  }

  private static boolean safe(String path) {
    for (String part : path.split("/", -1)) {
      String p = part.toLowerCase(Locale.ROOT);
      if (p.isEmpty() || p.equals(".") || p.equals("..") || p.equals(".git")) {
        return false;
      }
    }
    return true;
  }

  /** The directory holding the base's files. */
  Path root() {
    return root;
  }

  @Override
  public void close() {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory holds only the base's own files.
    }
  }
}
