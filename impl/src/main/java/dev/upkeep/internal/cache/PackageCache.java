package dev.upkeep.internal.cache;

import dev.upkeep.Redaction;
import dev.upkeep.source.ChartArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

  /** What a cache holds unless told otherwise: 512 MiB. */
  public static final long DEFAULT_MAX_BYTES = 512L << 20;

  private final CacheDirectory dir;
  private final long maxBytes;

  /** A cache under {@code root} (made on the first write) holding at most {@code maxBytes}. */
  public PackageCache(Path root, long maxBytes) {
    this.dir = new CacheDirectory(root, "sha256");
    this.maxBytes = maxBytes;
  }

  /** The directory packages are kept in. */
  public Path directory() {
    return dir.path();
  }

  /** The digest of {@code bytes} as {@code sha256:HEX}, the form registries and caches name. */
  public static String sha256(byte[] bytes) {
    return ChartArchive.sha256(bytes);
  }

  /**
   * The package with {@code digest}, when it is here, at most {@code limit} bytes long and still
   * has that digest; empty otherwise.
   */
  public Optional<byte[]> get(String digest, long limit) {
    Optional<Path> file = dir.fileOf(digest);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path f = file.get();
    try {
      Optional<byte[]> read = CacheDirectory.read(f, limit);
      if (read.isEmpty()) {
        return Optional.empty();
      }
      byte[] bytes = read.get();
      if (!sha256(bytes).equals(digest)) {
        LOG.log(System.Logger.Level.DEBUG, "dropping {0}: not the package it is named after", f);
        Files.deleteIfExists(f);
        return Optional.empty();
      }
      CacheDirectory.touch(f); // read now: kept longest when the cache is pruned
      return Optional.of(bytes);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read {0}: {1}", f, e.getMessage());
      return Optional.empty();
    }
  }

  /** Keeps {@code bytes}, whose digest the caller checked to be {@code digest}. */
  public void put(String digest, byte[] bytes) {
    if (bytes.length > maxBytes) {
      return;
    }
    Optional<Path> file = dir.fileOf(digest);
    if (file.isEmpty()) {
      return;
    }
    try {
      dir.write(file.get(), maxBytes, out -> out.write(bytes));
      prune();
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "cannot keep a package in {0}: {1}",
          dir.path(),
          e.getMessage());
    }
  }

  /**
   * Deletes the packages read longest ago until the whole is at most three quarters of the limit,
   * when it is over the limit; and old temporary files ({@link CacheDirectory#temporary}).
   */
  private void prune() throws IOException {
    dir.prune(Optional.empty(), maxBytes);
  }
}
