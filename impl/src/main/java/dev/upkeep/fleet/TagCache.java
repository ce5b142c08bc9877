package dev.upkeep.fleet;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One listing of each artifact's tags (and one lookup of each tag's digest), shared by every
 * pipeline whose source it {@linkplain #wrap wraps}: a fleet of repositories that use the same
 * chart asks its registry once. The first caller lists; callers that arrive meanwhile wait for that
 * answer. A failure is remembered too, so a registry that is down is asked once per cache, and
 * every repository that needs it reports the same error.
 *
 * <p>Thread-safe. A cache is a snapshot: make one per fleet run, not one per process, or new tags
 * are never seen. Entries are keyed by artifact alone, so wrap only sources that see the same
 * registries (the same credentials reach the same tags).
 */
public final class TagCache {

  private final Map<ArtifactRef, CompletableFuture<List<String>>> tags = new ConcurrentHashMap<>();
  private final Map<Digest, CompletableFuture<Optional<String>>> digests =
      new ConcurrentHashMap<>();

  private final Map<Archive, CompletableFuture<Optional<byte[]>>> archives =
      new ConcurrentHashMap<>();
  private final Map<Digested, CompletableFuture<byte[]>> digested = new ConcurrentHashMap<>();

  private record Digest(ArtifactRef ref, String tag) {}

  private record Archive(ArtifactRef ref, String tag, long maxBytes) {}

  private record Digested(String digest, long maxBytes) {}

  private TagCache() {}

  /** An empty cache. */
  public static TagCache create() {
    return new TagCache();
  }

  /**
   * A source that answers from this cache and asks {@code source} only for what it lacks. Closing
   * it closes {@code source} when that can be closed; the cache stays.
   */
  public RegistrySource wrap(RegistrySource source) {
    return new Cached(this, Objects.requireNonNull(source, "source"));
  }

  private static final class Cached implements RegistrySource, ChartInspector, AutoCloseable {
    private final TagCache cache;
    private final RegistrySource source;

    Cached(TagCache cache, RegistrySource source) {
      this.cache = cache;
      this.source = source;
    }

    @Override
    public List<String> listTags(ArtifactRef ref) {
      return once(cache.tags, ref, () -> List.copyOf(source.listTags(ref)));
    }

    @Override
    public Optional<String> digest(ArtifactRef ref, String tag) {
      return once(cache.digests, new Digest(ref, tag), () -> source.digest(ref, tag));
    }

    @Override
    public boolean supports(ArtifactRef ref) {
      return source.supports(ref);
    }

    // The chart review reads packages through the source it is given: pass it through.
    @Override
    public Optional<ChartMetadata> chart(ArtifactRef ref, String tag) {
      return ChartInspector.of(source).chart(ref, tag);
    }

    /**
     * One download of a package for all the pipelines that want it at the same time (repositories
     * of a fleet reviewing the same chart move); not kept once it is done, as packages are large: a
     * source with a package cache serves the later ones from disk. Only a package is shared: a
     * pipeline whose wait ends in a failure (another repository's credentials, an interrupted
     * download) asks its own source.
     */
    @Override
    public Optional<byte[]> archive(ArtifactRef ref, String tag, long maxBytes) {
      ChartInspector own = ChartInspector.of(source);
      return whileRunning(
          cache.archives, new Archive(ref, tag, maxBytes), () -> own.archive(ref, tag, maxBytes));
    }

    /**
     * The package as the source describes it; its bytes shared as {@link #archive} shares a
     * download, keyed by digest.
     */
    @Override
    public Optional<ChartArchive> archiveOf(ArtifactRef ref, String tag, long maxBytes) {
      ChartInspector inspector = ChartInspector.of(source);
      if (readsBeforeDigest(inspector)) {
        // its digest is its package's hash: share the download as archive does
        return archive(ref, tag, maxBytes).map(ChartArchive::of);
      }
      return inspector
          .archiveOf(ref, tag, maxBytes)
          .map(a -> ChartArchive.of(a.digest(), () -> shared(a, maxBytes)));
    }

    /** Whether {@code inspector} keeps the default {@link ChartInspector#archiveOf}. */
    private static boolean readsBeforeDigest(ChartInspector inspector) {
      try {
        return inspector
            .getClass()
            .getMethod("archiveOf", ArtifactRef.class, String.class, long.class)
            .isDefault();
      } catch (NoSuchMethodException e) {
        return true;
      }
    }

    private byte[] shared(ChartArchive archive, long maxBytes) {
      return whileRunning(
          cache.digested,
          new Digested(archive.digest(), maxBytes),
          () -> {
            byte[] bytes = archive.bytes();
            // handed to every pipeline that asks for this digest: they must be what it names
            if (!ChartArchive.sha256(bytes).equals(archive.digest())) {
              throw new RegistryException(
                  "the chart package named " + archive.digest() + " has another digest");
            }
            return bytes;
          });
    }

    @Override
    public void close() {
      if (source instanceof AutoCloseable) {
        try {
          ((AutoCloseable) source).close();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new RegistryException("cannot close the registry source: " + e.getMessage(), e);
        }
      }
    }
  }

  /** How many artifacts' tags were listed (or tried) through this cache. */
  public int artifactsListed() {
    return tags.size();
  }

  /**
   * {@code ask}'s answer, or the answer of the caller asking for {@code key} at this moment, which
   * this one waits for; nothing is kept once it is done. Only an answer is shared: a caller whose
   * wait ends in a failure asks itself ({@code ask}).
   */
  private static <K, V> V whileRunning(Map<K, CompletableFuture<V>> map, K key, Supplier<V> ask) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = map.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException | CancellationException e) {
        return ask.get();
      }
    }
    try {
      mine.complete(ask.get());
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
    } finally {
      map.remove(key, mine);
    }
    return join(mine);
  }

  private static <K, V> V once(Map<K, CompletableFuture<V>> map, K key, Supplier<V> ask) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> existing = map.putIfAbsent(key, mine);
    if (existing == null) {
      try {
        mine.complete(ask.get());
      } catch (RuntimeException | Error e) {
        mine.completeExceptionally(e);
      }
      existing = mine;
    }
    return join(existing);
  }

  private static <V> V join(CompletableFuture<V> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      // The source's own exception (a RegistryException), as the first caller saw it.
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      if (e.getCause() instanceof Error) {
        throw (Error) e.getCause();
      }
      throw e;
    }
  }
}
