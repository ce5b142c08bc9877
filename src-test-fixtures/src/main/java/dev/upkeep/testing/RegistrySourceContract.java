package dev.upkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.OciArtifact;
import dev.upkeep.testing.oci.PushTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * The behaviour every {@link RegistrySource} for OCI registries must show, as JUnit 5 dynamic tests
 * that run against any registry a test can push to: {@link FakeOciRegistry}, or a real registry
 * through {@link dev.upkeep.testing.oci.RegistryUpload}.
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> honoursTheRegistrySourceContract() {
 *   return RegistrySourceContract.of(registry, mySource).tests();
 * }
 * }</pre>
 *
 * <p>Each test pushes to its own fresh repository, so they do not disturb each other or what else
 * the registry holds. The tests check: every pushed tag is listed once (including 550 tags, which a
 * paginating registry serves over several pages), chart versions with {@code +} are stored and
 * listed with {@code _}, tags resolve to the digests of the pushed manifests (OCI image, Helm
 * chart, OCI index, Docker v2), an unknown tag gives an empty digest, an unknown repository gives a
 * {@link RegistryException} naming host and repository, concurrent callers get the same answers,
 * and a source that downloads chart packages ({@link ChartInspector}) names each by the digest of
 * the bytes it then reads.
 */
public final class RegistrySourceContract {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final PushTarget registry;
  private final RegistrySource source;
  private final String prefix;
  private int manyTags = 550;

  private RegistrySourceContract(PushTarget registry, RegistrySource source) {
    this.registry = registry;
    this.source = source;
    this.prefix = "contract/r" + Long.toString(System.nanoTime() & 0xffffffffL, 36);
  }

  /** The contract for {@code source} reading from {@code registry}. */
  public static RegistrySourceContract of(PushTarget registry, RegistrySource source) {
    return new RegistrySourceContract(
        Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(source, "source"));
  }

  /** How many tags the pagination test pushes and expects back; default 550. */
  public RegistrySourceContract manyTags(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("tag count must be at least 1, got " + count);
    }
    this.manyTags = count;
    return this;
  }

  /** The contract's tests, to return from a {@code @TestFactory} method. */
  public Stream<DynamicTest> tests() {
    return Stream.of(
        DynamicTest.dynamicTest("supports OCI references", this::supportsOciReferences),
        DynamicTest.dynamicTest(
            "lists every pushed chart version, storing + as _", this::listsChartVersions),
        DynamicTest.dynamicTest(
            "lists all " + manyTags + " tags of a large repository once each", this::listsManyTags),
        DynamicTest.dynamicTest(
            "resolves tags to the digests of their manifests", this::resolvesDigests),
        DynamicTest.dynamicTest(
            "resolves a chart version written with + to its digest", this::resolvesPlusVersions),
        DynamicTest.dynamicTest(
            "answers an empty digest for a tag that does not exist",
            this::emptyDigestForMissingTag),
        DynamicTest.dynamicTest(
            "throws a RegistryException naming host and repository for an unknown repository",
            this::failsForMissingRepository),
        DynamicTest.dynamicTest(
            "gives concurrent callers the same answers", this::servesConcurrentCallers),
        DynamicTest.dynamicTest(
            "names a chart package by the digest of the bytes it reads (a ChartInspector)",
            this::namesChartPackagesByTheirDigest));
  }

  private String repository(String name) {
    return prefix + "-" + COUNTER.incrementAndGet() + "/" + name;
  }

  private ArtifactRef chart(String repository) {
    return ArtifactRef.parse("oci://" + registry.host() + "/" + repository);
  }

  private ArtifactRef image(String repository) {
    return ArtifactRef.parse(registry.host() + "/" + repository);
  }

  private void supportsOciReferences() {
    assertThat(source.supports(chart(repository("podinfo")))).isTrue();
    assertThat(source.supports(image(repository("app")))).isTrue();
  }

  private void listsChartVersions() {
    String repo = repository("podinfo");
    for (String version : List.of("6.5.3", "6.5.4", "6.6.0-rc.1", "7.0.0+build.5")) {
      HelmChart chart = HelmChart.of("podinfo", version);
      registry.push(repo, chart.tag(), chart.toArtifact());
    }

    List<String> tags = source.listTags(chart(repo));

    assertThat(tags).containsExactlyInAnyOrder("6.5.3", "6.5.4", "6.6.0-rc.1", "7.0.0_build.5");
    assertThat(chart(repo).displayTag("7.0.0_build.5")).isEqualTo("7.0.0+build.5");
  }

  private void namesChartPackagesByTheirDigest() {
    Assumptions.assumeTrue(
        source instanceof ChartInspector, "the source does not download chart packages");
    ChartInspector inspector = (ChartInspector) source;
    String repo = repository("podinfo");
    HelmChart pushed = HelmChart.of("podinfo", "6.5.4+b1").withValues("replicaCount: 2\n");
    registry.push(repo, pushed.tag(), pushed.toArtifact());

    ChartArchive archive = inspector.archiveOf(chart(repo), "6.5.4+b1", 1 << 20).orElseThrow();

    // what a caller keeps under the digest must be what the digest names
    assertThat(archive.bytes()).isEqualTo(pushed.tarball());
    assertThat(archive.digest()).isEqualTo(ChartArchive.sha256(pushed.tarball()));
    assertThat(inspector.archive(chart(repo), "6.5.4+b1", 1 << 20)).hasValue(pushed.tarball());
    assertThat(inspector.archiveOf(chart(repo), "9.9.9", 1 << 20)).isEmpty();
  }

  private void listsManyTags() throws Exception {
    String repo = repository("app");
    OciArtifact artifact = OciArtifact.image("app", "many");
    registry.push(repo, "seed", artifact);
    List<String> pushed = new ArrayList<>(List.of("seed"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> pushes = new ArrayList<>();
      for (int i = 1; i < manyTags; i++) {
        String tag = "1." + (i / 100) + "." + (i % 100);
        pushes.add(pool.submit(() -> registry.push(repo, tag, artifact)));
        pushed.add(tag);
      }
      for (Future<String> push : pushes) {
        push.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> tags = source.listTags(image(repo));

    assertThat(tags).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(pushed);
  }

  private void resolvesDigests() {
    String repo = repository("app");
    String image = registry.push(repo, "1.0.0", OciArtifact.image("app", "1.0.0"));
    String docker = registry.push(repo, "1.0.1", OciArtifact.dockerImage("app", "1.0.1"));
    String index =
        registry.push(
            repo,
            "2.0.0",
            OciArtifact.index("app", "2.0.0", List.of("linux/amd64", "linux/arm64")));
    String chartRepo = repository("podinfo");
    HelmChart chart = HelmChart.of("podinfo", "6.5.4");
    String chartDigest = registry.push(chartRepo, chart.tag(), chart.toArtifact());

    assertThat(source.digest(image(repo), "1.0.0")).contains(image);
    assertThat(source.digest(image(repo), "1.0.1")).contains(docker);
    assertThat(source.digest(image(repo), "2.0.0")).contains(index);
    assertThat(source.digest(chart(chartRepo), "6.5.4")).contains(chartDigest);
  }

  private void resolvesPlusVersions() {
    String repo = repository("podinfo");
    HelmChart chart = HelmChart.of("podinfo", "1.2.3+build.7");
    String digest = registry.push(repo, chart.tag(), chart.toArtifact());

    assertThat(source.digest(chart(repo), "1.2.3+build.7")).contains(digest);
    assertThat(source.digest(chart(repo), "1.2.3_build.7")).contains(digest);
  }

  private void emptyDigestForMissingTag() {
    String repo = repository("app");
    registry.push(repo, "1.0.0", OciArtifact.image("app", "1.0.0"));

    assertThat(source.digest(image(repo), "9.9.9")).isEqualTo(Optional.empty());
  }

  private void failsForMissingRepository() {
    String repo = repository("missing");
    ArtifactRef ref = image(repo);

    assertThatThrownBy(() -> source.listTags(ref))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(registry.host())
        .hasMessageContaining(repo)
        .matches(e -> !e.getMessage().contains("\n"), "one line");
  }

  private void servesConcurrentCallers() throws Exception {
    List<ArtifactRef> refs = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      String repo = repository("app");
      for (int v = 0; v <= r; v++) {
        registry.push(repo, "1.0." + v, OciArtifact.image("app", "1.0." + v));
      }
      refs.add(image(repo));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        ArtifactRef ref = refs.get(i % refs.size());
        answers.add(pool.submit(() -> source.listTags(ref)));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).get()).hasSize(i % refs.size() + 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
