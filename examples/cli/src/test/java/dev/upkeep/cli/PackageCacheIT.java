package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.UpkeepExtension;
import dev.upkeep.testing.oci.RecordedRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The chart review's packages, kept on disk between runs. */
@ExtendWith(UpkeepExtension.class)
class PackageCacheIT {

  private static Path repository(Path repo, FakeOciRegistry registry) throws IOException {
    String marker = InlineMarkersIT.podinfo12x(registry);
    Files.writeString(
        repo.resolve("Chart.yaml"),
        "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n"
            + "  - name: podinfo\n    version: 1.2.3 # "
            + marker
            + "\n    repository: oci://"
            + registry.host()
            + "/charts\n");
    return repo;
  }

  private static String plan(Path repo, FakeOciRegistry registry, String... more) {
    StringWriter out = new StringWriter();
    String[] args =
        Stream.concat(
                Stream.of(
                    "plan",
                    "--repo",
                    repo.toString(),
                    "--insecure-registry",
                    registry.host(),
                    "--format",
                    "json"),
                Stream.of(more))
            .toArray(String[]::new);
    assertThat(InlineMarkersIT.upkeep(out, args)).as(out.toString()).isZero();
    return out.toString();
  }

  private static long packageDownloads(FakeOciRegistry registry) {
    return registry.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().contains("/blobs/sha256:"))
        .map(RecordedRequest::path)
        .count();
  }

  @Test
  void aSecondPlanReviewsTheChartFromTheCacheWithoutDownloadingItsPackages(
      FakeOciRegistry registry, @TempDir Path repo, @TempDir Path cache) throws IOException {
    repository(repo, registry);

    String first = plan(repo, registry, "--cache-dir", cache.toString());
    assertThat(packageDownloads(registry)).isEqualTo(2); // 1.2.3 and 1.2.5
    registry.clearRequests();
    String second = plan(repo, registry, "--cache-dir", cache.toString());

    assertThat(packageDownloads(registry)).isZero();
    assertThat(withoutTimes(second)).isEqualTo(withoutTimes(first));
    assertThat(second).contains("\"charts\"").contains("1.2.5");
    try (Stream<Path> kept = Files.list(cache.resolve("charts/sha256"))) {
      assertThat(kept).hasSize(2);
    }
  }

  @Test
  void aChartReviewedBeforeNeedsNoPackageAtAllOnlyItsSummary(
      FakeOciRegistry registry, @TempDir Path repo, @TempDir Path cache) throws IOException {
    repository(repo, registry);
    String first = plan(repo, registry, "--cache-dir", cache.toString());
    try (Stream<Path> packages = Files.list(cache.resolve("charts/sha256"))) {
      for (Path p : (Iterable<Path>) packages::iterator) {
        Files.delete(p);
      }
    }
    registry.clearRequests();

    String second = plan(repo, registry, "--cache-dir", cache.toString());

    assertThat(packageDownloads(registry)).isZero();
    assertThat(withoutTimes(second)).isEqualTo(withoutTimes(first));
    try (Stream<Path> summaries = Files.list(cache.resolve("charts/reviews"))) {
      assertThat(summaries).hasSize(2);
    }
  }

  @Test
  void noCacheDownloadsEachTimeAndWritesNothing(
      FakeOciRegistry registry, @TempDir Path repo, @TempDir Path cache) throws IOException {
    repository(repo, registry);

    plan(repo, registry, "--cache-dir", cache.toString(), "--no-cache");
    plan(repo, registry, "--cache-dir", cache.toString(), "--no-cache");

    assertThat(packageDownloads(registry)).isEqualTo(4);
    assertThat(cache.resolve("charts")).doesNotExist();
  }

  /** The JSON report without its timings, which differ from run to run. */
  private static String withoutTimes(String json) {
    return json.replaceAll("\"elapsedMillis\": *\\d+", "")
        .replaceAll("\"stageMillis\": *\\{[^}]*}", "");
  }
}
