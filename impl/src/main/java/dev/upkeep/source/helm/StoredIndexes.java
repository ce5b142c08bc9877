package dev.upkeep.source.helm;

import dev.upkeep.Redaction;
import dev.upkeep.internal.cache.CacheDirectory;
import dev.upkeep.internal.cache.PackageCache;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Helm repository indexes kept on disk between runs: the versions, digests and package URLs a
 * {@link HelmIndex} holds (not the YAML), with the {@code ETag} and {@code Last-Modified} the
 * server sent. A later run asks the server whether the index changed; when it answers 304, the
 * index costs neither its download (megabytes for the large public repositories) nor its parse. The
 * server decides every time, so a stored index is never used stale.
 *
 * <p>One file per index URL, named by the URL's SHA-256 (the URL, which may carry a user, is not
 * written), under the package cache's directory. Best effort, as {@link PackageCache}: a file that
 * cannot be read or written is an index fetched in full, never a failed run. A file is at most as
 * large as the index limit, written under a temporary name and renamed into place.
 */
final class StoredIndexes {
  private static final System.Logger LOG = Redaction.logger(StoredIndexes.class.getName());
  private static final String MAGIC = "upkeep helm index 1";

  /** A stored index and the validators its server gave. */
  record Stored(HelmIndex index, String etag, String lastModified) {}

  /** An index no run has used for this long is deleted when another is stored. */
  static final Duration UNUSED = Duration.ofDays(30);

  private final CacheDirectory dir;
  private final long maxBytes;

  StoredIndexes(Path cacheRoot, long maxBytes) {
    this.dir = new CacheDirectory(cacheRoot, "indexes");
    this.maxBytes = maxBytes;
  }

  private Path file(URI url) {
    String digest = PackageCache.sha256(url.toString().getBytes(StandardCharsets.UTF_8));
    return dir.resolve(digest.substring("sha256:".length()));
  }

  /** The index stored for {@code url}, when there is one that reads back whole. */
  Optional<Stored> read(URI url) {
    if (!dir.usable()) {
      return Optional.empty();
    }
    Path f = file(url);
    try {
      Optional<byte[]> bytes = CacheDirectory.read(f, maxBytes);
      if (bytes.isEmpty()) {
        return Optional.empty();
      }
      Stored stored = read(new DataInputStream(new ByteArrayInputStream(bytes.get())));
      CacheDirectory.touch(f); // used now: kept by the prune
      return Optional.of(stored);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "ignoring the stored index {0}: {1}", f, e.getMessage());
      return Optional.empty();
    }
  }

  private static Stored read(DataInputStream in) throws IOException {
    if (!in.readUTF().equals(MAGIC)) {
      throw new IOException("not a stored index");
    }
    String etag = nullable(in);
    String lastModified = nullable(in);
    int charts = count(in);
    Map<String, List<HelmIndex.Version>> all = new LinkedHashMap<>();
    for (int c = 0; c < charts; c++) {
      String name = in.readUTF();
      int versions = count(in);
      List<HelmIndex.Version> list = new ArrayList<>(versions);
      for (int v = 0; v < versions; v++) {
        list.add(new HelmIndex.Version(in.readUTF(), nullable(in), nullable(in)));
      }
      all.put(name, list);
    }
    if (in.read() != -1) {
      throw new IOException("trailing bytes");
    }
    return new Stored(HelmIndex.of(all), etag, lastModified);
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 10_000_000) {
      throw new IOException("bad count " + n);
    }
    return n;
  }

  private static String nullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  /** Stores {@code index} for {@code url} with its validators; one of them must be present. */
  void write(URI url, Stored stored) {
    if (!dir.usable()) {
      return;
    }
    try {
      dir.write(
          file(url),
          maxBytes,
          out -> {
            DataOutputStream data = new DataOutputStream(out);
            write(data, stored);
            data.flush();
          });
      prune();
    } catch (IOException | RuntimeException e) {
      // a string over 64 KB (UTFDataFormatException), a full disk, a directory not ours
      LOG.log(
          System.Logger.Level.DEBUG,
          "cannot store the index of {0}: {1}",
          dir.path(),
          e.getMessage());
    }
  }

  /** Deletes what is stored for {@code url}: its server no longer sends a validator. */
  void forget(URI url) {
    try {
      Files.deleteIfExists(file(url));
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot delete the stored index: {0}", e.getMessage());
    }
  }

  /**
   * Deletes the stored indexes no run has used for {@link #UNUSED} (repositories no longer
   * followed), and old temporary files ({@link CacheDirectory#temporary}).
   */
  private void prune() throws IOException {
    dir.prune(Optional.of(UNUSED), Long.MAX_VALUE);
  }

  private static void write(DataOutputStream out, Stored stored) throws IOException {
    out.writeUTF(MAGIC);
    nullable(out, stored.etag());
    nullable(out, stored.lastModified());
    Map<String, List<HelmIndex.Version>> all = stored.index().charts();
    out.writeInt(all.size());
    for (Map.Entry<String, List<HelmIndex.Version>> e : all.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().size());
      for (HelmIndex.Version v : e.getValue()) {
        out.writeUTF(v.version);
        nullable(out, v.digest);
        nullable(out, v.url);
      }
    }
  }

  private static void nullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }
}
