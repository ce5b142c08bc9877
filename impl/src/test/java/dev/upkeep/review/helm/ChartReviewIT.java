package dev.upkeep.review.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.json.Json;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.review.ChartReview;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.oci.DistributionRegistry;
import dev.upkeep.testing.oci.RegistryUpload;
import dev.upkeep.verify.ChangeVerifier;
import dev.upkeep.verify.VerifyReport;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chart review end to end against Debian's real {@code docker-registry}: podinfo 1.2.3 → 1.3.0,
 * which renames {@code ui.color}, changes {@code replicaCount}, adds a CRD and raises {@code
 * appVersion} and {@code kubeVersion}.
 */
class ChartReviewIT {
  private static DistributionRegistry registry;
  private static ArtifactRef chart;

  @BeforeAll
  static void pushCharts() {
    registry = DistributionRegistry.start();
    RegistryUpload upload = RegistryUpload.to(registry.host());
    upload.push("charts/podinfo", Podinfo.V1_2_3.tag(), Podinfo.V1_2_3.toArtifact());
    upload.push("charts/podinfo", Podinfo.V1_3_0.tag(), Podinfo.V1_3_0.toArtifact());
    chart = ArtifactRef.parse("oci://" + registry.host() + "/charts/podinfo");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static UpdatePipeline.Builder pipeline(GitPublisher publisher) {
    return UpdatePipeline.builder()
        .source(OciRegistrySource.builder().ignoreDockerConfig().build())
        .policy("flux-system:podinfo-dev", chart, SemverPolicy.of("1.x"))
        .policy("flux-system:podinfo-staging", chart, SemverPolicy.of("1.x"))
        .patcher(SetterPatcher.create())
        .publisher(publisher)
        .chartReviewer(HelmChartReviewer.create());
  }

  @Test
  void showsTheRenamedOverrideTheChangedDefaultTheCrdAndChartYamlInPlanRunAndPullRequest(
      @TempDir Path work) throws Exception {
    try (GitRemoteFixture fleet = GitRemoteFixture.create()) {
      fleet.seed(
          Map.of(
              "clusters/dev/podinfo.yaml", Podinfo.dev("1.2.3"),
              "clusters/staging/podinfo.yaml", Podinfo.staging("1.2.3")));
      AtomicReference<ChangeRequestSpec> opened = new AtomicReference<>();
      UpdatePipeline pipeline =
          pipeline(
                  JGitPublisher.builder(fleet.url())
                      .workDirectory(work)
                      .baseBranch("main")
                      .pushBranch("upkeep/podinfo")
                      .author("Upkeep", "upkeep@example.com")
                      .build())
              .changeRequests(
                  spec -> {
                    opened.set(spec);
                    return new ChangeRequest(7, URI.create("https://forge.test/pr/7"), true);
                  })
              .build();

      UpdateReport plan = pipeline.plan();
      UpdateReport run = pipeline.run();

      for (UpdateReport report : List.of(plan, run)) {
        ChartReview dev = report.charts().get(0);
        assertThat(dev.file()).isEqualTo("clusters/dev/podinfo.yaml");
        assertThat(dev.warnings())
            .extracting(ChartReview.Warning::id)
            .containsExactly("removed:ui.color");
        assertThat(report.charts().get(1).file()).isEqualTo("clusters/staging/podinfo.yaml");
        assertThat(report.charts().get(1).warnings()).isEmpty();
        assertMentionsEverything(report.toMarkdown());
        assertThat(
                ValuesSchema.validate(
                    ValuesSchema.parse(Files.readString(Path.of("../docs/report.schema.json"))),
                    Json.parse(report.toJson())))
            .as("the report follows docs/report.schema.json")
            .isEmpty();
        assertThat(Json.compact(Json.parse(report.toJson())))
            .contains("\"id\":\"removed:ui.color\"")
            .contains("\"file\":\"clusters/dev/podinfo.yaml\",\"line\":14")
            .contains("\"renamedTo\":\"ui.colour\"")
            .contains(
                "{\"key\":\"replicaCount\",\"change\":\"changed\",\"old\":\"1\",\"new\":\"2\"}")
            .contains("{\"kind\":\"Canary\",\"group\":\"podinfo.dev\",\"change\":\"added\"}")
            .contains("{\"field\":\"kubeVersion\",\"old\":\">=1.23.0-0\",\"new\":\">=1.28.0-0\"}");
      }
      String markdown = plan.toMarkdown();
      assertThat(markdown.indexOf(":warning:"))
          .as("warnings come first")
          .isLessThan(markdown.indexOf("| policy |"));
      assertThat(markdown.substring(0, markdown.indexOf("| policy |")))
          .as("warnings, none for staging")
          .contains("**Chart warnings**")
          .doesNotContain("staging");
      assertThat(plan.toText())
          .contains(
              "warning: clusters/dev/podinfo.yaml:14: sets ui.color, which podinfo 1.3.0 no longer"
                  + " has; renamed to ui.colour?")
          .contains("appVersion: 6.5.0 -> 6.6.0")
          .contains("CRD added: Canary.podinfo.dev")
          .contains("default replicaCount: 1 -> 2");
      assertThat(run.commit()).isPresent();
      assertMentionsEverything(opened.get().body());
    }
  }

  private static void assertMentionsEverything(String markdown) {
    assertThat(markdown)
        .contains(
            "- :warning: `clusters/dev/podinfo.yaml:14`: sets ui.color, which podinfo 1.3.0 no"
                + " longer has; renamed to ui.colour? (`removed:ui.color`)")
        .contains("| `replicaCount` | `1` | `2` |")
        .contains("| `Canary` | `podinfo.dev` | added |")
        .contains("| `appVersion` | `6.5.0` | `6.6.0` |")
        .contains("| `kubeVersion` | `>=1.23.0-0` | `>=1.28.0-0` |")
        .contains("<details><summary><code>podinfo</code> 1.2.3 → 1.3.0");
  }

  @Test
  void verifyFailsOnAHandMadeBumpThatOverridesARemovedKeyUnlessItIsAllowed(@TempDir Path repo)
      throws Exception {
    Path dev = repo.resolve("clusters/dev/podinfo.yaml");
    Files.createDirectories(dev.getParent());
    Files.writeString(dev, Podinfo.dev("1.2.3"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("base").setAuthor("t", "t@example.com").setSign(false).call();
    }
    Files.writeString(dev, Podinfo.dev("1.3.0"));
    UpdatePipeline pipeline = pipeline(GitPublisher.inPlace(repo)).build();

    VerifyReport failed = ChangeVerifier.of(pipeline).verify(repo, "main");
    VerifyReport allowed =
        ChangeVerifier.of(pipeline).allow(List.of("removed:ui.color")).verify(repo, "main");

    assertThat(failed.passed()).isFalse();
    assertThat(failed.checks().get(0).problems())
        .containsExactly(
            "clusters/dev/podinfo.yaml:14: sets ui.color, which podinfo 1.3.0 no longer has;"
                + " renamed to ui.colour? (accept with --allow removed:ui.color)");
    assertThat(allowed.passed()).isTrue();
  }
}
