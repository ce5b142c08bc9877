package dev.upkeep.publish.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Writes trees no Git command would write — duplicate names, {@code ..}, {@code .git} in its many
 * spellings, names holding slashes — straight into a bare repository with JGit's low-level
 * inserter, and commits them on top of a branch, as a hostile pusher could.
 */
final class HostileTrees implements AutoCloseable {

  /** One entry of a tree being built: a blob, a symbolic link or a subtree. */
  record Entry(byte[] name, FileMode mode, ObjectId id) {}

  private final Repository repo;
  private final ObjectInserter inserter;

  HostileTrees(Path bare) {
    try {
      this.repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.inserter = repo.newObjectInserter();
  }

  Entry file(String name, String content) {
    return new Entry(bytes(name), FileMode.REGULAR_FILE, blob(content));
  }

  Entry symlink(String name, String target) {
    return new Entry(bytes(name), FileMode.SYMLINK, blob(target));
  }

  Entry dir(String name, Entry... entries) {
    return new Entry(bytes(name), FileMode.TREE, tree(List.of(entries)));
  }

  /**
   * Commits the tree of {@code branch}'s head plus {@code extra} at the root (in Git's sort order,
   * duplicates kept) on top of {@code branch}, and moves the branch. Returns the commit's id.
   */
  String commitOnTop(String branch, Entry... extra) {
    try (RevWalk walk = new RevWalk(repo)) {
      ObjectId head = repo.resolve(Constants.R_HEADS + branch);
      RevCommit parent = walk.parseCommit(head);
      List<Entry> root = new ArrayList<>(entriesOf(parent.getTree()));
      root.addAll(List.of(extra));
      ObjectId tree = tree(root);
      CommitBuilder c = new CommitBuilder();
      PersonIdent who = new PersonIdent("Mallory", "mallory@example.test");
      c.setAuthor(who);
      c.setCommitter(who);
      c.setTreeId(tree);
      c.setParentId(parent);
      c.setMessage("Looks harmless\n");
      ObjectId id = inserter.insert(c);
      inserter.flush();
      RefUpdate u = repo.updateRef(Constants.R_HEADS + branch);
      u.setExpectedOldObjectId(parent);
      u.setNewObjectId(id);
      RefUpdate.Result r = u.update();
      if (r != RefUpdate.Result.FAST_FORWARD) {
        throw new IllegalStateException("cannot move " + branch + ": " + r);
      }
      return id.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Entry> entriesOf(ObjectId tree) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (var walk = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
      walk.addTree(tree);
      while (walk.next()) {
        out.add(new Entry(walk.getRawPath(), walk.getFileMode(0), walk.getObjectId(0)));
      }
    }
    return out;
  }

  private ObjectId blob(String content) {
    try {
      return inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectId tree(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(HostileTrees::sortKey, Arrays::compareUnsigned));
    TreeFormatter f = new TreeFormatter();
    for (Entry e : sorted) {
      f.append(e.name(), 0, e.name().length, e.mode(), e.id(), true);
    }
    try {
      return f.insertTo(inserter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Git sorts a tree's entries by name, a subtree's name as if it ended in a slash. */
  private static byte[] sortKey(Entry e) {
    if (e.mode() != FileMode.TREE) {
      return e.name();
    }
    byte[] k = Arrays.copyOf(e.name(), e.name().length + 1);
    k[k.length - 1] = '/';
    return k;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    inserter.close();
    repo.close();
  }
}
