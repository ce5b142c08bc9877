package dev.upkeep.internal.cache;

import dev.upkeep.Redaction;
import dev.upkeep.internal.BoundedOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One directory of Upkeep's cache ({@code ROOT/sha256} for packages, {@code ROOT/indexes} for Helm
 * indexes): whether it may be used at all, how a file gets into it whole, and what a killed process
 * leaves behind there. Thread-safe; not API.
 */
public final class CacheDirectory {
  private static final System.Logger LOG = Redaction.logger(CacheDirectory.class.getName());

  /** The directories refused already: each is warned about once per process. */
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  /** The user's numeric id, or -1 where there is none to be had. */
  private static final long OWN_UID = ownUid();

  private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{64})");

  private static final String TEMPORARY_PREFIX = ".";
  private static final String TEMPORARY_SUFFIX = ".tmp";

  private final Path dir;
  private volatile Boolean usable;

  /** The directory {@code name} of the cache under {@code root}; made when first written. */
  public CacheDirectory(Path root, String name) {
    this.dir = root.toAbsolutePath().resolve(name);
  }

  /**
   * Where a user's caches go, by the XDG base directory rules: {@code $XDG_CACHE_HOME} when it is
   * absolute (a relative one is invalid and ignored), else {@code $HOME/.cache}, else {@code
   * .cache} in {@code userHome} (the JVM's {@code user.home}, which is {@code "?"} for a user the
   * passwd file does not list, as in the container image); empty when none is an absolute path.
   */
  public static Optional<Path> userCacheHome(Map<String, String> env, String userHome) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Optional.of(Path.of(xdg));
    }
    for (String home : new String[] {env.get("HOME"), userHome}) {
      if (home != null && !home.isEmpty() && Path.of(home).isAbsolute()) {
        return Optional.of(Path.of(home, ".cache"));
      }
    }
    return Optional.empty();
  }

  /** Where this directory is. */
  public Path path() {
    return dir;
  }

  /** The file {@code name} in this directory. */
  public Path resolve(String name) {
    return dir.resolve(name);
  }

  /**
   * The file of this directory named after {@code digest}'s hexadecimal part, when {@code digest}
   * is {@code sha256:} and 64 lowercase hexadecimal digits and the cache may use this directory
   * ({@link #usable}); empty otherwise. What the package cache and the review's summaries keep is
   * named so.
   */
  public Optional<Path> fileOf(String digest) {
    Matcher m = DIGEST.matcher(digest);
    return m.matches() && usable() ? Optional.of(dir.resolve(m.group(1))) : Optional.empty();
  }

  /**
   * Whether the cache may use this directory and the root it is in ({@link #ownDirectories}); asked
   * once.
   */
  public boolean usable() {
    Boolean u = usable;
    if (u == null) {
      u = ownDirectories(dir.getParent(), dir);
      usable = u;
    }
    return u;
  }

  private static long ownUid() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (RuntimeException | LinkageError e) {
      return -1;
    }
  }

  /**
   * Whether a cache may use {@code dirs}: each that exists is a directory owned by this user that
   * neither its group nor others may write to (a cache directory that someone else can write to
   * could hand this user an index or package of their choosing); those of this user's that others
   * may read are made private. When one is not, logs a warning naming it (once per process) and
   * answers false: the caller then works without its cache. On file systems without POSIX
   * permissions, true.
   */
  static boolean ownDirectories(Path... dirs) {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return true;
    }
    for (Path d : dirs) {
      try {
        if (!Files.exists(d)) {
          continue;
        }
        PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class);
        Object uid = Files.getAttribute(d, "unix:uid");
        Set<PosixFilePermission> p = a.permissions();
        if (!a.isDirectory()
            || (OWN_UID >= 0 && uid instanceof Number && ((Number) uid).longValue() != OWN_UID)
            || p.contains(PosixFilePermission.GROUP_WRITE)
            || p.contains(PosixFilePermission.OTHERS_WRITE)) {
          LOG.log(
              WARNED.add(d) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
              "not using the cache in {0}: it is not a directory of this user''s alone (owner,"
                  + " or write permission for others); choose another (the command line:"
                  + " --cache-dir)",
              d);
          return false;
        }
        if (!p.equals(PosixFilePermissions.fromString("rwx------"))) {
          Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot check {0}: {1}", d, e.getMessage());
        return false;
      }
    }
    return true;
  }

  /** What a cache file holds, written to a stream. */
  public interface Content {
    /** Writes the content to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target}, a file of this directory (made private when missing), as {@code content}
   * writes it: under a temporary name here, renamed over {@code target} once whole, so a reader
   * never sees half of it. A content over {@code maxBytes} is not kept.
   *
   * @return whether the file was written
   */
  public boolean write(Path target, long maxBytes, Content content) throws IOException {
    privateDirectory(dir);
    Path temporary = Files.createTempFile(dir, TEMPORARY_PREFIX, TEMPORARY_SUFFIX);
    try {
      try (OutputStream out =
          new BoundedOutputStream(
              new BufferedOutputStream(Files.newOutputStream(temporary)), maxBytes)) {
        content.writeTo(out);
      } catch (BoundedOutputStream.TooLarge e) {
        return false; // stopped at the limit: nothing more is written to be thrown away
      }
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temporary = null;
      return true;
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // a leftover temporary file is deleted by a later prune
        }
      }
    }
  }

  /**
   * Whether {@code file} of this directory is a temporary file of {@link #write}; one older than an
   * hour (left by a killed process) is deleted. The pruning of each kind of cache skips them.
   */
  public static boolean temporary(Path file, long lastModifiedMillis) throws IOException {
    String name = file.getFileName().toString();
    if (!name.startsWith(TEMPORARY_PREFIX) || !name.endsWith(TEMPORARY_SUFFIX)) {
      return false;
    }
    if (lastModifiedMillis < System.currentTimeMillis() - 3_600_000) {
      Files.deleteIfExists(file);
    }
    return true;
  }

  /**
   * The bytes of {@code file}, a file of a cache directory: empty when it is missing, is not a
   * regular file (a link is not followed), is larger than {@code maxBytes}, or changes size while
   * it is read (being replaced: reading it again costs less than a guess).
   *
   * @throws IOException when it cannot be read
   */
  public static Optional<byte[]> read(Path file, long maxBytes) throws IOException {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() > maxBytes || a.size() > Integer.MAX_VALUE - 16) {
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        // the size just read, and one byte more to see a file that grew meanwhile
        bytes = in.readNBytes((int) a.size() + 1);
      }
      return bytes.length == a.size() ? Optional.of(bytes) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes the files of this directory no run has used (read or written, {@link #touch}) for
   * {@code unused} when given, then, while the rest take more than {@code maxBytes}, the least
   * recently used until they take three quarters of it; and old temporary files ({@link
   * #temporary}). A file that goes meanwhile (another process prunes too) is passed over.
   */
  public void prune(Optional<Duration> unused, long maxBytes) throws IOException {
    long unusedSince = unused.map(u -> System.currentTimeMillis() - u.toMillis()).orElse(0L);
    List<Path> kept = new ArrayList<>();
    Map<Path, long[]> sizeAndTime = new HashMap<>();
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        }
        long modified = a.lastModifiedTime().toMillis();
        if (temporary(f, modified) || !a.isRegularFile()) {
          continue;
        }
        if (modified < unusedSince) {
          Files.deleteIfExists(f);
          continue;
        }
        kept.add(f);
        sizeAndTime.put(f, new long[] {a.size(), modified});
        total += a.size();
      }
    }
    if (total <= maxBytes) {
      return;
    }
    kept.sort(Comparator.comparingLong(f -> sizeAndTime.get(f)[1]));
    for (Path f : kept) {
      if (total <= maxBytes / 4 * 3) {
        break;
      }
      Files.deleteIfExists(f);
      total -= sizeAndTime.get(f)[0];
    }
  }

  /** Marks {@code file} used now: the prune keeps what was used last (a read-only cache: not). */
  public static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException | RuntimeException e) {
      // pruned a little sooner
    }
  }

  /**
   * Makes {@code dir} and its missing parents, readable by their owner only where the file system
   * has POSIX permissions; a directory that is there already is left as it is.
   */
  private static void privateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(dir);
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      privateDirectory(parent);
    }
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // made by another process meanwhile
    }
  }
}
