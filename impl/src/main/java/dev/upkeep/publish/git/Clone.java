package dev.upkeep.publish.git;

import dev.upkeep.Redaction;
import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.publish.PublishException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The publisher's own clone in its work directory: fetches only the branches it needs, keeps them
 * under {@code refs/upkeep/}, checks out a commit with a detached HEAD, and stages exactly the
 * files an update reports. It never stores the remote's URL or credentials in its configuration.
 */
final class Clone implements AutoCloseable {

  /** Written before an update touches the tree, removed once the tree is clean again. */
  private static final String DIRTY_MARKER = "upkeep-dirty";

  /** Written when a sparse checkout leaves a file out, removed once every file is written back. */
  private static final String SPARSE_MARKER = "upkeep-sparse";

  private static final String TRACKING = "refs/upkeep/";

  private static final Set<String> KUSTOMIZATIONS =
      Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /**
   * A clone kept across runs gains a pack with each fetch that brings objects and with each update:
   * past this many, {@link #repackWhenCrowded} packs them into one, as {@code git gc --auto} would
   * (the clone's own {@code gc.auto} is off, so that JGit never starts one in the middle of a run).
   */
  static final int MAX_PACKS = 50;

  private static final System.Logger LOG = Redaction.logger(Clone.class.getName());

  /** Blobs larger than this are always written: rare, and not worth reading to judge. */
  private static final long SPARSE_MAX_JUDGED = 1 << 20;

  private final Repository repo;
  private final Git git;
  private final Path workTree;

  /** Tokens of a sparse checkout (see {@link JGitPublisher.Builder#sparseCheckout}); none: full. */
  private final List<String> sparseTokens;

  private Clone(Repository repo, Path workTree, List<String> sparseTokens) {
    this.repo = repo;
    this.git = new Git(repo);
    this.workTree = workTree;
    this.sparseTokens = List.copyOf(sparseTokens);
  }

  /** Opens the clone in {@code workTree} for full checkouts. */
  static Clone open(Path directory) throws IOException {
    return open(directory, List.of());
  }

  /**
   * Opens the clone in {@code workTree}, creating an empty repository the first time. With {@code
   * sparseTokens}, a first checkout leaves out the manifests of plain ASCII that hold none of them;
   * without, every checkout writes back whatever an earlier sparse one left out.
   */
  static Clone open(Path directory, List<String> sparseTokens) throws IOException {
    Path workTree = directory.toAbsolutePath().normalize();
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
    // Checkouts write the bytes of the blobs, as the first checkout does and as staging reads
    // them: a .gitattributes asking for CRLF (or a smudge filter) must not turn every line of a
    // file it rewrites into a change. The repository's own attributes win over the tree's.
    Path info = dotGit.resolve("info");
    Files.createDirectories(info);
    Path attributes = info.resolve("attributes");
    String raw = "* -text -filter\n";
    if (!Files.exists(attributes)
        || !Files.readString(attributes, StandardCharsets.UTF_8).equals(raw)) {
      Files.writeString(attributes, raw, StandardCharsets.UTF_8);
    }
    return new Clone(repo, workTree, sparseTokens);
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
    Path marker = repo.getDirectory().toPath().resolve(DIRTY_MARKER);
    try {
      // A run reads the tree, then updates the same commit: its second checkout would only compare
      // every file with the index and rewrite nothing, at the cost of a pass over the whole tree.
      // (A tree checked out already was checked before it was written.)
      if (Files.exists(marker) || !CheckedOut.matches(repo, workTree, commit)) {
        TreeCheck.requireSafe(repo, commit);
        RefUpdate head = repo.updateRef(Constants.HEAD, true);
        head.setNewObjectId(commit);
        head.setForceUpdate(true);
        head.update();
        if (!firstCheckout(commit)) {
          git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
        }
      }
      if (forceClean || Files.exists(marker)) {
        git.clean().setCleanDirectories(true).setForce(true).call();
      }
      if (sparseTokens.isEmpty()) {
        writeLeftOut();
      }
      Files.deleteIfExists(marker);
    } catch (GitAPIException e) {
      throw new IOException("cannot check out " + commit.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the whole tree of {@code commit} into an empty work tree and index, file by file as the
   * repository stores them. JGit's checkout writes every file through a temporary file and a rename
   * and looks up attributes for each, which makes a first checkout of tens of thousands of files
   * several times slower than Git's; here nothing can be overwritten, so neither is needed. The
   * tree was checked ({@link TreeCheck}); still, no file is created where something already is and
   * no directory is entered through a symbolic link, in case the file system folds two names into
   * one.
   *
   * @return false when the index is not empty, and the caller must check out the usual way
   */
  private boolean firstCheckout(ObjectId commit) throws IOException {
    if (DirCache.read(repo).getEntryCount() > 0) {
      return false;
    }
    removeLeftovers();
    List<DirCacheEntry> entries = writeFiles(commit);
    if (entries.stream().anyMatch(DirCacheEntry::isAssumeValid)) {
      // before the index holds them: a full checkout then knows to write them back
      Files.writeString(repo.getDirectory().toPath().resolve(SPARSE_MARKER), "");
    }
    // Locked only now that the files are written: JGit blanks the size of an entry whose file is
    // not older than the lock ("racily clean"), and every later checkout then reads that file
    // again. A lock taken before writing thousands of files blanked most of them.
    DirCache index = repo.lockDirCache();
    try {
      if (index.getEntryCount() > 0) {
        throw new IOException("the index of " + workTree + " was written during the checkout");
      }
      DirCacheBuilder builder = index.builder();
      entries.forEach(builder::add);
      builder.finish();
      index.write();
      if (!index.commit()) {
        throw new IOException("cannot write the index of " + workTree);
      }
      return true;
    } finally {
      index.unlock();
    }
  }

  /** Writes the files of {@code commit}'s tree and returns their index entries. */
  private List<DirCacheEntry> writeFiles(ObjectId commit) throws IOException {
    List<DirCacheEntry> entries = new ArrayList<>();
    Set<Path> directories = new HashSet<>();
    directories.add(workTree);
    try (RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo)) {
      tree.addTree(walk.parseCommit(commit).getTree());
      tree.setRecursive(true);
      ObjectReader reader = tree.getObjectReader();
      while (tree.next()) {
        String path = tree.getPathString();
        FileMode mode = tree.getFileMode(0);
        ObjectId id = tree.getObjectId(0);
        Path file = workTree.resolve(path);
        DirCacheEntry entry = new DirCacheEntry(path);
        entry.setFileMode(mode);
        entry.setObjectId(id);
        if (mode == FileMode.GITLINK) {
          directory(file.getParent(), directories);
          directory(file, directories);
        } else if (mode == FileMode.SYMLINK) {
          directory(file.getParent(), directories);
          String target = new String(reader.open(id).getCachedBytes(), StandardCharsets.UTF_8);
          Files.createSymbolicLink(file, Path.of(target));
        } else {
          ObjectLoader blob = reader.open(id, Constants.OBJ_BLOB);
          if (leavesOut(tree.getNameString(), blob)) {
            // in the index and every commit as it is, never on disk: Git's "assume unchanged"
            entry.setLength(blob.getSize());
            entry.setAssumeValid(true);
          } else {
            directory(file.getParent(), directories);
            write(file, path, mode, blob, entry);
          }
        }
        entries.add(entry);
      }
    }
    return entries;
  }

  /**
   * Whether a sparse checkout leaves out the blob of a file named {@code name}. Kustomization files
   * are always written: the namespace they set is the namespace of the Flux objects beside them.
   */
  private boolean leavesOut(String name, ObjectLoader blob) throws IOException {
    return !sparseTokens.isEmpty()
        && ManifestFiles.isManifestName(name)
        && !KUSTOMIZATIONS.contains(name)
        && blob.getSize() <= SPARSE_MAX_JUDGED
        && !ManifestWalk.keeps(blob.getCachedBytes(), sparseTokens);
  }

  /**
   * Writes {@code blob} as the new file {@code file} and records its stat data in {@code entry}.
   */
  private static void write(
      Path file, String path, FileMode mode, ObjectLoader blob, DirCacheEntry entry)
      throws IOException {
    try (OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS)) {
      blob.copyTo(out);
    }
    if (mode == FileMode.EXECUTABLE_FILE && !file.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + path + " executable");
    }
    BasicFileAttributes attrs =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    entry.setLength(attrs.size());
    entry.setLastModified(attrs.lastModifiedTime().toInstant());
  }

  /**
   * Writes the files a sparse checkout left out (entries marked assume-unchanged) and clears their
   * mark, so that a full checkout is whole again. A file found where one was left out is replaced:
   * nothing in the clone wrote it.
   */
  private void writeLeftOut() throws IOException {
    // Only a first checkout leaves files out, and it leaves a mark: no index to read without one.
    Path mark = repo.getDirectory().toPath().resolve(SPARSE_MARKER);
    if (!Files.exists(mark)) {
      return;
    }
    DirCache index = repo.lockDirCache();
    try (ObjectReader reader = repo.newObjectReader()) {
      Set<Path> directories = new HashSet<>();
      directories.add(workTree);
      boolean wrote = false;
      for (int i = 0; i < index.getEntryCount(); i++) {
        DirCacheEntry entry = index.getEntry(i);
        if (!entry.isAssumeValid()) {
          continue;
        }
        String path = entry.getPathString();
        Path file = workTree.resolve(path);
        directory(file.getParent(), directories);
        Files.deleteIfExists(file);
        write(file, path, entry.getFileMode(), reader.open(entry.getObjectId()), entry);
        entry.setAssumeValid(false);
        wrote = true;
      }
      if (wrote) {
        index.write();
        if (!index.commit()) {
          throw new IOException("cannot write the index of " + workTree);
        }
      }
    } finally {
      index.unlock();
    }
    Files.deleteIfExists(mark);
  }

  /** Creates {@code dir} and its parents inside the work tree, never through a link. */
  private void directory(Path dir, Set<Path> made) throws IOException {
    if (made.contains(dir)) {
      return;
    }
    directory(dir.getParent(), made);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(dir);
    } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new PublishException(
          "refusing to check out into \""
              + workTree.relativize(dir).toString().replace('\\', '/')
              + "\": it is a symbolic link or a file in the work tree");
    }
    made.add(dir);
  }

  /**
   * Deletes what an interrupted first checkout left beside {@code .git}: without an index nothing
   * in the work tree is known, and a link left there must not be written through. Links are
   * removed, never followed.
   */
  private void removeLeftovers() throws IOException {
    try (Stream<Path> top = Files.list(workTree)) {
      for (Path p : (Iterable<Path>) top::iterator) {
        if (!p.getFileName().toString().equals(Constants.DOT_GIT)) {
          deleteTree(p);
        }
      }
    }
  }

  /** Deletes {@code root} and everything under it; links are removed, never followed. */
  static void deleteTree(Path root) throws IOException {
    if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> children = Files.list(root)) {
        for (Path p : (Iterable<Path>) children::iterator) {
          deleteTree(p);
        }
      }
    }
    Files.deleteIfExists(root);
  }

  /** Records that the tree matches HEAD again. */
  void clearDirty() throws IOException {
    Files.deleteIfExists(repo.getDirectory().toPath().resolve(DIRTY_MARKER));
  }

  /**
   * An inserter that writes the new blobs and trees of an update as one pack, as a fetch does,
   * instead of a file each (a hundred changed files made 150 loose objects in up to 256
   * directories: 80 ms of a run on a file system where creating files is slow).
   */
  private ObjectInserter packInserter() {
    return repo.getObjectDatabase() instanceof ObjectDirectory
        ? ((ObjectDirectory) repo.getObjectDatabase()).newPackInserter()
        : repo.newObjectInserter();
  }

  /** Packs every object into one pack when the clone holds more than {@link #MAX_PACKS}. */
  void repackWhenCrowded() {
    repackWhenCrowded(MAX_PACKS);
  }

  /**
   * Packs every object into one pack when the clone holds more than {@code maxPacks}. A failure is
   * logged and costs nothing else: the run goes on with the packs as they are.
   */
  void repackWhenCrowded(int maxPacks) {
    try {
      if (packs() <= maxPacks) {
        return;
      }
      // The work directory's lock is held: nothing else reads these packs, so the old ones go at
      // once rather than after Git's hour of grace (in memory only, for this repack).
      repo.getConfig()
          .setString(
              ConfigConstants.CONFIG_GC_SECTION,
              null,
              ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE,
              "now");
      git.gc().call();
    } catch (IOException | GitAPIException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot repack the clone in {0}: {1}",
          workTree,
          e.getMessage());
    }
  }

  /** How many packs the clone's object directory holds. */
  int packs() throws IOException {
    Path dir = repo.getDirectory().toPath().resolve("objects").resolve("pack");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = 0;
    try (java.nio.file.DirectoryStream<Path> packs = Files.newDirectoryStream(dir, "*.pack")) {
      for (Path ignored : packs) {
        n++;
      }
    }
    return n;
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
    try (ObjectInserter inserter = packInserter()) {
      DirCacheEditor editor = index.editor();
      for (String path : paths) {
        path = TreeCheck.requireCommittable(workTree, path);
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
        // to the nanosecond, as a checkout records it, so that CheckedOut can trust it
        java.time.Instant modified = Files.getLastModifiedTime(file).toInstant();
        boolean executable = Files.isExecutable(file);
        editor.add(
            new DirCacheEditor.PathEdit(path) {
              @Override
              public void apply(DirCacheEntry ent) {
                if (ent.getRawMode() == 0 || ent.getFileMode() == FileMode.SYMLINK) {
                  ent.setFileMode(executable ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
                }
                ent.setObjectId(blob);
                ent.setAssumeValid(false);
                ent.setLength(bytes.length);
                ent.setLastModified(modified);
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

  @Override
  public void close() {
    repo.close();
  }
}
