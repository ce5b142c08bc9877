package dev.upkeep.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code --group-by artifact} against a real bare remote and the in-process registry. */
@ExtendWith(UpkeepExtension.class)
class ArtifactGroupsIT {

  static String chart(String version) {
    return "version: " + version + " # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
  }

  static String web(FakeOciRegistry registry, String tag) {
    return "image: "
        + registry.host()
        + "/org/web:"
        + tag
        + " # {\"$imagepolicy\": \"flux-system:web\"}\n";
  }

  /** podinfo 6.5.0 and 6.5.4, web 1.2.3 and 1.3.0; main pins podinfo 6.5.0 and web 1.2.3. */
  static void seed(FakeOciRegistry registry, GitRemoteFixture remote) {
    registry.pushChart("charts/podinfo", "6.5.0");
    registry.pushChart("charts/podinfo", "6.5.4");
    registry.pushImage("org/web", "1.2.3");
    registry.pushImage("org/web", "1.3.0");
    remote.seed(
        Map.of("apps/podinfo.yaml", chart("6.5.0"), "apps/web.yaml", web(registry, "1.2.3")));
  }

  static ArtifactGroups groups(
      FakeOciRegistry registry,
      GitRemoteFixture remote,
      Path work,
      dev.upkeep.publish.ChangeRequestOpener forge) {
    JGitPublisher.Builder git =
        JGitPublisher.builder(remote.url())
            .workDirectory(work)
            .baseBranch("main")
            .author("Upkeep", "upkeep@example.com")
            .strategy(JGitPublisher.Strategy.REBUILD);
    UpdatePipeline pipeline =
        UpdatePipeline.builder()
            .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
            .policy(
                "flux-system:podinfo", registry.chartRef("charts/podinfo"), SemverPolicy.of("6.x"))
            .policy("flux-system:web", registry.imageRef("org/web"), SemverPolicy.of("1.x"))
            .patcher(SetterPatcher.create())
            .publisher(git.pushBranch("upkeep/update").build())
            .changeRequests(forge)
            .build();
    return ArtifactGroups.builder(pipeline, "main", b -> git.pushBranch(b).build()).build();
  }

  @Test
  void pushesOneBranchAndPullRequestPerArtifactUpdatesThemAndClosesWhatTheBaseHas(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path work) {
    seed(registry, remote);
    InMemoryForge forge = new InMemoryForge();
    registry.clearRequests();

    ArtifactGroups.Result first = groups(registry, remote, work, forge).run();

    assertThat(first.hasErrors()).isFalse();
    // the plan and the group runs share one tag listing per artifact
    assertThat(registry.requests())
        .filteredOn(r -> r.path().endsWith("/tags/list"))
        .extracting(r -> r.path())
        .containsExactlyInAnyOrder("/v2/charts/podinfo/tags/list", "/v2/org/web/tags/list");
    assertThat(first.groups())
        .extracting(ArtifactGroups.Group::branch)
        .containsExactly("upkeep/update-podinfo", "upkeep/update-web");
    assertThat(remote.readFile("upkeep/update-podinfo", "apps/podinfo.yaml"))
        .hasValue(chart("6.5.4"));
    assertThat(remote.readFile("upkeep/update-podinfo", "apps/web.yaml"))
        .hasValue(web(registry, "1.2.3"));
    assertThat(remote.readFile("upkeep/update-web", "apps/web.yaml"))
        .hasValue(web(registry, "1.3.0"));
    assertThat(remote.readFile("upkeep/update-web", "apps/podinfo.yaml")).hasValue(chart("6.5.0"));
    assertThat(forge.pulls).hasSize(2);
    assertThat(forge.from("upkeep/update-podinfo").title).isEqualTo("Update versions: podinfo");
    assertThat(forge.from("upkeep/update-podinfo").body)
        .contains("6.5.4")
        .doesNotContain("has no selection");
    assertThat(remote.branches()).doesNotContain("upkeep/update");

    // a newer chart: the chart's branch and pull request move, no third pull request
    registry.pushChart("charts/podinfo", "6.5.5");
    ArtifactGroups.Result second = groups(registry, remote, work, forge).run();

    assertThat(second.hasErrors()).isFalse();
    assertThat(remote.readFile("upkeep/update-podinfo", "apps/podinfo.yaml"))
        .hasValue(chart("6.5.5"));
    assertThat(forge.pulls).hasSize(2);
    assertThat(forge.from("upkeep/update-podinfo").updates).isEqualTo(1);
    assertThat(forge.from("upkeep/update-podinfo").body).contains("6.5.5");

    // a person merges the web update: its pull request is closed with a comment
    remote.commit("main", Map.of("apps/web.yaml", web(registry, "1.3.0")), "Person", "merge web");
    ArtifactGroups.Result third = groups(registry, remote, work, forge).run();

    assertThat(third.hasErrors()).isFalse();
    assertThat(third.groups().get(1).closed()).isPresent();
    assertThat(forge.from("upkeep/update-web").open).isFalse();
    assertThat(forge.from("upkeep/update-web").comments)
        .singleElement()
        .asString()
        .contains("`main` already has", "`flux-system:web` 1.3.0");
    assertThat(forge.from("upkeep/update-podinfo").open).isTrue();
    assertThat(forge.pulls).hasSize(2);
  }

  @Test
  void aRefusedBranchDoesNotHoldBackTheOtherArtifacts(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path work) {
    seed(registry, remote);
    remote.createBranch("upkeep/update-podinfo", "main");
    remote.commit(
        "upkeep/update-podinfo", Map.of("notes.txt", "mine\n"), "Person", "a person's work");
    InMemoryForge forge = new InMemoryForge();

    ArtifactGroups.Result result = groups(registry, remote, work, forge).run();

    assertThat(result.hasErrors()).isTrue();
    assertThat(result.groups().get(0).error())
        .hasValueSatisfying(m -> assertThat(m).contains("Person"));
    assertThat(remote.readFile("upkeep/update-podinfo", "notes.txt")).hasValue("mine\n");
    assertThat(remote.readFile("upkeep/update-web", "apps/web.yaml"))
        .hasValue(web(registry, "1.3.0"));
    assertThat(forge.pulls).extracting(p -> p.source).containsExactly("upkeep/update-web");
  }

  @Test
  void anOpenerThatCannotListStillOpensOnePullRequestPerArtifact(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path work) {
    seed(registry, remote);
    InMemoryForge forge = new InMemoryForge();
    // only openOrUpdate, as openers written before grouping are
    dev.upkeep.publish.ChangeRequestOpener openOnly = forge::openOrUpdate;
    ArtifactGroups.Result first = groups(registry, remote, work, openOnly).run();
    remote.commit("main", Map.of("apps/web.yaml", web(registry, "1.3.0")), "Person", "merge web");

    ArtifactGroups.Result second = groups(registry, remote, work, openOnly).run();

    assertThat(first.hasErrors()).isFalse();
    assertThat(second.hasErrors()).isFalse();
    assertThat(forge.pulls)
        .extracting(p -> p.source)
        .containsExactly("upkeep/update-podinfo", "upkeep/update-web");
    assertThat(forge.from("upkeep/update-web").open).isTrue();
  }
}
