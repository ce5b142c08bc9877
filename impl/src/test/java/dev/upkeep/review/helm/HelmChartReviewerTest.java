package dev.upkeep.review.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartReview;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.oci.HelmChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmChartReviewerTest {
  @TempDir Path repo;
  @TempDir Path cache;
  FakeOciRegistry registry;

  @BeforeEach
  void pushCharts() {
    registry = FakeOciRegistry.start();
    registry.pushChart("charts/podinfo", Podinfo.V1_2_3);
    registry.pushChart("charts/podinfo", Podinfo.V1_3_0);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  UpdateReport plan(HelmChartReviewer reviewer) {
    return pipeline(reviewer).plan();
  }

  UpdatePipeline pipeline(HelmChartReviewer reviewer) {
    return UpdatePipeline.builder()
        .source(OciRegistrySource.builder().ignoreDockerConfig().build())
        .policy(
            "flux-system:podinfo-dev", registry.chartRef("charts/podinfo"), SemverPolicy.of("1.x"))
        .policy(
            "flux-system:podinfo-staging",
            registry.chartRef("charts/podinfo"),
            SemverPolicy.of("1.x"))
        .patcher(SetterPatcher.create())
        .publisher(GitPublisher.inPlace(repo))
        .chartReviewer(reviewer)
        .build();
  }

  void write(String file, String content) throws Exception {
    Files.createDirectories(repo.resolve(file).getParent());
    Files.writeString(repo.resolve(file), content);
  }

  @Test
  void warnsAboutAnOverriddenKeyTheNewChartRenamedWithFileLineAndTheLikelyNewName()
      throws Exception {
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));
    write("clusters/staging/podinfo.yaml", Podinfo.staging("1.2.3"));

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts()).hasSize(2);
    ChartReview dev = report.charts().get(0);
    assertThat(dev.file()).isEqualTo("clusters/dev/podinfo.yaml");
    assertThat(dev.line()).isEqualTo(Podinfo.VERSION_LINE);
    assertThat(dev.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.id()).isEqualTo("removed:ui.color");
              assertThat(w.file()).isEqualTo("clusters/dev/podinfo.yaml");
              assertThat(w.line()).isEqualTo(Podinfo.DEV_COLOR_LINE);
              assertThat(w.renamedTo()).hasValue("ui.colour");
              assertThat(w.message())
                  .isEqualTo(
                      "sets ui.color, which podinfo 1.3.0 no longer has; renamed to ui.colour?");
            });
    ChartDiff diff = dev.diff().orElseThrow();
    assertThat(diff.defaults())
        .contains(new ChartDiff.ValueChange("replicaCount", Optional.of("1"), Optional.of("2")));
    assertThat(diff.crds())
        .containsExactly(new ChartDiff.CrdChange("Canary", "podinfo.dev", ChartDiff.Kind.ADDED));
    assertThat(report.charts().get(1).file()).isEqualTo("clusters/staging/podinfo.yaml");
    assertThat(report.charts().get(1).warnings()).isEmpty();
  }

  @Test
  void aChartMoveReviewedBeforeIsReviewedFromItsSummariesWithoutReadingAPackage() throws Exception {
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));
    write("clusters/staging/podinfo.yaml", Podinfo.staging("1.2.3"));
    Path summaries = cache.resolve("reviews");
    UpdateReport fresh = plan(HelmChartReviewer.create());
    registry.clearRequests();

    UpdateReport first = plan(HelmChartReviewer.create().summaries(summaries));
    long firstBlobs = blobRequests();
    registry.clearRequests();
    UpdateReport second = plan(HelmChartReviewer.create().summaries(summaries));

    assertThat(first.charts()).isEqualTo(fresh.charts());
    assertThat(second.charts()).isEqualTo(fresh.charts());
    assertThat(firstBlobs).isEqualTo(2); // the two packages, once each
    assertThat(blobRequests()).isZero();
    try (var files = Files.list(summaries)) {
      assertThat(files).hasSize(2);
    }
  }

  @Test
  void aDamagedSummaryIsAPackageReadAgain() throws Exception {
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));
    Path summaries = cache.resolve("reviews");
    UpdateReport first = plan(HelmChartReviewer.create().summaries(summaries));
    try (var files = Files.list(summaries)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.write(f, new byte[] {1, 2, 3});
      }
    }
    registry.clearRequests();

    UpdateReport again = plan(HelmChartReviewer.create().summaries(summaries));

    assertThat(again.charts()).isEqualTo(first.charts());
    assertThat(blobRequests()).isEqualTo(2);
  }

  @Test
  void aPackageWhoseSourceNamesItWronglyIsReviewedButNotKept() throws Exception {
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));
    Path summaries = cache.resolve("reviews");
    OciRegistrySource real = OciRegistrySource.builder().ignoreDockerConfig().build();
    String wrong = "sha256:" + "0".repeat(64);
    class Lying implements dev.upkeep.source.RegistrySource, dev.upkeep.source.ChartInspector {
      @Override
      public java.util.List<String> listTags(dev.upkeep.ArtifactRef ref) {
        return real.listTags(ref);
      }

      @Override
      public Optional<String> digest(dev.upkeep.ArtifactRef ref, String tag) {
        return real.digest(ref, tag);
      }

      @Override
      public Optional<dev.upkeep.source.ChartMetadata> chart(
          dev.upkeep.ArtifactRef ref, String tag) {
        return real.chart(ref, tag);
      }

      @Override
      public Optional<dev.upkeep.source.ChartArchive> archiveOf(
          dev.upkeep.ArtifactRef ref, String tag, long maxBytes) {
        return real.archiveOf(ref, tag, maxBytes)
            .map(a -> dev.upkeep.source.ChartArchive.of(wrong, a::bytes));
      }
    }
    UpdateReport fresh = plan(HelmChartReviewer.create());

    UpdateReport lied =
        UpdatePipeline.builder()
            .source(new Lying())
            .policy(
                "flux-system:podinfo-dev",
                registry.chartRef("charts/podinfo"),
                SemverPolicy.of("1.x"))
            .patcher(SetterPatcher.create())
            .publisher(GitPublisher.inPlace(repo))
            .chartReviewer(HelmChartReviewer.create().summaries(summaries))
            .build()
            .plan();

    assertThat(lied.charts()).isEqualTo(fresh.charts());
    assertThat(summaries.resolve("0".repeat(64))).doesNotExist();
  }

  long blobRequests() {
    return registry.requests().stream().filter(r -> r.path().contains("/blobs/")).count();
  }

  @Test
  void checksTheValuesOfTheReleasesWhoseChartRefNamesTheMovedOciRepository() throws Exception {
    write(
        "clusters/dev/source.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1\n"
            + "kind: OCIRepository\n"
            + "metadata:\n"
            + "  name: podinfo\n"
            + "  namespace: dev\n"
            + "spec:\n"
            + "  url: oci://"
            + registry.host()
            + "/charts/podinfo\n"
            + "  ref:\n"
            + "    tag: 1.2.3 # {\"$imagepolicy\": \"flux-system:podinfo-dev:tag\"}\n");
    write(
        "clusters/dev/release.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\n"
            + "kind: HelmRelease\n"
            + "metadata:\n"
            + "  name: podinfo\n"
            + "  namespace: dev\n"
            + "spec:\n"
            + "  chartRef:\n"
            + "    kind: OCIRepository\n"
            + "    name: podinfo\n"
            + "  values:\n"
            + "    ui:\n"
            + "      color: red\n");

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.file()).isEqualTo("clusters/dev/source.yaml");
              assertThat(c.warnings())
                  .singleElement()
                  .satisfies(
                      w -> {
                        assertThat(w.id()).isEqualTo("removed:ui.color");
                        assertThat(w.file()).isEqualTo("clusters/dev/release.yaml");
                        assertThat(w.line()).isEqualTo(12);
                        assertThat(w.renamedTo()).hasValue("ui.colour");
                      });
            });
  }

  /** The ConfigMap podinfo-values of namespace dev, setting ui.color (on its ninth line). */
  static final String PODINFO_VALUES =
      "apiVersion: v1\n"
          + "kind: ConfigMap\n"
          + "metadata:\n"
          + "  name: podinfo-values\n"
          + "  namespace: dev\n"
          + "data:\n"
          + "  values.yaml: |\n"
          + "    ui:\n"
          + "      color: blue\n";

  /** The dev release of podinfo, taking values from the ConfigMap podinfo-values. */
  private void writeReleaseWithValuesFromConfigMap() throws Exception {
    write(
        "clusters/dev/podinfo.yaml",
        Podinfo.release("dev", "1.2.3", "flux-system:podinfo-dev", "    replicaCount: 1\n")
            .replace(
                "  values:\n",
                "  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n  values:\n"));
  }

  /** The one warning: ui.color, which the new chart dropped, set in values.yaml at {@code line}. */
  private static void assertRemovedColorSetAtValuesLine(UpdateReport report, int line) {
    assertThat(report.charts().get(0).warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.file()).isEqualTo("clusters/dev/values.yaml");
              assertThat(w.line()).isEqualTo(line);
              assertThat(w.key()).isEqualTo("ui.color");
            });
  }

  @Test
  void readsValuesFromConfigMapsDefinedInTheRepository() throws Exception {
    writeReleaseWithValuesFromConfigMap();
    write("clusters/dev/values.yaml", PODINFO_VALUES);

    UpdateReport report = plan(HelmChartReviewer.create());

    assertRemovedColorSetAtValuesLine(report, 9);
  }

  @Test
  void readsAConfigMapBesideADocumentOfAnotherKindThatDoesNotParse() throws Exception {
    writeReleaseWithValuesFromConfigMap();
    // a CustomResourceDefinition that mentions Secrets, with an alias to no anchor
    write(
        "clusters/dev/values.yaml",
        "apiVersion: apiextensions.k8s.io/v1\n"
            + "kind: CustomResourceDefinition\n"
            + "spec:\n"
            + "  description: reads a Secret\n"
            + "  names: *missing\n"
            + "---\n"
            + PODINFO_VALUES);

    UpdateReport report = plan(HelmChartReviewer.create());

    assertRemovedColorSetAtValuesLine(report, 15);
  }

  @Test
  void warnsWhenTheValuesNoLongerValidateAgainstTheNewSchema() throws Exception {
    registry.pushChart(
        "charts/podinfo",
        Podinfo.V1_3_0
            .withSchema(
                "{\"type\":\"object\",\"properties\":{\"replicaCount\":{\"type\":\"integer\","
                    + "\"minimum\":2}}}")
            .withValues("replicaCount: 2\n")
            .withAppVersion("6.6.1")
            .withDescription("1.3.1")
            .withKubeVersion(">=1.28.0-0")
            .withAnnotation("v", "1.3.1"));
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts().get(0).diff().orElseThrow().schema())
        .isEqualTo(ChartDiff.Schema.ADDED);
    assertThat(report.charts().get(0).warnings())
        .filteredOn(w -> w.kind() == ChartReview.Kind.SCHEMA)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.id()).isEqualTo("schema:replicaCount");
              assertThat(w.file()).isEqualTo("clusters/dev/podinfo.yaml");
              assertThat(w.line()).isEqualTo(12);
            });
  }

  @Test
  void neverQuotesAValueFromASecretThatTheSchemaRejects() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"auth\":{\"type\":\"object\",\"properties\":"
            + "{\"token\":{\"type\":\"string\",\"pattern\":\"^tok-\"}}}}}";
    assertThat(
            ValuesSchema.validate(
                ValuesSchema.parse(schema), Map.of("auth", Map.of("token", "hunter2"))))
        .as("the validator's own words quote the value")
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains("hunter2"));
    registry.pushChart(
        "charts/podinfo",
        HelmChart.of("podinfo", "1.3.1").withValues("auth:\n  token: \"\"\n").withSchema(schema));
    write(
        "clusters/dev/podinfo.yaml",
        Podinfo.release("dev", "1.2.3", "flux-system:podinfo-dev", "    replicaCount: 1\n")
            .replace(
                "  values:\n",
                "  valuesFrom:\n    - kind: Secret\n      name: podinfo-auth\n  values:\n"));
    write(
        "clusters/dev/secret.yaml",
        "apiVersion: v1\n"
            + "kind: Secret\n"
            + "metadata:\n"
            + "  name: podinfo-auth\n"
            + "  namespace: dev\n"
            + "stringData:\n"
            + "  values.yaml: |\n"
            + "    auth:\n"
            + "      token: hunter2\n");

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts().get(0).warnings())
        .filteredOn(w -> w.kind() == ChartReview.Kind.SCHEMA)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.file()).isEqualTo("clusters/dev/secret.yaml");
              assertThat(w.line()).isEqualTo(9);
              assertThat(w.message()).contains("\"pattern\"").doesNotContain("hunter2");
            });
    assertThat(report.toJson() + report.toMarkdown() + report.toText()).doesNotContain("hunter2");
  }

  @Test
  void leavesAnOciRepositoryTagThatIsNoChartOutOfTheReview() throws Exception {
    registry.pushImage("manifests/apps", "1.0.0");
    registry.pushImage("manifests/apps", "1.1.0");
    write(
        "clusters/dev/source.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1beta2\n"
            + "kind: OCIRepository\n"
            + "metadata:\n"
            + "  name: apps\n"
            + "spec:\n"
            + "  url: oci://"
            + registry.host()
            + "/manifests/apps\n"
            + "  ref:\n"
            + "    tag: 1.0.0 # {\"$imagepolicy\": \"flux-system:apps:tag\"}\n");

    UpdateReport report =
        UpdatePipeline.builder()
            .source(OciRegistrySource.builder().ignoreDockerConfig().build())
            .policy("flux-system:apps", registry.chartRef("manifests/apps"), SemverPolicy.of("1.x"))
            .patcher(SetterPatcher.create())
            .publisher(GitPublisher.inPlace(repo))
            .chartReviewer(HelmChartReviewer.create())
            .build()
            .plan();

    assertThat(report.file("clusters/dev/source.yaml")).isPresent();
    assertThat(report.charts()).isEmpty();
  }

  @Test
  void saysWhenTheDiffCannotBeComputedAndStillMovesTheVersion() throws Exception {
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));

    UpdateReport report = plan(HelmChartReviewer.create().maxPackageBytes(64));

    assertThat(report.file("clusters/dev/podinfo.yaml")).isPresent();
    assertThat(report.charts().get(0).diff()).isEmpty();
    assertThat(report.charts().get(0).unavailable().orElseThrow())
        .contains("larger than the 64-byte limit");
    assertThat(report.toMarkdown()).contains("could not be computed");
  }

  @Test
  void reviewsAChartMoveInAFileThatIsGoneOrOutsideTheRootWithoutTheValuesItCannotRead()
      throws Exception {
    write("clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"));
    Files.writeString(cache.resolve("outside.yaml"), Podinfo.dev("1.2.3"));
    Files.createSymbolicLink(repo.resolve("linked"), cache);
    HelmChartReviewer reviewer = HelmChartReviewer.create();
    UpdatePipeline pipeline = pipeline(reviewer);

    for (String file :
        List.of(
            repo.relativize(cache.resolve("outside.yaml")).toString(),
            "linked/outside.yaml",
            "clusters/gone.yaml")) {
      ChartReview review =
          reviewer
              .review(
                  pipeline,
                  repo,
                  file,
                  Podinfo.VERSION_LINE,
                  "flux-system:podinfo-dev",
                  "1.2.3",
                  "1.3.0")
              .orElseThrow();
      assertThat(review.diff()).isPresent();
      // the outside file overrides ui.color, which 1.3.0 renamed: it was not read
      assertThat(review.warnings()).isEmpty();
    }
  }

  /**
   * The dev release of podinfo at {@code version}, with the ConfigMap podinfo-extra's key {@code
   * key} at {@code targetPath}.
   */
  private void writeReleaseWithTargetPath(
      String version, String key, String targetPath, String value) throws Exception {
    write(
        "clusters/dev/podinfo.yaml",
        Podinfo.release("dev", version, "flux-system:podinfo-dev", "    ui:\n      message: hi\n")
            .replace(
                "  values:\n",
                "  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-extra\n"
                    + "      valuesKey: "
                    + key
                    + "\n      targetPath: "
                    + targetPath
                    + "\n  values:\n"));
    write(
        "clusters/dev/extra.yaml",
        "apiVersion: v1\n"
            + "kind: ConfigMap\n"
            + "metadata:\n"
            + "  name: podinfo-extra\n"
            + "  namespace: dev\n"
            + "data:\n"
            + "  "
            + key
            + ": "
            + value
            + "\n");
  }

  @Test
  void aValueSetAtATargetPathIsTypedAsFluxTypesItBeforeTheSchemaChecksIt() throws Exception {
    registry.pushChart(
        "charts/podinfo",
        Podinfo.V1_3_0
            .withSchema(
                "{\"type\":\"object\",\"properties\":{\"replicaCount\":{\"type\":\"integer\"},"
                    + "\"ui\":{\"type\":\"object\",\"properties\":{\"enabled\":{\"type\":\"boolean\"}}}}}")
            .withValues("replicaCount: 2\nui:\n  enabled: false\n  message: \"\"\n")
            .withDescription("1.3.1")
            .withAnnotation("v", "1.3.1"));
    // Flux hands "3" to Helm's --set parser, which makes it the integer 3
    writeReleaseWithTargetPath("1.2.3", "replicas", "replicaCount", "\"3\"");

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts().get(0).warnings())
        .filteredOn(w -> w.kind() == ChartReview.Kind.SCHEMA)
        .isEmpty();
  }

  @Test
  void warnsAboutATargetPathWithAnEscapedDotThatNamesAKeyTheNewChartDropped() throws Exception {
    registry.pushChart(
        "charts/podinfo",
        HelmChart.of("podinfo", "1.4.0")
            .withValues("podAnnotations:\n  prometheus.io/scrape: \"true\"\n  team: web\n"));
    registry.pushChart(
        "charts/podinfo",
        HelmChart.of("podinfo", "1.4.1").withValues("podAnnotations:\n  team: web\n"));
    writeReleaseWithTargetPath(
        "1.4.0", "scrape", "podAnnotations.prometheus\\.io/scrape", "\"false\"");

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts().get(0).warnings())
        .filteredOn(w -> w.kind() == ChartReview.Kind.REMOVED_KEY)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.key()).isEqualTo("podAnnotations.\"prometheus.io/scrape\"");
              assertThat(w.file()).isEqualTo("clusters/dev/extra.yaml");
              assertThat(w.line()).isEqualTo(7);
            });
  }

  @Test
  void aNullForAKeyTheChartDoesNotHaveStaysInTheValuesTheNewSchemaChecks() throws Exception {
    registry.pushChart(
        "charts/podinfo",
        HelmChart.of("podinfo", "1.3.1")
            .withValues("replicaCount: 2\nui:\n  message: \"\"\n")
            .withSchema(
                "{\"type\":\"object\",\"additionalProperties\":false,"
                    + "\"properties\":{\"replicaCount\":{},\"ui\":{}}}"));
    // Helm deletes a default set to null; a key the chart has no default for keeps its null
    write(
        "clusters/dev/podinfo.yaml",
        Podinfo.release(
            "dev", "1.2.3", "flux-system:podinfo-dev", "    ui: null\n    extra: null\n"));

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts().get(0).warnings())
        .filteredOn(w -> w.kind() == ChartReview.Kind.SCHEMA)
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("extra"));
  }

  @Test
  void aNullFromValuesFromThatSpecValuesSetsAgainKeepsTheChartDefaultsBeside() throws Exception {
    registry.pushChart(
        "charts/podinfo",
        HelmChart.of("podinfo", "1.3.1")
            .withValues("ui:\n  color: blue\n  message: \"\"\n")
            .withSchema(
                "{\"type\":\"object\",\"properties\":{\"ui\":{\"type\":\"object\","
                    + "\"required\":[\"color\"]}}}"));
    // Flux merges the valuesFrom and spec.values first (ui is {message: hi}), then Helm adds the
    // chart's defaults under it (ui.color)
    writeReleaseWithValuesFromConfigMap();
    write(
        "clusters/dev/values.yaml",
        "apiVersion: v1\n"
            + "kind: ConfigMap\n"
            + "metadata:\n"
            + "  name: podinfo-values\n"
            + "  namespace: dev\n"
            + "data:\n"
            + "  values.yaml: |\n"
            + "    ui: null\n");
    write(
        "clusters/dev/podinfo.yaml",
        Files.readString(repo.resolve("clusters/dev/podinfo.yaml"))
            .replace("    replicaCount: 1\n", "    ui:\n      message: hi\n"));

    UpdateReport report = plan(HelmChartReviewer.create());

    assertThat(report.charts().get(0).warnings())
        .filteredOn(w -> w.kind() == ChartReview.Kind.SCHEMA)
        .isEmpty();
  }
}
