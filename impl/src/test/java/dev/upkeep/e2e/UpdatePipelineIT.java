package dev.upkeep.e2e;

import static dev.upkeep.testing.UpkeepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One real update from the registry to a pushed branch, and what must never happen on the way. */
@ExtendWith(UpkeepExtension.class)
class UpdatePipelineIT {

  static String helmRelease(String env, String version, String quote) {
    return "# podinfo for "
        + env
        + " — 中文注释 🚀\n"
        + "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        + "kind: HelmRelease\n"
        + "metadata:\n"
        + "  name: podinfo\n"
        + "  namespace: "
        + env
        + "\n"
        + "spec:\n"
        + "  chart:\n"
        + "    spec:\n"
        + "      chart: podinfo\n"
        + "      version: "
        + quote
        + version
        + quote
        + "   # {\"$imagepolicy\": \"flux-system:podinfo-"
        + env
        + ":tag\"}\n"
        + "\n"
        + "  values: {replicaCount: 2}  # flow mapping stays\n";
  }

  static Map<String, String> fleetFiles() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("clusters/dev/podinfo.yaml", helmRelease("dev", "1.2.3", "\""));
    files.put("clusters/staging/podinfo.yaml", helmRelease("staging", "1.2.3", "'"));
    files.put("clusters/prod/podinfo.yaml", helmRelease("prod", "1.2.3", ""));
    files.put("clusters/prod/kustomization.yaml", "resources:\n  - podinfo.yaml\n");
    return files;
  }

  static UpdatePipeline pipeline(FakeOciRegistry registry, GitRemoteFixture fleet, Path work) {
    return builder(registry, fleet, work).build();
  }

  static UpdatePipeline.Builder builder(
      FakeOciRegistry registry, GitRemoteFixture fleet, Path work) {
    ArtifactRef chart = registry.chartRef("charts/podinfo");
    return UpdatePipeline.builder()
        .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
        .policy("flux-system:podinfo-dev", chart, SemverPolicy.of("1.x"))
        .policy("flux-system:podinfo-staging", chart, SemverPolicy.of("1.2.x"))
        .policy("flux-system:podinfo-prod", chart, SemverPolicy.of("1.2.3"))
        .patcher(SetterPatcher.create())
        .publisher(
            JGitPublisher.builder(fleet.url())
                .workDirectory(work)
                .baseBranch("main")
                .pushBranch("develop")
                .author("Upkeep", "upkeep@example.com")
                .build());
  }

  static void pushVersions(FakeOciRegistry registry, String... versions) {
    for (String v : versions) {
      registry.pushChart("charts/podinfo", v);
    }
  }

  @Test
  void pushesOneCommitToDevelopThatChangesOnlyTheVersionBytes(
      FakeOciRegistry registry, GitRemoteFixture fleet, @TempDir Path work) {
    pushVersions(registry, "1.0.0", "1.2.3", "1.2.4", "1.2.5", "1.3.0", "2.0.0", "1.4.0-rc.1");
    fleet.seed(fleetFiles());
    String mainBefore = fleet.head("main").orElseThrow();

    UpdateReport report = pipeline(registry, fleet, work).run();

    assertThat(report)
        .hasNoErrors()
        .selected("flux-system:podinfo-dev", "1.3.0")
        .selected("flux-system:podinfo-staging", "1.2.5")
        .selected("flux-system:podinfo-prod", "1.2.3")
        .changed("clusters/dev/podinfo.yaml", "1.2.3", "1.3.0")
        .changed("clusters/staging/podinfo.yaml", "1.2.3", "1.2.5")
        .didNotChange("clusters/prod/podinfo.yaml")
        .committedTo("develop");
    assertThat(fleet.readFile("develop", "clusters/dev/podinfo.yaml"))
        .hasValue(helmRelease("dev", "1.3.0", "\""));
    assertThat(fleet.readFile("develop", "clusters/staging/podinfo.yaml"))
        .hasValue(helmRelease("staging", "1.2.5", "'"));
    assertThat(fleet.readFile("develop", "clusters/prod/podinfo.yaml"))
        .hasValue(helmRelease("prod", "1.2.3", ""));
    assertThat(fleet.head("main")).hasValue(mainBefore);
    List<GitRemoteFixture.Commit> log = fleet.log("develop");
    assertThat(log.get(0).id()).isEqualTo(report.commit().orElseThrow());
    assertThat(log.get(0).parents()).containsExactly(mainBefore);
    assertThat(log.get(0).authorEmail()).isEqualTo("upkeep@example.com");
    assertThat(log.get(0).files())
        .containsExactlyInAnyOrder("clusters/dev/podinfo.yaml", "clusters/staging/podinfo.yaml");
  }

  @Test
  void aSecondRunWithNothingNewMakesNoCommit(
      FakeOciRegistry registry, GitRemoteFixture fleet, @TempDir Path work) {
    pushVersions(registry, "1.2.3", "1.2.5", "1.3.0");
    fleet.seed(fleetFiles());
    UpdateReport first = pipeline(registry, fleet, work.resolve("a")).run();
    String develop = fleet.head("develop").orElseThrow();

    UpdateReport second = pipeline(registry, fleet, work.resolve("b")).run();

    assertThat(first).committedTo("develop");
    assertThat(second).changedNothing().madeNoCommit();
    assertThat(fleet.head("develop")).hasValue(develop);
  }

  @Test
  void aMalformedManifestFailsAStrictRunNamingTheFileAndLeavesTheBranchesAlone(
      FakeOciRegistry registry, GitRemoteFixture fleet, @TempDir Path work) {
    pushVersions(registry, "1.2.3", "1.3.0");
    Map<String, String> files = fleetFiles();
    files.put(
        "clusters/dev/broken.yaml",
        "image: app:1.0 # {\"$imagepolicy\": \"flux-system:podinfo-dev\"}\n  bad: [unclosed\n");
    fleet.seed(files);
    List<String> branchesBefore = fleet.branches();
    String mainBefore = fleet.head("main").orElseThrow();

    assertThatThrownBy(() -> builder(registry, fleet, work).strict(true).build().run())
        .isInstanceOf(PatchException.class)
        .hasMessageContaining("clusters/dev/broken.yaml");

    assertThat(fleet.branches()).isEqualTo(branchesBefore);
    assertThat(fleet.head("main")).hasValue(mainBefore);
    assertThat(fleet.head("develop")).isEmpty();
  }

  @Test
  void planWritesNothingAnywhere(
      FakeOciRegistry registry, GitRemoteFixture fleet, @TempDir Path work) {
    pushVersions(registry, "1.2.3", "1.3.0");
    fleet.seed(fleetFiles());
    String mainBefore = fleet.head("main").orElseThrow();
    List<String> branchesBefore = fleet.branches();

    UpdateReport plan = pipeline(registry, fleet, work).plan();

    assertThat(plan).changed("clusters/dev/podinfo.yaml", "1.2.3", "1.3.0").madeNoCommit();
    assertThat(plan.publish()).isEmpty();
    assertThat(fleet.branches()).isEqualTo(branchesBefore);
    assertThat(fleet.head("main")).hasValue(mainBefore);
    assertThat(fleet.readFile("main", "clusters/dev/podinfo.yaml"))
        .hasValue(helmRelease("dev", "1.2.3", "\""));
  }
}
