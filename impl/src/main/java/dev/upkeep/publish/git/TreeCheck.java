package dev.upkeep.publish.git;

import dev.upkeep.publish.PublishException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Refuses what could make a checkout or a commit reach outside the work tree: a tree with two
 * entries of one name (a symbolic link {@code x} beside a directory {@code x/} would have files
 * written through the link), a {@code .} or {@code ..} component, {@code .git} in any spelling Git
 * knows (any case, NTFS short names and trailing dots, HFS+ ignorable characters), a name holding a
 * slash, and a path under a symbolic link. Trees are checked with JGit's {@link ObjectChecker},
 * each distinct tree once, before a single file is written.
 *
 * <p>Windows device names ({@code aux.yaml}) and characters Windows forbids are allowed: the clone
 * lives on the machine that runs Upkeep, and such names are harmless there.
 */
final class TreeCheck {

  /** The file in {@code .git/} that lists the trees already found safe, 20 bytes per id. */
  static final String CHECKED = "upkeep-checked-trees";

  /** Past this many remembered trees the list starts over (20 MB). */
  private static final int MAX_REMEMBERED = 1_000_000;

  private TreeCheck() {}

  /** A tree still to check, and the path it sits at. */
  private record Pending(String prefix, ObjectId tree) {}

  private static ObjectChecker checker() {
    return new ObjectChecker().setSafeForMacOS(true).setAllowLeadingZeroFileMode(true);
  }

  /**
   * Checks the tree of {@code commit} and every tree under it. A tree's safety depends only on its
   * content, and its id is the hash of that content, so trees checked by an earlier run of this
   * clone are remembered in {@code .git/}{@value #CHECKED} and skipped: a run on a large repository
   * reads only the trees that changed.
   *
   * @throws PublishException naming the first offending path; nothing is remembered then
   */
  static void requireSafe(Repository repo, ObjectId commit) throws IOException {
    Path memo = repo.getDirectory().toPath().resolve(CHECKED);
    Set<ObjectId> known = read(memo);
    Set<ObjectId> checked;
    try (RevWalk walk = new RevWalk(repo)) {
      checked =
          requireSafe(walk.getObjectReader(), commit, walk.parseCommit(commit).getTree(), known);
    }
    if (checked.isEmpty()) {
      return;
    }
    boolean full = known.size() + checked.size() > MAX_REMEMBERED;
    try (OutputStream out =
        Files.newOutputStream(
            memo,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            full ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
      byte[] raw = new byte[Constants.OBJECT_ID_LENGTH];
      for (ObjectId id : checked) {
        id.copyRawTo(raw, 0);
        out.write(raw);
      }
    }
  }

  /** The trees under {@code tree} not in {@code known}, once each have been found safe. */
  static Set<ObjectId> requireSafe(
      ObjectReader reader, ObjectId commit, ObjectId tree, Set<ObjectId> known) throws IOException {
    ObjectChecker checker = checker();
    Set<ObjectId> seen = new HashSet<>();
    Deque<Pending> todo = new ArrayDeque<>();
    todo.push(new Pending("", tree));
    CanonicalTreeParser parser = new CanonicalTreeParser();
    while (!todo.isEmpty()) {
      Pending next = todo.pop();
      String prefix = next.prefix();
      ObjectId id = next.tree();
      if (known.contains(id) || !seen.add(id)) {
        continue; // a tree's safety does not depend on where it sits
      }
      byte[] raw = reader.open(id, Constants.OBJ_TREE).getCachedBytes();
      try {
        checker.checkTree(id, raw);
      } catch (CorruptObjectException e) {
        throw refusal(commit, offender(checker, prefix, raw, e));
      }
      parser.reset(raw);
      for (; !parser.eof(); parser.next()) {
        if (FileMode.TREE.equals(parser.getEntryRawMode())) {
          todo.push(
              new Pending(prefix + parser.getEntryPathString() + "/", parser.getEntryObjectId()));
        }
      }
    }
    return seen;
  }

  private static Set<ObjectId> read(Path memo) throws IOException {
    if (!Files.exists(memo)) {
      return Set.of();
    }
    byte[] raw = Files.readAllBytes(memo);
    Set<ObjectId> ids = new HashSet<>();
    for (int at = 0;
        at + Constants.OBJECT_ID_LENGTH <= raw.length;
        at += Constants.OBJECT_ID_LENGTH) {
      ids.add(ObjectId.fromRaw(raw, at));
    }
    return ids;
  }

  /**
   * Checks a path the update reported before it is committed: relative, inside the work tree, no
   * {@code .git} in any spelling, and no symbolic link among its parents (the file itself may be
   * one; the caller refuses what is not a regular file).
   *
   * @return the path with {@code /} separators, normalized
   * @throws PublishException naming the path
   */
  static String requireCommittable(Path workTree, String path) {
    Path file = workTree.resolve(path).normalize();
    if (path.isEmpty()
        || Path.of(path).isAbsolute()
        || !file.startsWith(workTree)
        || file.equals(workTree)) {
      throw new PublishException(
          "the update reported \"" + path + "\", which is not a file inside the work tree");
    }
    String relative = workTree.relativize(file).toString().replace('\\', '/');
    try {
      checker().checkPath(relative);
    } catch (CorruptObjectException e) {
      throw new PublishException(
          "the update reported \""
              + path
              + "\", which is not a file inside the work tree (it names Git's own directory)");
    }
    for (Path p = file.getParent(); !p.equals(workTree); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new PublishException(
            "the update reported \""
                + path
                + "\", which lies under the symbolic link \""
                + workTree.relativize(p).toString().replace('\\', '/')
                + "\"; refusing to commit a file outside the work tree");
      }
    }
    return relative;
  }

  /** The path of the first entry of {@code raw} that is wrong, with the reason. */
  private static String offender(
      ObjectChecker checker, String prefix, byte[] raw, CorruptObjectException e) {
    String where = prefix.isEmpty() ? "/" : prefix;
    String malformed = "\"" + where + "\", a malformed tree (" + reason(e) + ")";
    Set<String> names = new HashSet<>();
    CanonicalTreeParser parser = new CanonicalTreeParser();
    try {
      parser.reset(raw);
    } catch (RuntimeException unparsable) {
      return malformed;
    }
    for (; !parser.eof(); parser.next()) {
      byte[] buf = parser.getEntryPathBuffer();
      int start = parser.getNameOffset();
      int end = start + parser.getNameLength();
      String path =
          "\"" + prefix + new String(buf, start, end - start, StandardCharsets.UTF_8) + "\"";
      for (int i = start; i < end; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
          return path + ", a name holding a slash";
        }
      }
      try {
        checker.checkPathSegment(buf, start, end);
      } catch (CorruptObjectException bad) {
        return path + ", " + segmentReason(buf, start, end);
      }
      if (!names.add(new String(buf, start, end - start, StandardCharsets.ISO_8859_1))) {
        return path + " twice in one directory";
      }
    }
    return malformed;
  }

  /** Why {@link ObjectChecker#checkPathSegment} refused a name; it does not say. */
  private static String segmentReason(byte[] buf, int start, int end) {
    int n = end - start;
    if (n == 0) {
      return "an empty name";
    }
    if (buf[start] == '.' && (n == 1 || (n == 2 && buf[start + 1] == '.'))) {
      return "a . or .. component";
    }
    return "a spelling of .git";
  }

  private static String reason(CorruptObjectException e) {
    ObjectChecker.ErrorType type = e.getErrorType();
    if (type == null) {
      return "invalid";
    }
    switch (type) {
      case HAS_DOT:
      case HAS_DOTDOT:
        return "a . or .. component";
      case HAS_DOTGIT:
        return "a spelling of .git";
      case FULL_PATHNAME:
        return "a name holding a slash";
      case EMPTY_NAME:
        return "an empty name";
      case DUPLICATE_ENTRIES:
        return "two entries named alike";
      default:
        return type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  private static PublishException refusal(ObjectId commit, String what) {
    return new PublishException(
        "refusing to check out "
            + commit.abbreviate(7).name()
            + ": its tree holds "
            + what
            + ", which could write outside the work tree; nothing was written");
  }
}
