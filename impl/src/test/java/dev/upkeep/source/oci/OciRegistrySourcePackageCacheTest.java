package dev.upkeep.source.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.RegistryException;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OciRegistrySource.Builder#cache}: chart packages read from disk by digest. */
class OciRegistrySourcePackageCacheTest {

  @TempDir Path dir;

  private long blobRequests(FakeOciRegistry registry) {
    return registry.requests().stream()
        .map(RecordedRequest::path)
        .filter(p -> p.contains("/blobs/"))
        .count();
  }

  @Test
  void aSecondSourceReadsTheChartPackageFromTheCacheNotTheRegistry() {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      registry.pushChart("charts/podinfo", "6.5.4");
      ArtifactRef chart = registry.chartRef("charts/podinfo");
      Path cache = dir.resolve("charts");

      byte[] first;
      try (OciRegistrySource source = OciRegistrySource.builder().cache(cache).build()) {
        first = source.archive(chart, "6.5.4", 1 << 20).orElseThrow();
      }
      assertThat(blobRequests(registry)).isEqualTo(1);
      registry.clearRequests();

      try (OciRegistrySource source = OciRegistrySource.builder().cache(cache).build()) {
        assertThat(source.archive(chart, "6.5.4", 1 << 20)).hasValue(first);
      }
      // the manifest is asked again (the tag may have moved), the package is not
      assertThat(registry.requests()).extracting(RecordedRequest::path).hasSize(1);
      assertThat(blobRequests(registry)).isZero();
    }
  }

  @Test
  void aTagThatMovedGetsItsNewPackage() {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      registry.pushChart("charts/podinfo", "6.5.4");
      ArtifactRef chart = registry.chartRef("charts/podinfo");
      Path cache = dir.resolve("charts");
      try (OciRegistrySource source = OciRegistrySource.builder().cache(cache).build()) {
        byte[] before = source.archive(chart, "6.5.4", 1 << 20).orElseThrow();
        HelmChart moved = HelmChart.of("podinfo", "6.5.4").withValues("moved: true\n");
        registry.pushChart("charts/podinfo", moved);
        registry.clearRequests();

        byte[] now = source.archive(chart, "6.5.4", 1 << 20).orElseThrow();

        assertThat(now).isEqualTo(moved.tarball()).isNotEqualTo(before);
        assertThat(blobRequests(registry)).isEqualTo(1);
      }
    }
  }

  @Test
  void aTamperedPackageIsDownloadedAgain() throws IOException {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      registry.pushChart("charts/podinfo", "6.5.4");
      ArtifactRef chart = registry.chartRef("charts/podinfo");
      Path cache = dir.resolve("charts");
      try (OciRegistrySource source = OciRegistrySource.builder().cache(cache).build()) {
        byte[] real = source.archive(chart, "6.5.4", 1 << 20).orElseThrow();
        try (Stream<Path> kept = Files.list(cache.resolve("sha256"))) {
          for (Path f : (Iterable<Path>) kept::iterator) {
            Files.writeString(f, "not the chart");
          }
        }
        registry.clearRequests();

        assertThat(source.archive(chart, "6.5.4", 1 << 20)).hasValue(real);
        assertThat(blobRequests(registry)).isEqualTo(1);
      }
    }
  }

  @Test
  void namesThePackageByItsLayerDigestAndDownloadsItOnlyWhenAsked() {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      HelmChart podinfo = HelmChart.of("podinfo", "6.5.4");
      registry.pushChart("charts/podinfo", podinfo);
      ArtifactRef chart = registry.chartRef("charts/podinfo");
      try (OciRegistrySource source = OciRegistrySource.builder().build()) {
        ChartArchive archive = source.archiveOf(chart, "6.5.4", 1 << 20).orElseThrow();

        assertThat(archive.digest()).isEqualTo(ChartArchive.sha256(podinfo.tarball()));
        assertThat(blobRequests(registry)).isZero();
        assertThat(archive.bytes()).isEqualTo(podinfo.tarball());
        assertThat(archive.bytes()).isEqualTo(podinfo.tarball());
        assertThat(blobRequests(registry)).isEqualTo(1);
        assertThat(source.archiveOf(chart, "9.9.9", 1 << 20)).isEmpty();
      }
    }
  }

  @Test
  void aPackageOverTheLimitFailsAsItDidWithoutTheCache() {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      registry.pushChart("charts/podinfo", "6.5.4");
      ArtifactRef chart = registry.chartRef("charts/podinfo");
      try (OciRegistrySource source =
          OciRegistrySource.builder().cache(dir.resolve("charts")).build()) {
        source.archive(chart, "6.5.4", 1 << 20).orElseThrow();
        assertThatThrownBy(() -> source.archive(chart, "6.5.4", 16))
            .isInstanceOf(RegistryException.class)
            .hasMessageContaining("limit");
      }
    }
  }
}
