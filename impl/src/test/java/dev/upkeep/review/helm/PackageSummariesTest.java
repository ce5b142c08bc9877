package dev.upkeep.review.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.source.ChartArchive;
import dev.upkeep.testing.oci.HelmChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PackageSummaries}: what the review read of each package, on disk by digest. */
class PackageSummariesTest {
  @TempDir Path cache;

  static final HelmChart CHART = HelmChart.of("podinfo", "1.0.0").withValues("replicas: 1\n");
  static final String DIGEST = ChartArchive.sha256(CHART.tarball());

  @Test
  void keepsASummaryUnderItsDigestInAPrivateDirectory() throws Exception {
    PackageSummaries summaries = new PackageSummaries(cache.resolve("reviews"));
    ChartPackage read = ChartPackage.read(CHART.tarball());

    summaries.put(DIGEST, read);

    Path file = cache.resolve("reviews").resolve(DIGEST.substring("sha256:".length()));
    assertThat(file).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(new PackageSummaries(cache.resolve("reviews")).get(DIGEST))
        .hasValueSatisfying(p -> assertThat(p.defaults().leaves()).containsOnlyKeys("replicas"));
    assertThat(summaries.get("sha256:" + "0".repeat(64))).isEmpty();
    assertThat(summaries.get("not a digest")).isEmpty();
  }

  @Test
  void aPackageWithAValueItCannotHoldIsNotKept() {
    PackageSummaries summaries = new PackageSummaries(cache.resolve("reviews"));
    ChartPackage read = ChartPackage.read(CHART.tarball());
    ChartPackage odd =
        new ChartPackage(
            read.chart(), read.defaults(), Map.of("x", new Object()), read.schema(), read.crds());

    summaries.put(DIGEST, odd);

    assertThat(summaries.get(DIGEST)).isEmpty();
  }

  @Test
  void aDirectoryOthersMayWriteToIsNotUsed() throws Exception {
    Path shared = Files.createDirectory(cache.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    PackageSummaries summaries = new PackageSummaries(shared.resolve("reviews"));

    summaries.put(DIGEST, ChartPackage.read(CHART.tarball()));

    assertThat(shared.resolve("reviews")).doesNotExist();
    assertThat(summaries.get(DIGEST)).isEmpty();
  }

  @Test
  void deletesSummariesNoRunHasUsedForAMonthWhenItWritesOne() throws Exception {
    PackageSummaries summaries = new PackageSummaries(cache.resolve("reviews"));
    summaries.put(DIGEST, ChartPackage.read(CHART.tarball()));
    Path old = cache.resolve("reviews").resolve(DIGEST.substring("sha256:".length()));
    Files.setLastModifiedTime(
        old,
        FileTime.from(
            Instant.now().minus(PackageSummaries.UNUSED).minus(java.time.Duration.ofDays(1))));
    HelmChart other = HelmChart.of("podinfo", "2.0.0");

    summaries.put(ChartArchive.sha256(other.tarball()), ChartPackage.read(other.tarball()));

    assertThat(old).doesNotExist();
    assertThat(summaries.get(ChartArchive.sha256(other.tarball()))).isPresent();
  }
}
