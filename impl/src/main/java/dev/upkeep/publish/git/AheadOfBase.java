package dev.upkeep.publish.git;

import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.publish.BranchComparison;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Reads what a push branch holds that its base does not, as a pull request shows it: the files that
 * differ between the merge base and the branch's head.
 */
final class AheadOfBase {
  private AheadOfBase() {}

  /**
   * The comparison of {@code head} with {@code base}; empty when {@code head} is null, is {@code
   * base} or is already merged into it.
   */
  static Optional<BranchComparison> compare(Repository repo, ObjectId base, ObjectId head)
      throws IOException {
    if (head == null || head.equals(base)) {
      return Optional.empty();
    }
    try (RevWalk walk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader()) {
      RevCommit headCommit = walk.parseCommit(head);
      RevCommit baseCommit = walk.parseCommit(base);
      if (walk.isMergedInto(headCommit, baseCommit)) {
        return Optional.empty();
      }
      walk.reset();
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(head));
      walk.markStart(walk.parseCommit(base));
      RevCommit mergeBase = walk.next();
      // A shallow clone may not reach the merge base: compare with the base's head then.
      RevCommit from = mergeBase != null ? mergeBase : walk.parseCommit(base);
      List<BranchComparison.ChangedFile> files = new ArrayList<>();
      try (TreeWalk tree = new TreeWalk(repo, reader)) {
        tree.addTree(walk.parseCommit(from).getTree());
        tree.addTree(walk.parseCommit(head).getTree());
        tree.setRecursive(true);
        tree.setFilter(TreeFilter.ANY_DIFF);
        while (tree.next()) {
          Optional<String> before = text(reader, tree, 0);
          Optional<String> after = text(reader, tree, 1);
          if (before.isPresent() && after.isPresent()) {
            files.add(
                new BranchComparison.ChangedFile(tree.getPathString(), before.get(), after.get()));
          }
        }
      }
      return Optional.of(new BranchComparison(head.name(), from.name(), files));
    }
  }

  /**
   * The text of a regular file, "" when absent; empty for binary, too large or non-UTF-8 content.
   */
  private static Optional<String> text(ObjectReader reader, TreeWalk tree, int index)
      throws IOException {
    FileMode mode = tree.getFileMode(index);
    if (mode == FileMode.MISSING) {
      return Optional.of("");
    }
    if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
      return Optional.empty();
    }
    ObjectId id = tree.getObjectId(index);
    if (reader.getObjectSize(id, ObjectReader.OBJ_ANY) > ManifestText.DEFAULT_MAX_BYTES) {
      return Optional.empty();
    }
    return ManifestText.decode(
        reader.open(id).getCachedBytes(Math.toIntExact(ManifestText.DEFAULT_MAX_BYTES)));
  }
}
