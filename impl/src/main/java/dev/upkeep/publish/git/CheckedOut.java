package dev.upkeep.publish.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Tells whether a clone already is a commit, checked out: HEAD detached at it, an index that
 * describes its tree, and every tracked file on disk as the index recorded it (type, size,
 * modification time, executable bit; under real directories, not links). Git trusts the same stat
 * data in {@code git status}; a file whose time is not older than the index ("racily clean", it may
 * have changed in the same clock tick) is compared by content. When this says yes, a hard reset
 * would rewrite nothing, and a run that reads a tree and then updates it is spared a second pass
 * over every file.
 */
final class CheckedOut {
  private CheckedOut() {}

  /** Whether HEAD, the index and the tracked files of {@code workTree} are {@code commit}'s. */
  static boolean matches(Repository repo, Path workTree, ObjectId commit) throws IOException {
    Ref head = repo.exactRef(Constants.HEAD);
    if (head == null || head.isSymbolic() || !commit.equals(head.getObjectId())) {
      return false;
    }
    Path indexFile = repo.getIndexFile().toPath();
    if (!Files.isRegularFile(indexFile, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    FileTime written = Files.getLastModifiedTime(indexFile, LinkOption.NOFOLLOW_LINKS);
    DirCache index = DirCache.read(repo);
    if (!written.equals(Files.getLastModifiedTime(indexFile, LinkOption.NOFOLLOW_LINKS))) {
      return false; // written while being read
    }
    if (index.getEntryCount() == 0 || !describes(repo, index, commit)) {
      return false;
    }
    boolean posix =
        Files.getFileAttributeView(
                workTree, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            != null;
    Set<Path> directories = new HashSet<>();
    directories.add(workTree);
    try (ObjectInserter.Formatter hasher = new ObjectInserter.Formatter()) {
      for (int i = 0; i < index.getEntryCount(); i++) {
        DirCacheEntry e = index.getEntry(i);
        if (e.isAssumeValid()) {
          // left out by a sparse checkout: not looked at, as Git's "assume unchanged" promises
          // (ten thousand of them would cost as many failing lstat calls)
          continue;
        }
        Path file = workTree.resolve(e.getPathString());
        if (!realDirectory(file.getParent(), directories)
            || !unchanged(e, file, written, posix, hasher)) {
          return false;
        }
      }
    } catch (NoSuchFileException gone) {
      return false;
    }
    return true;
  }

  /** Whether {@code dir} and its parents up to the work tree are directories, not links. */
  private static boolean realDirectory(Path dir, Set<Path> known) {
    if (known.contains(dir)) {
      return true;
    }
    if (!realDirectory(dir.getParent(), known)
        || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    known.add(dir);
    return true;
  }

  private static boolean unchanged(
      DirCacheEntry e, Path file, FileTime indexWritten, boolean posix, ObjectInserter hasher)
      throws IOException {
    FileMode mode = e.getFileMode();
    if (mode == FileMode.GITLINK) {
      return Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
    }
    if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
      return false; // links are rare: let the reset handle them
    }
    BasicFileAttributes attrs =
        posix
            ? Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            : Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()
        || (attrs.size() != e.getLength() && !e.isSmudged())
        || !attrs.lastModifiedTime().toInstant().equals(e.getLastModifiedInstant())) {
      return false;
    }
    if (posix
        && ((PosixFileAttributes) attrs).permissions().contains(PosixFilePermission.OWNER_EXECUTE)
            != (mode == FileMode.EXECUTABLE_FILE)) {
      return false;
    }
    if (attrs.lastModifiedTime().compareTo(indexWritten) < 0 && !e.isSmudged()) {
      return true;
    }
    // racily clean: the stat data cannot tell, the content can
    return hasher.idFor(Constants.OBJ_BLOB, Files.readAllBytes(file)).equals(e.getObjectId());
  }

  /** Whether {@code index} holds exactly the entries of {@code commit}'s tree, unmerged none. */
  private static boolean describes(Repository repo, DirCache index, ObjectId commit)
      throws IOException {
    for (int i = 0; i < index.getEntryCount(); i++) {
      if (index.getEntry(i).getStage() != DirCacheEntry.STAGE_0) {
        return false;
      }
    }
    try (RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo, walk.getObjectReader())) {
      tree.addTree(walk.parseCommit(commit).getTree());
      tree.addTree(new DirCacheIterator(index));
      tree.setRecursive(true);
      tree.setFilter(TreeFilter.ANY_DIFF);
      return !tree.next();
    }
  }
}
