package dev.upkeep.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TagCacheTest {

  static final ArtifactRef PODINFO = ArtifactRef.parse("oci://registry.example.com/charts/podinfo");
  static final ArtifactRef NGINX = ArtifactRef.parse("oci://registry.example.com/charts/nginx");

  /** Counts listings; the first one waits for {@code gate} so that callers pile up behind it. */
  static final class CountingSource implements RegistrySource {
    final AtomicInteger listings = new AtomicInteger();
    final AtomicInteger digests = new AtomicInteger();
    final CountDownLatch gate;
    final boolean fail;

    CountingSource(CountDownLatch gate, boolean fail) {
      this.gate = gate;
      this.fail = fail;
    }

    @Override
    public List<String> listTags(ArtifactRef ref) {
      listings.incrementAndGet();
      try {
        gate.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fail) {
        throw new RegistryException("registry.example.com is down");
      }
      return List.of("1.0.0", "1.1.0");
    }

    @Override
    public Optional<String> digest(ArtifactRef ref, String tag) {
      digests.incrementAndGet();
      return Optional.of("sha256:" + tag);
    }
  }

  @Test
  void listsEachArtifactOnceHoweverManyPipelinesAskAtOnce() throws Exception {
    CountingSource source = new CountingSource(new CountDownLatch(1), false);
    TagCache cache = TagCache.create();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        RegistrySource own = cache.wrap(source); // one wrapper per repository, as a fleet does
        answers.add(pool.submit(() -> own.listTags(PODINFO)));
      }
      Thread.sleep(50);
      source.gate.countDown();
      for (Future<List<String>> a : answers) {
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly("1.0.0", "1.1.0");
      }
      cache.wrap(source).listTags(NGINX);
    } finally {
      pool.shutdownNow();
    }

    assertThat(source.listings).hasValue(2);
    assertThat(cache.artifactsListed()).isEqualTo(2);
  }

  /** Counts package downloads; each waits for {@code gate}, and fails when {@code fail}. */
  static class PackageSource implements RegistrySource, ChartInspector {
    final AtomicInteger downloads = new AtomicInteger();
    final CountDownLatch gate = new CountDownLatch(1);
    volatile boolean fail;

    @Override
    public List<String> listTags(ArtifactRef ref) {
      return List.of();
    }

    @Override
    public Optional<String> digest(ArtifactRef ref, String tag) {
      return Optional.empty();
    }

    @Override
    public Optional<ChartMetadata> chart(ArtifactRef ref, String tag) {
      return Optional.empty();
    }

    @Override
    public Optional<byte[]> archive(ArtifactRef ref, String tag, long maxBytes) {
      downloads.incrementAndGet();
      try {
        gate.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fail) {
        throw new RegistryException("denied with this repository's credentials");
      }
      return Optional.of((ref.repository() + ":" + tag).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void downloadsAPackageOnceForThePipelinesThatWantItAtOnceAndKeepsNoneAfterwards()
      throws Exception {
    PackageSource source = new PackageSource();
    TagCache cache = TagCache.create();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Optional<byte[]>>> answers = askAtOnce(cache, source, pool, 6);
      source.gate.countDown();
      for (Future<Optional<byte[]>> a : answers) {
        assertThat(a.get(5, TimeUnit.SECONDS))
            .hasValue("charts/podinfo:1.1.0".getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.downloads).hasValue(1);

    // done: the next caller asks the source (whose own cache, if any, answers it)
    ((ChartInspector) cache.wrap(source)).archive(PODINFO, "1.1.0", 1 << 20);
    assertThat(source.downloads).hasValue(2);
  }

  /**
   * Has {@code n} pipelines ask for the same package on {@code pool} and returns once one of them
   * is downloading and the others wait for it (parked), so the test does not depend on timing.
   */
  private static List<Future<Optional<byte[]>>> askAtOnce(
      TagCache cache, PackageSource source, ExecutorService pool, int n) throws Exception {
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<Optional<byte[]>>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ChartInspector own = (ChartInspector) cache.wrap(source); // one per repository
      answers.add(
          pool.submit(
              () -> {
                threads.add(Thread.currentThread());
                return own.archive(PODINFO, "1.1.0", 1 << 20);
              }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (threads.size() < n
        || threads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < n - 1
        || source.downloads.get() < 1) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the pipelines did not all ask in time");
      }
      Thread.sleep(5);
    }
    return answers;
  }

  /** A source that names a package's digest first and downloads it when asked, counting. */
  static class DigestFirstSource extends PackageSource {
    final AtomicInteger descriptions = new AtomicInteger();

    @Override
    public Optional<ChartArchive> archiveOf(ArtifactRef ref, String tag, long maxBytes) {
      descriptions.incrementAndGet();
      byte[] expected = (ref.repository() + ":" + tag).getBytes(StandardCharsets.UTF_8);
      return Optional.of(
          ChartArchive.of(
              ChartArchive.sha256(expected), () -> archive(ref, tag, maxBytes).orElseThrow()));
    }
  }

  @Test
  void sharesTheDownloadOfAPackageItsSourceNamesByDigestAndReadsNoneUnasked() throws Exception {
    DigestFirstSource source = new DigestFirstSource();
    TagCache cache = TagCache.create();
    ChartInspector one = (ChartInspector) cache.wrap(source);
    ChartInspector two = (ChartInspector) cache.wrap(source);

    ChartArchive first = one.archiveOf(PODINFO, "1.1.0", 1 << 20).orElseThrow();
    ChartArchive second = two.archiveOf(PODINFO, "1.1.0", 1 << 20).orElseThrow();

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(source.downloads).hasValue(0); // nobody asked for the bytes yet
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<byte[]> a = pool.submit(first::bytes);
      long started = System.nanoTime();
      while (source.downloads.get() < 1) {
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
        Thread.sleep(5);
      }
      java.util.concurrent.atomic.AtomicReference<Thread> waiting =
          new java.util.concurrent.atomic.AtomicReference<>();
      Future<byte[]> b =
          pool.submit(
              () -> {
                waiting.set(Thread.currentThread());
                return second.bytes();
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (waiting.get() == null || waiting.get().getState() != Thread.State.WAITING) {
        assertThat(System.nanoTime()).isLessThan(deadline); // the second waits for the first
        Thread.sleep(5);
      }
      source.gate.countDown();
      assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(b.get(5, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.downloads).hasValue(1);
    assertThat(source.descriptions).hasValue(2);
  }

  @Test
  void bytesThatAreNotThePackageTheirDigestNamesAreNotHandedOn() {
    DigestFirstSource lying =
        new DigestFirstSource() {
          @Override
          public Optional<ChartArchive> archiveOf(ArtifactRef ref, String tag, long maxBytes) {
            return Optional.of(ChartArchive.of("sha256:" + "0".repeat(64), () -> new byte[] {1}));
          }
        };
    ChartInspector wrapped = (ChartInspector) TagCache.create().wrap(lying);

    ChartArchive archive = wrapped.archiveOf(PODINFO, "1.1.0", 1 << 20).orElseThrow();

    assertThatThrownBy(archive::bytes)
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("has another digest");
  }

  @Test
  void aFailedDownloadIsNotSharedEachWaitingPipelineAsksItsOwnSource() throws Exception {
    PackageSource failing = new PackageSource();
    failing.fail = true;
    PackageSource working = new PackageSource();
    working.gate.countDown();
    TagCache cache = TagCache.create();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Optional<byte[]>> first =
          pool.submit(() -> ((ChartInspector) cache.wrap(failing)).archive(PODINFO, "1.1.0", 1024));
      long started = System.nanoTime();
      while (failing.downloads.get() < 1) {
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
        Thread.sleep(5);
      }
      ChartInspector other = (ChartInspector) cache.wrap(working);
      java.util.concurrent.atomic.AtomicReference<Thread> asking =
          new java.util.concurrent.atomic.AtomicReference<>();
      Future<Optional<byte[]>> second =
          pool.submit(
              () -> {
                asking.set(Thread.currentThread());
                return other.archive(PODINFO, "1.1.0", 1024);
              });
      // the second pipeline waits for the first one's download, which then fails
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (asking.get() == null || asking.get().getState() != Thread.State.WAITING) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      failing.gate.countDown();

      assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(RegistryException.class);
      assertThat(second.get(5, TimeUnit.SECONDS))
          .hasValue("charts/podinfo:1.1.0".getBytes(StandardCharsets.UTF_8));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void looksUpEachDigestOnce() {
    CountingSource source = new CountingSource(new CountDownLatch(0), false);
    TagCache cache = TagCache.create();

    assertThat(cache.wrap(source).digest(PODINFO, "1.1.0")).hasValue("sha256:1.1.0");
    assertThat(cache.wrap(source).digest(PODINFO, "1.1.0")).hasValue("sha256:1.1.0");
    assertThat(cache.wrap(source).digest(PODINFO, "1.0.0")).hasValue("sha256:1.0.0");

    assertThat(source.digests).hasValue(2);
  }

  @Test
  void remembersAFailureAndGivesEveryCallerTheSourcesOwnException() {
    CountingSource source = new CountingSource(new CountDownLatch(0), true);
    TagCache cache = TagCache.create();

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> cache.wrap(source).listTags(PODINFO))
          .isInstanceOf(RegistryException.class)
          .hasMessage("registry.example.com is down");
    }
    assertThat(source.listings).hasValue(1);
  }
}
