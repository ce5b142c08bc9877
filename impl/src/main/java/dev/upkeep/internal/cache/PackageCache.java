package dev.upkeep.internal.cache;

import dev.upkeep.Redaction;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chart packages kept on disk by their digest, so that a package a run downloaded is not downloaded
 * again by the next run, or by the next repository of a fleet, that reviews the same chart move.
 *
 * <p>Content-addressed, so never stale: a tag that moves names another digest. Every read checks
 * the bytes against the digest again (a file changed on disk is deleted and counts as absent), and
 * only regular files are read, never through a symbolic link. Bounded: after each write, the
 * packages read longest ago are deleted until the whole is under its limit. Best effort: a
 * directory that cannot be made or written costs a download, never a run, and is logged at debug
 * level. Safe for several threads and processes at once: a package is written under a temporary
 * name and renamed into place.
 *
 * <p>Layout: {@code DIR/sha256/HEX}, the directories made readable by their owner only (packages of
 * private registries land here). Shared by the OCI and the Helm repository sources; not API.
 */
public final class PackageCache {
  private static final System.Logger LOG = Redaction.logger(PackageCache.class.getName());
  private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{64})");
  private static final Pattern ENTRY = Pattern.compile("[0-9a-f]{64}");

  /** What a cache holds unless told otherwise: 512 MiB. */
  public static final long DEFAULT_MAX_BYTES = 512L << 20;

  private final Path dir;
  private final long maxBytes;
  private volatile Boolean usable;

  /** A cache under {@code root} (made on the first write) holding at most {@code maxBytes}. */
  public PackageCache(Path root, long maxBytes) {
    this.dir = root.toAbsolutePath().resolve("sha256");
    this.maxBytes = maxBytes;
  }

  /** Whether this cache's directories are the user's own ({@link #ownDirectories}); asked once. */
  private boolean usable() {
    Boolean u = usable;
    if (u == null) {
      u = ownDirectories(dir.getParent(), dir);
      usable = u;
    }
    return u;
  }

  /** The directories refused already: each is warned about once per process. */
  private static final Set<Path> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The user's numeric id, or -1 where there is none to be had. */
  private static final long OWN_UID = ownUid();

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
   * may read are made private. When one is not, logs a warning naming it and answers false: the
   * caller then works without its cache. On file systems without POSIX permissions, true.
   */
  public static boolean ownDirectories(Path... dirs) {
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
                  + " or write permission for others); choose another with --cache-dir",
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

  /** The directory packages are kept in. */
  public Path directory() {
    return dir;
  }

  /** The digest of {@code bytes} as {@code sha256:HEX}, the form registries and caches name. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * The package with {@code digest}, when it is here, at most {@code limit} bytes long and still
   * has that digest; empty otherwise.
   */
  public Optional<byte[]> get(String digest, long limit) {
    Optional<Path> file = file(digest);
    if (file.isEmpty() || !usable()) {
      return Optional.empty();
    }
    Path f = file.get();
    try {
      BasicFileAttributes a =
          Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() > limit) {
        return Optional.empty();
      }
      if (a.size() > Integer.MAX_VALUE - 16) {
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
        // the size just read, and one byte more to see a file that grew meanwhile
        bytes = in.readNBytes((int) a.size() + 1);
      }
      if (bytes.length != a.size()) {
        return Optional.empty(); // being replaced: a download costs less than a guess
      }
      if (!sha256(bytes).equals(digest)) {
        LOG.log(System.Logger.Level.DEBUG, "dropping {0}: not the package it is named after", f);
        Files.deleteIfExists(f);
        return Optional.empty();
      }
      touch(f);
      return Optional.of(bytes);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read {0}: {1}", f, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Marks {@code file} read now: kept longest when the cache is pruned (a read-only cache: not).
   */
  public static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException | SecurityException e) {
      // pruned a little sooner
    }
  }

  /** Keeps {@code bytes}, whose digest the caller checked to be {@code digest}. */
  public void put(String digest, byte[] bytes) {
    Optional<Path> file = file(digest);
    if (file.isEmpty() || bytes.length > maxBytes || !usable()) {
      return;
    }
    try {
      writeWhole(dir, file.get(), maxBytes, out -> out.write(bytes));
      prune();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot keep a package in {0}: {1}", dir, e.getMessage());
    }
  }

  /** What a cache file holds, written to a stream. */
  public interface Content {
    /** Writes the content to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target}, a file of {@code dir} (made private when missing), as {@code content}
   * writes it: under a temporary name in {@code dir}, renamed over {@code target} once whole, so a
   * reader never sees half of it. A content over {@code maxBytes} is not kept.
   *
   * @return whether the file was written
   */
  public static boolean writeWhole(Path dir, Path target, long maxBytes, Content content)
      throws IOException {
    privateDirectory(dir);
    Path temporary = Files.createTempFile(dir, ".", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
        content.writeTo(out);
      }
      if (Files.size(temporary) > maxBytes) {
        return false;
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

  /** The file of {@code digest}; empty for anything but a sha256 digest in lowercase hex. */
  private Optional<Path> file(String digest) {
    var m = DIGEST.matcher(digest);
    return m.matches() ? Optional.of(dir.resolve(m.group(1))) : Optional.empty();
  }

  /**
   * Makes {@code dir} and its missing parents, readable by their owner only where the file system
   * has POSIX permissions; a directory that is there already is left as it is.
   */
  public static void privateDirectory(Path dir) throws IOException {
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

  private record Entry(Path file, long size, long lastModified) {}

  /**
   * Deletes the packages read longest ago until the whole is at most three quarters of the limit,
   * when it is over the limit; and temporary files older than an hour (left by a killed process).
   */
  private void prune() throws IOException {
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    long hourAgo = System.currentTimeMillis() - 3_600_000;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue; // deleted meanwhile
        }
        String name = f.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp")) {
          if (a.lastModifiedTime().toMillis() < hourAgo) {
            Files.deleteIfExists(f);
          }
          continue;
        }
        if (ENTRY.matcher(name).matches() && a.isRegularFile()) {
          entries.add(new Entry(f, a.size(), a.lastModifiedTime().toMillis()));
          total += a.size();
        }
      }
    }
    if (total <= maxBytes) {
      return;
    }
    entries.sort(Comparator.comparingLong(Entry::lastModified));
    for (Entry e : entries) {
      if (total <= maxBytes / 4 * 3) {
        break;
      }
      Files.deleteIfExists(e.file());
      total -= e.size();
    }
  }
}
