package dev.upkeep.publish.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;

/**
 * The publisher's own clone in its work directory: fetches only the branches it needs, keeps them
 * under {@code refs/upkeep/}, checks out a commit with a detached HEAD, and stages exactly the
 * files an update reports. It never stores the remote's URL or credentials in its configuration.
 */
final class Clone implements AutoCloseable {

  /** Written before an update touches the tree, removed once the tree is clean again. */
  private static final String DIRTY_MARKER = "upkeep-dirty";

  private static final String TRACKING = "refs/upkeep/";

  private final Repository repo;
  private final Git git;
  private final Path workTree;

  private Clone(Repository repo, Path workTree) {
    this.repo = repo;
    this.git = new Git(repo);
    this.workTree = workTree;
  }

  /** Opens the clone in {@code workTree}, creating an empty repository the first time. */
  static Clone open(Path workTree) throws IOException {
    Files.createDirectories(workTree);
    Path dotGit = workTree.resolve(Constants.DOT_GIT);
    boolean fresh = !Files.isDirectory(dotGit);
    Repository repo =
        new FileRepositoryBuilder()
            .setGitDir(dotGit.toFile())
            .setWorkTree(workTree.toFile())
            .build();
    if (fresh) {
      repo.create();
      StoredConfig c = repo.getConfig();
      // Keep the bytes exactly as the remote has them and as the patcher wrote them.
      c.setBoolean(
          ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOCRLF, false);
      c.setString(ConfigConstants.CONFIG_GC_SECTION, null, "auto", "0");
      c.save();
    }
    return new Clone(repo, workTree);
  }

  Repository repository() {
    return repo;
  }

  Path workTree() {
    return workTree;
  }

  /**
   * The heads of {@code branches} on the remote, fetched into this clone; absent branches missing.
   */
  Map<String, ObjectId> fetch(RemoteAccess remote, List<String> branches, int depth)
      throws IOException {
    Map<String, ObjectId> heads = new HashMap<>();
    try (Transport t = remote.open(repo)) {
      t.setTagOpt(TagOpt.NO_TAGS);
      List<RefSpec> wanted = new ArrayList<>();
      for (String b : branches) {
        wanted.add(spec(b));
      }
      Map<String, Ref> advertised;
      List<String> prefixes = new ArrayList<>();
      for (String b : branches) {
        prefixes.add(Constants.R_HEADS + b);
      }
      try (FetchConnection c = t.openFetch(wanted, prefixes.toArray(new String[0]))) {
        advertised = c.getRefsMap();
      }
      List<RefSpec> toFetch = new ArrayList<>();
      boolean missing = false;
      for (String b : branches) {
        Ref r = advertised.get(Constants.R_HEADS + b);
        if (r != null && r.getObjectId() != null) {
          heads.put(b, r.getObjectId());
          toFetch.add(spec(b));
          missing |= !repo.getObjectDatabase().has(r.getObjectId());
        }
      }
      if (missing) {
        if (depth > 0) {
          t.setDepth(depth);
        }
        FetchResult result = t.fetch(NullProgressMonitor.INSTANCE, toFetch);
        // The fetch saw a newer advertisement; trust it over the listing.
        heads.clear();
        for (String b : branches) {
          Ref r = result.getAdvertisedRef(Constants.R_HEADS + b);
          if (r != null
              && r.getObjectId() != null
              && repo.getObjectDatabase().has(r.getObjectId())) {
            heads.put(b, r.getObjectId());
          }
        }
      }
    }
    for (String b : branches) {
      setTracking(b, heads.get(b));
    }
    return heads;
  }

  private static RefSpec spec(String branch) {
    return new RefSpec("+" + Constants.R_HEADS + branch + ":" + TRACKING + branch);
  }

  private void setTracking(String branch, ObjectId id) throws IOException {
    RefUpdate u = repo.updateRef(TRACKING + branch);
    if (id == null) {
      if (repo.exactRef(TRACKING + branch) != null) {
        u.setForceUpdate(true);
        u.delete();
      }
      return;
    }
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    u.update();
  }

  /**
   * Detaches HEAD at {@code commit} and makes the work tree and index exactly that commit's tree,
   * removing files a previous, interrupted update left behind.
   */
  void checkout(ObjectId commit, boolean forceClean) throws IOException {
    try {
      RefUpdate head = repo.updateRef(Constants.HEAD, true);
      head.setNewObjectId(commit);
      head.setForceUpdate(true);
      head.update();
      git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
      Path marker = repo.getDirectory().toPath().resolve(DIRTY_MARKER);
      if (forceClean || Files.exists(marker)) {
        git.clean().setCleanDirectories(true).setForce(true).call();
      }
      Files.deleteIfExists(marker);
    } catch (GitAPIException e) {
      throw new IOException("cannot check out " + commit.name() + ": " + e.getMessage(), e);
    }
  }

  /** Records that the tree matches HEAD again. */
  void clearDirty() throws IOException {
    Files.deleteIfExists(repo.getDirectory().toPath().resolve(DIRTY_MARKER));
  }

  /** Records that an update is about to write into the tree. */
  void markDirty() throws IOException {
    Files.writeString(repo.getDirectory().toPath().resolve(DIRTY_MARKER), "");
  }

  /**
   * Stages exactly {@code paths} as they are in the work tree (deleted when missing) and returns
   * the tree the index now describes.
   */
  ObjectId stage(List<String> paths) throws IOException {
    DirCache index = repo.lockDirCache();
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      DirCacheEditor editor = index.editor();
      for (String path : paths) {
        Path file = workTree.resolve(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          editor.add(new DirCacheEditor.DeletePath(path));
          continue;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException("\"" + path + "\" is not a regular file");
        }
        byte[] bytes = Files.readAllBytes(file);
        ObjectId blob = inserter.insert(Constants.OBJ_BLOB, bytes);
        long modified = Files.getLastModifiedTime(file).toMillis();
        boolean executable = Files.isExecutable(file);
        editor.add(
            new DirCacheEditor.PathEdit(path) {
              @Override
              public void apply(DirCacheEntry ent) {
                if (ent.getRawMode() == 0 || ent.getFileMode() == FileMode.SYMLINK) {
                  ent.setFileMode(executable ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
                }
                ent.setObjectId(blob);
                ent.setLength(bytes.length);
                ent.setLastModified(java.time.Instant.ofEpochMilli(modified));
              }
            });
      }
      editor.finish();
      ObjectId tree = index.writeTree(inserter);
      inserter.flush();
      index.write();
      if (!index.commit()) {
        throw new IOException("cannot write the index of " + workTree);
      }
      return tree;
    } finally {
      index.unlock();
    }
  }

  Git git() {
    return git;
  }

  Optional<ObjectId> resolve(String rev) throws IOException {
    return Optional.ofNullable(repo.resolve(rev));
  }

  @Override
  public void close() {
    repo.close();
  }
}
