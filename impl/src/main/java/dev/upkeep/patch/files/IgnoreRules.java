package dev.upkeep.patch.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * {@code .gitignore} semantics (JGit's matcher): the patterns given to the walk come first, then
 * the ignore files from the deepest directory up to the root, each relative to its directory.
 */
final class IgnoreRules {

  private static final class Level {
    final String dir;
    final IgnoreNode node;

    Level(String dir, IgnoreNode node) {
      this.dir = dir;
      this.node = node;
    }
  }

  private final IgnoreNode given;
  private final List<String> ignoreFileNames;
  private final Deque<Level> levels = new ArrayDeque<>();

  IgnoreRules(List<String> patterns, List<String> ignoreFileNames) {
    this.given = parse(String.join("\n", patterns));
    this.ignoreFileNames = ignoreFileNames;
  }

  /** Reads the ignore files of {@code dir} ({@code relative} to the root, "" for the root). */
  void enter(Path dir, String relative) {
    enter(dir, relative, null);
  }

  /**
   * Like {@link #enter(Path, String)}; {@code names} are the directory's entries when already
   * listed, so that a directory without ignore files costs no file system call.
   */
  void enter(Path dir, String relative, java.util.Set<String> names) {
    StringBuilder text = new StringBuilder();
    for (String name : ignoreFileNames) {
      if (names != null && !names.contains(name)) {
        continue;
      }
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        try {
          text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }
    }
    levels.push(new Level(relative, text.length() == 0 ? null : parse(text.toString())));
  }

  /** Leaves the directory entered last. */
  void leave() {
    levels.pop();
  }

  /** Whether {@code relative} (slash-separated, from the root) is excluded. */
  boolean ignored(String relative, boolean directory) {
    Boolean verdict = given.checkIgnored(relative, directory);
    if (verdict != null) {
      return verdict;
    }
    for (Iterator<Level> it = levels.iterator(); it.hasNext(); ) {
      Level level = it.next();
      if (level.node == null) {
        continue;
      }
      String inside = level.dir.isEmpty() ? relative : relative.substring(level.dir.length() + 1);
      verdict = level.node.checkIgnored(inside, directory);
      if (verdict != null) {
        return verdict;
      }
    }
    return false;
  }

  private static IgnoreNode parse(String patterns) {
    IgnoreNode node = new IgnoreNode();
    try (InputStream in = new ByteArrayInputStream(patterns.getBytes(StandardCharsets.UTF_8))) {
      node.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return node;
  }
}
