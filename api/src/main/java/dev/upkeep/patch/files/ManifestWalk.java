package dev.upkeep.patch.files;

import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.ManifestPatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The repository walk: which files are manifests, and reading and patching them safely.
 *
 * <p>Rules, as Flux's image automation scans a checkout:
 *
 * <ul>
 *   <li>only files named {@code *.yaml}, {@code *.yml} or {@code Kustomization} (kustomize's
 *       extensionless name, which Flux reads too), under an optional sub-path;
 *   <li>never {@code .git}, never anything the {@code .gitignore} files (or other ignore files
 *       named with {@link Builder#ignoreFiles}) exclude, never anything matching the {@code
 *       .gitignore}-style patterns given with {@link Builder#exclude};
 *   <li>symbolic links are never followed, whether to files or directories: a target inside the
 *       repository is visited at its own path, a target outside is never read, and an atomic write
 *       can never replace a link with a file;
 *   <li>files larger than {@link Builder#maxFileBytes} (default 4 MiB) are listed but never read
 *       whole, and {@link #read} skips them and binary files (a NUL byte, or bytes that are not
 *       UTF-8): a pipeline screens them for its markers and reports a marked one as a problem file.
 * </ul>
 *
 * <p>A pipeline reads every listed file, keeps only those holding the patcher's literal markers
 * (its {@link ManifestPatcher#mayApply} test: {@code $imagepolicy}, the same cheap pre-filter Flux
 * applies) and parses and patches those. Memory stays flat in the number of files: only patched
 * files are kept. Instances are immutable and thread-safe.
 */
public final class ManifestWalk implements ManifestFiles {

  private final String path;
  private final List<String> excludes;
  private final List<String> ignoreFiles;
  private final long maxFileBytes;

  private ManifestWalk(Builder b) {
    this.path = b.path;
    this.excludes = List.copyOf(b.excludes);
    this.ignoreFiles = List.copyOf(b.ignoreFiles);
    this.maxFileBytes = b.maxFileBytes;
  }

  /** A walk over the whole repository with the default rules. */
  public static ManifestWalk create() {
    return builder().build();
  }

  /** A builder for a walk with a sub-path, excludes or a different size limit. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The manifests under {@code root} (and the configured sub-path), relative to {@code root},
   * sorted.
   *
   * @throws UncheckedIOException when the tree cannot be read
   */
  @Override
  public List<Path> list(Path root) {
    Path base = base(root);
    if (base == null) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    walk(root, base, (file, attrs) -> found.add(file));
    Collections.sort(found);
    return found;
  }

  /** The directory to walk under {@code root}, or null when there is none. */
  private Path base(Path root) {
    Path base = root.resolve(path).normalize();
    if (!base.startsWith(root.normalize())) {
      throw new IllegalArgumentException("path \"" + path + "\" leads outside " + root);
    }
    return Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS) ? base : null;
  }

  /** Hands every manifest under {@code base} to {@code found}, in directory order. */
  private void walk(Path root, Path base, BiConsumer<Path, BasicFileAttributes> found) {
    IgnoreRules rules = new IgnoreRules(excludes, ignoreFiles);
    try {
      // the ignore files of the directories above the sub-path apply too
      Path dir = root;
      rules.enter(root, "");
      int levels = 1;
      for (Path part : root.relativize(base)) {
        if (part.toString().isEmpty()) {
          continue;
        }
        dir = dir.resolve(part);
        String relative = slashed(root.relativize(dir));
        if (relative.equals(".git") || Files.isSymbolicLink(dir) || rules.ignored(relative, true)) {
          return;
        }
        rules.enter(dir, relative);
        levels++;
      }
      Path start = root.relativize(dir);
      visit(dir, start, slashed(start), rules, found, false);
      for (int i = 0; i < levels; i++) {
        rules.leave();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the files under " + base, e);
    }
  }

  /**
   * Adds the manifests below {@code dir}; reads its ignore files first unless they are entered
   * already (the start directory). Listing the directory tells whether it has any, so a directory
   * without ignore files costs no extra file system call.
   */
  private void visit(
      Path dir,
      Path relativeDirPath,
      String relativeDir,
      IgnoreRules rules,
      BiConsumer<Path, BasicFileAttributes> found,
      boolean enter)
      throws IOException {
    List<Path> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path entry : stream) {
        entries.add(entry);
        names.add(entry.getFileName().toString());
      }
    }
    if (enter) {
      rules.enter(dir, relativeDir, names);
    }
    for (Path entry : entries) {
      visitEntry(entry, relativeDirPath, relativeDir, rules, found);
    }
    if (enter) {
      rules.leave();
    }
  }

  /**
   * Hands over {@code entry} of a directory, or visits it when it is a directory. (A method of its
   * own, called once per entry, so that the JIT compiles it within the first few hundred files; the
   * loop around it runs once per directory and would stay interpreted.)
   */
  private void visitEntry(
      Path entry,
      Path relativeDirPath,
      String relativeDir,
      IgnoreRules rules,
      BiConsumer<Path, BasicFileAttributes> found)
      throws IOException {
    String name = entry.getFileName().toString();
    BasicFileAttributes attrs =
        Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String relative = relativeDir.isEmpty() ? name : relativeDir + "/" + name;
    if (attrs.isDirectory()) {
      if (!name.equals(".git") && !rules.ignored(relative, true)) {
        visit(entry, relativeDirPath.resolve(name), relative, rules, found, true);
      }
    } else if (attrs.isRegularFile()
        && ManifestFiles.isManifestName(name)
        && !rules.ignored(relative, false)) {
      // resolving a name is much cheaper than relativizing a path, and a walk does it a lot
      found.accept(relativeDirPath.resolve(entry.getFileName()), attrs);
    }
  }

  /**
   * The text of {@code file} (relative to {@code root}), or empty when the walk's rules skip it: a
   * symbolic link or under one, outside {@code root}, too large, or binary.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public Optional<String> read(Path root, Path file) {
    Path normal = file.normalize();
    if (normal.isAbsolute() || normal.startsWith("..") || normal.toString().isEmpty()) {
      return Optional.empty();
    }
    Path dir = root;
    for (int i = 0; i < normal.getNameCount() - 1; i++) {
      dir = dir.resolve(normal.getName(i));
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
    }
    return ManifestText.read(root.resolve(normal), maxFileBytes);
  }

  /**
   * What {@link #screen} found under a root.
   *
   * @param texts the text of every file whose bytes hold one of the tokens, in list order
   * @param unjudged the files whose text the screen did not vouch for: too large, binary, or with
   *     bytes outside ASCII that it did not decode; a pipeline reads these itself and reports them
   * @param stamps the size and modification time of every listed file as the walk saw it, which
   *     {@link #unchangedSince} compares later; empty when none were recorded
   */
  public record Screen(Map<Path, String> texts, List<Path> unjudged, Map<Path, Stamp> stamps) {
    /** Makes the record with unmodifiable copies. */
    public Screen {
      texts = Collections.unmodifiableMap(new LinkedHashMap<>(texts));
      unjudged = List.copyOf(unjudged);
      stamps = Map.copyOf(stamps);
    }

    /** A screen that recorded no stamps: {@link #unchangedSince} trusts none of its files. */
    public Screen(Map<Path, String> texts, List<Path> unjudged) {
      this(texts, unjudged, Map.of());
    }
  }

  /**
   * A file's size and modification time as the walk saw them before the screen read it.
   *
   * @param size the size in bytes
   * @param modified the modification time, to the file system's precision
   */
  public record Stamp(long size, FileTime modified) {
    static Stamp of(BasicFileAttributes attrs) {
      return new Stamp(attrs.size(), attrs.lastModifiedTime());
    }
  }

  /**
   * The files a pipeline must read under {@code root} when {@code earlier} screened that same tree
   * with tokens that include every patcher's markers: those the screen kept (with a token, or
   * unjudged) and every file that is new or whose size or modification time changed since, which
   * the pipeline reads and judges afresh. It walks the tree again but reads no file. Under any
   * other root, and for a screen without stamps, it is this walk.
   */
  public ManifestFiles unchangedSince(Path root, Screen earlier) {
    Path screened = root.toAbsolutePath().normalize();
    Set<Path> kept = new HashSet<>(earlier.texts().keySet());
    kept.addAll(earlier.unjudged());
    ManifestWalk walk = this;
    return new ManifestFiles() {
      @Override
      public List<Path> list(Path tree) {
        Path base = walk.base(tree);
        if (earlier.stamps().isEmpty() || !tree.toAbsolutePath().normalize().equals(screened)) {
          return walk.list(tree);
        }
        if (base == null) {
          return List.of();
        }
        List<Path> found = new ArrayList<>();
        walk.walk(
            tree,
            base,
            (file, attrs) -> {
              if (kept.contains(file) || !Stamp.of(attrs).equals(earlier.stamps().get(file))) {
                found.add(file);
              }
            });
        Collections.sort(found);
        return found;
      }

      @Override
      public long maxFileBytes() {
        return walk.maxFileBytes();
      }
    };
  }

  /**
   * Reads every listed file under {@code root} once and decodes only those whose bytes hold one of
   * {@code asciiTokens} (an ASCII token is in UTF-8 bytes exactly when it is in their text): the
   * cheap screen Flux applies before parsing anything. Files the rules skip (too large, binary, not
   * UTF-8) have no text.
   *
   * @throws UncheckedIOException when the tree or a file cannot be read
   */
  public Screen screen(Path root, Collection<String> asciiTokens) {
    return screen(root, asciiTokens, true);
  }

  /**
   * As {@link #screen}, without the stamps: for a caller that will not ask {@link #unchangedSince}
   * about this tree (a plan that reads it once), which spares keeping an entry for every file.
   */
  public Screen screenUnstamped(Path root, Collection<String> asciiTokens) {
    return screen(root, asciiTokens, false);
  }

  private Screen screen(Path root, Collection<String> asciiTokens, boolean stamp) {
    Path base = base(root);
    if (base == null) {
      return new Screen(Map.of(), List.of());
    }
    // The walk lists directories on this thread while others read the files it has found: both
    // are mostly system calls, and a repository of ten thousand files is read in half the time.
    try (ScreenReaders readers = new ScreenReaders(root, asciiTokens, maxFileBytes, stamp)) {
      walk(root, base, readers::add);
      return readers.finish();
    }
  }

  /**
   * Whether {@link #screen} keeps a file of these bytes: they hold one of {@code asciiTokens}, or
   * they are not plain ASCII (a NUL, or bytes above 127), so that no byte search can vouch for
   * their text. A file of plain ASCII without a token is read by nothing after the screen; a
   * checkout may leave it out for the same reason.
   */
  public static boolean keeps(byte[] bytes, Collection<String> asciiTokens) {
    return ManifestText.contains(bytes, asciiTokens) || !plain(bytes);
  }

  /** ASCII without NUL: text in any reading. */
  static boolean plain(byte[] bytes) {
    for (byte b : bytes) {
      if (b <= 0) {
        return false;
      }
    }
    return true;
  }

  /** Files larger than this are listed but not read; a pipeline reports a marked one. */
  @Override
  public long maxFileBytes() {
    return maxFileBytes;
  }

  /** {@code relative} with {@code /} between its parts, whatever the platform's separator. */
  public static String slashed(Path relative) {
    StringBuilder out = new StringBuilder();
    for (Path part : relative) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  /** Configures a {@link ManifestWalk}. */
  public static final class Builder {
    private String path = "";
    private final List<String> excludes = new ArrayList<>();
    private final List<String> ignoreFiles = new ArrayList<>(List.of(".gitignore"));
    private long maxFileBytes = ManifestText.DEFAULT_MAX_BYTES;

    private Builder() {}

    /**
     * Walks only below {@code relativePath} of the repository (Flux's {@code spec.update.path});
     * the default is the whole repository.
     */
    public Builder path(String relativePath) {
      Objects.requireNonNull(relativePath, "relativePath");
      Path p = Path.of(relativePath).normalize();
      if (p.isAbsolute() || p.startsWith("..")) {
        throw new IllegalArgumentException(
            "path \"" + relativePath + "\" must be relative and stay inside the repository");
      }
      this.path = p.toString();
      return this;
    }

    /**
     * Adds {@code .gitignore}-style patterns of files and directories to leave out, e.g. {@code
     * charts/}, {@code *.tmpl.yaml}, {@code /clusters/legacy}; {@code !pattern} takes a path back
     * in.
     */
    public Builder exclude(String... patterns) {
      for (String p : patterns) {
        excludes.add(Objects.requireNonNull(p, "pattern"));
      }
      return this;
    }

    /**
     * The names of the ignore files read in every directory, replacing the default {@code
     * .gitignore}; none to read no ignore files.
     */
    public Builder ignoreFiles(String... names) {
      ignoreFiles.clear();
      for (String n : names) {
        ignoreFiles.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Files larger than this are not read (a pipeline reports a marked one as a problem file); the
     * default is 4 MiB.
     */
    public Builder maxFileBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxFileBytes must be > 0, got " + bytes);
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /** The walk. */
    public ManifestWalk build() {
      return new ManifestWalk(this);
    }
  }
}
