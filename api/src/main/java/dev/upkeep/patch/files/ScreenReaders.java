package dev.upkeep.patch.files;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads the files a walk hands over, in batches on a few threads, while the walk goes on, and
 * judges each as {@link ManifestWalk#screen} promises. Used by one walk on one thread: {@link #add}
 * each file, then {@link #finish}; {@link #close} stops the threads whatever happened.
 */
final class ScreenReaders implements AutoCloseable {
  /** Enough files per task that handing one over costs nothing beside reading them. */
  private static final int BATCH = 64;

  /** More readers than this only wait on one another in the file system. */
  private static final int MAX_READERS = 4;

  /** One file's verdict: its text when it holds a token, or that the screen cannot vouch for it. */
  private record Verdict(Path file, String text, boolean unjudged) {}

  private final Path root;
  private final List<String> tokens;
  private final long maxFileBytes;
  private final ExecutorService pool;
  private final List<Future<List<Verdict>>> pending = new ArrayList<>();
  private List<Path> batch = new ArrayList<>(BATCH);
  private long[] batchSizes = new long[BATCH];

  /** Every file's stamp, or null when the caller wants none: a map entry per file to keep. */
  private final Map<Path, ManifestWalk.Stamp> stamps;

  ScreenReaders(Path root, Collection<String> tokens, long maxFileBytes, boolean stamp) {
    this.root = root;
    this.stamps = stamp ? new HashMap<>() : null;
    this.tokens = List.copyOf(tokens);
    this.maxFileBytes = maxFileBytes;
    int readers = Math.min(MAX_READERS, Runtime.getRuntime().availableProcessors());
    this.pool = readers < 2 ? null : DaemonPool.fixed("screen", readers);
  }

  /** Takes one more file (relative to the root) to read, with the walk's view of it. */
  void add(Path file, BasicFileAttributes attrs) {
    if (stamps != null) {
      stamps.put(file, ManifestWalk.Stamp.of(attrs));
    }
    batchSizes[batch.size()] = attrs.size();
    batch.add(file);
    if (batch.size() == BATCH) {
      submit();
    }
  }

  private void submit() {
    if (batch.isEmpty()) {
      return;
    }
    List<Path> files = batch;
    long[] seen = batchSizes;
    batch = new ArrayList<>(BATCH);
    batchSizes = new long[BATCH];
    pending.add(
        pool == null
            ? CompletableFuture.completedFuture(judge(files, seen))
            : pool.submit(() -> judge(files, seen)));
  }

  /**
   * Waits for every read and returns what they found, in path order.
   *
   * @throws UncheckedIOException when a file could not be read
   */
  ManifestWalk.Screen finish() {
    submit();
    List<Verdict> kept = new ArrayList<>();
    for (Future<List<Verdict>> f : pending) {
      kept.addAll(await(f));
    }
    kept.sort((a, b) -> a.file().compareTo(b.file()));
    Map<Path, String> texts = new LinkedHashMap<>();
    List<Path> unjudged = new ArrayList<>();
    for (Verdict v : kept) {
      if (v.unjudged()) {
        unjudged.add(v.file());
      } else {
        texts.put(v.file(), v.text());
      }
    }
    return new ManifestWalk.Screen(texts, unjudged, stamps == null ? Map.of() : stamps);
  }

  private static List<Verdict> await(Future<List<Verdict>> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the repository's files", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      if (e.getCause() instanceof Error) {
        throw (Error) e.getCause();
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The verdicts worth keeping of a batch: files with a token, and files nobody can vouch for. */
  private List<Verdict> judge(List<Path> files, long[] sizes) {
    List<Verdict> kept = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Verdict v = judge(files.get(i), sizes[i]);
      if (v != null) {
        kept.add(v);
      }
    }
    return kept;
  }

  /**
   * One file's verdict, or null when the screen drops it. (A method of its own, called once per
   * file, so that the JIT compiles it early; the loop over a batch runs once per 64 files.)
   */
  private Verdict judge(Path file, long size) {
    // The walk lists no link and nothing under one, and has just seen this one a regular file
    // of that size: no need to ask the file system again (two calls of six per file).
    Optional<byte[]> bytes = ManifestText.bytesOfWalked(root.resolve(file), size, maxFileBytes);
    if (bytes.isEmpty()) {
      return new Verdict(file, null, true);
    } else if (ManifestText.contains(bytes.get(), tokens)) {
      Optional<String> text = ManifestText.decode(bytes.get());
      return new Verdict(file, text.orElse(null), text.isEmpty());
    } else if (!ManifestWalk.plain(bytes.get())) {
      return new Verdict(file, null, true);
    }
    return null;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
