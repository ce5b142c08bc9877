package dev.upkeep.review.helm;

import dev.upkeep.Redaction;
import dev.upkeep.internal.cache.CacheDirectory;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the review learned from each chart package, kept on disk under the package's digest ({@link
 * Summary}): a package reviewed once is neither downloaded, hashed, unpacked nor parsed again, by
 * this run or a later one. A digest names one content, so a summary never goes stale; one no run
 * has used for {@link #UNUSED} is deleted when another is written, and the least recently used go
 * when all take more than {@link #MAX_TOTAL_BYTES}.
 *
 * <p>Best effort, as the package cache: a summary that cannot be read or written is a package read
 * in full, never a failed review. The directory must be this user's alone ({@link CacheDirectory}).
 * Thread-safe.
 */
final class PackageSummaries {
  private static final System.Logger LOG = Redaction.logger(PackageSummaries.class.getName());

  /**
   * The largest summary written or read: the review of a chart whose defaults are larger reads its
   * package each time (a summary read back takes several times its size in memory).
   */
  static final long MAX_BYTES = 16L << 20;

  /** At most this much is kept; the summaries used longest ago go first. */
  static final long MAX_TOTAL_BYTES = 256L << 20;

  /** A summary no run has used for this long is deleted when another is written. */
  static final Duration UNUSED = Duration.ofDays(30);

  private final CacheDirectory dir;

  /** Summaries in {@code directory}, made (private) when the first is written. */
  PackageSummaries(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    if (absolute.getParent() == null) {
      throw new IllegalArgumentException("not a directory for chart summaries: " + directory);
    }
    this.dir = new CacheDirectory(absolute.getParent(), absolute.getFileName().toString());
  }

  /** The package of {@code digest}, when its summary is here and reads back whole. */
  Optional<ChartPackage> get(String digest) {
    Optional<Path> file = dir.fileOf(digest);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path f = file.get();
    try {
      Optional<byte[]> bytes = CacheDirectory.read(f, MAX_BYTES);
      if (bytes.isEmpty()) {
        return Optional.empty();
      }
      ChartPackage p =
          Summary.read(new DataInputStream(new ByteArrayInputStream(bytes.get())), digest);
      CacheDirectory.touch(f); // used now: kept by the prune
      return Optional.of(p);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "ignoring the chart summary {0}: {1}", f, e.getMessage());
      return Optional.empty();
    }
  }

  /** Keeps the summary of {@code p}, the package of {@code digest}. */
  void put(String digest, ChartPackage p) {
    Optional<Path> file = dir.fileOf(digest);
    if (file.isEmpty()) {
      return;
    }
    try {
      dir.write(
          file.get(),
          MAX_BYTES,
          out -> {
            DataOutputStream data = new DataOutputStream(out);
            Summary.write(p, digest, data);
            data.flush();
          });
      prune();
    } catch (IOException | RuntimeException e) {
      // a value the form does not hold, a full disk, a directory not ours (one over the limit is
      // simply not written)
      LOG.log(
          System.Logger.Level.DEBUG, "cannot keep the summary of {0}: {1}", digest, e.getMessage());
    }
  }

  /** Deletes summaries unused for {@link #UNUSED}, then to stay under {@link #MAX_TOTAL_BYTES}. */
  private void prune() throws IOException {
    dir.prune(Optional.of(UNUSED), MAX_TOTAL_BYTES);
  }
}
