package dev.upkeep.publish.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/** Commits made with JGit's object inserter, for identities and histories the CLI fixture lacks. */
final class TestCommits {
  private TestCommits() {}

  /**
   * Writes a commit whose tree is {@code tree}'s commit tree (empty when null) plus {@code file},
   * with {@code parents}; returns its id. Moves no ref.
   */
  static ObjectId commit(
      Repository repo,
      ObjectId tree,
      List<? extends ObjectId> parents,
      String file,
      String content,
      PersonIdent author,
      PersonIdent committer,
      String message)
      throws IOException {
    try (ObjectInserter ins = repo.newObjectInserter();
        RevWalk walk = new RevWalk(repo)) {
      DirCache dc =
          tree == null
              ? DirCache.newInCore()
              : DirCache.read(walk.getObjectReader(), walk.parseCommit(tree).getTree());
      ObjectId blob = ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
      DirCacheEditor ed = dc.editor();
      ed.add(
          new DirCacheEditor.PathEdit(file) {
            @Override
            public void apply(DirCacheEntry e) {
              e.setFileMode(FileMode.REGULAR_FILE);
              e.setObjectId(blob);
            }
          });
      ed.finish();
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(dc.writeTree(ins));
      c.setParentIds(parents.toArray(new ObjectId[0]));
      c.setAuthor(author);
      c.setCommitter(committer);
      c.setMessage(message);
      ObjectId id = ins.insert(c);
      ins.flush();
      return id;
    }
  }
}
