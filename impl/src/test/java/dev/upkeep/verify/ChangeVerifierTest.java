package dev.upkeep.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeVerifierTest {

  @TempDir Path repo;
  FakeOciRegistry registry;

  static String release(String version, String policy) {
    return "spec:\n  chart:\n    spec:\n      version: "
        + version
        + " # {\"$imagepolicy\": \""
        + policy
        + ":tag\"}\n";
  }

  @BeforeEach
  void commitTheBase() throws Exception {
    registry = FakeOciRegistry.start();
    registry.pushChart("charts/podinfo", "1.2.3");
    registry.pushChart("charts/podinfo", "1.2.5");
    registry.pushChart("charts/podinfo", "1.3.0");
    registry.pushImage("org/app", "1.2.4");
    Files.writeString(repo.resolve("staging.yaml"), release("1.2.3", "fs:staging"));
    Files.writeString(repo.resolve("image.yaml"), release("1.2.3", "fs:image"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("base")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call();
    }
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  VerifyReport verify() {
    UpdatePipeline pipeline =
        UpdatePipeline.builder()
            .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
            .policy("fs:staging", registry.chartRef("charts/podinfo"), SemverPolicy.of("1.2.x"))
            .policy("fs:image", registry.imageRef("org/app"), SemverPolicy.of("1.x"))
            .patcher(SetterPatcher.create())
            .publisher(GitPublisher.inPlace(repo))
            .build();
    return ChangeVerifier.of(pipeline).verify(repo, "main");
  }

  @Test
  void passesAChangeThePolicyAllowsAndAnImageThatIsNoChart() throws Exception {
    Files.writeString(repo.resolve("staging.yaml"), release("1.2.5", "fs:staging"));
    Files.writeString(repo.resolve("image.yaml"), release("1.2.4", "fs:image"));
    VerifyReport report = verify();
    assertThat(report.checks()).hasSize(2).allSatisfy(c -> assertThat(c.problems()).isEmpty());
    assertThat(report.passed()).isTrue();
  }

  @Test
  void failsAVersionOutsideThePolicyOrMissingFromTheRegistry() throws Exception {
    Files.writeString(repo.resolve("staging.yaml"), release("1.3.0", "fs:staging"));
    Files.writeString(repo.resolve("image.yaml"), release("1.9.9", "fs:image"));
    VerifyReport report = verify();
    assertThat(report.passed()).isFalse();
    assertThat(report.check("staging.yaml", 4).orElseThrow().problems())
        .containsExactly("1.3.0 does not satisfy semver 1.2.x of policy fs:staging");
    assertThat(report.check("image.yaml", 4).orElseThrow().problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p).isEqualTo("1.9.9 does not exist in " + registry.imageRef("org/app")));
    assertThat(report.toText()).contains("2 of 2 changes failed verification");
  }

  @Test
  void judgesOnlyThisChangeWhenTheBaseMovedOnSinceItForked() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.branchCreate().setName("pr").call();
      Files.writeString(repo.resolve("staging.yaml"), release("1.2.5", "fs:staging"));
      git.commit()
          .setAll(true)
          .setMessage("staging moves on main")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call();
      git.checkout().setName("pr").call();
    }
    Files.writeString(repo.resolve("image.yaml"), release("1.2.4", "fs:image"));
    VerifyReport report = verify();
    assertThat(report.checks())
        .singleElement()
        .satisfies(c -> assertThat(c.file()).isEqualTo("image.yaml"));
    assertThat(report.passed()).isTrue();
  }

  @Test
  void namesTheFileAndLineOfAChangedFileThatDoesNotParseOnce() throws Exception {
    Files.writeString(
        repo.resolve("staging.yaml"), release("1.2.5", "fs:staging") + "  values: a: b\n");
    VerifyReport report = verify();
    assertThat(report.passed()).isFalse();
    assertThat(report.toText())
        .startsWith("FAILED staging.yaml:5  does not parse as YAML: ")
        .containsOnlyOnce("staging.yaml");
  }

  @Test
  void reportsNothingWhenNoVersionChanged() {
    assertThat(verify().checks()).isEmpty();
    assertThat(verify().toText()).isEqualTo("no version changed since main\n");
  }

  @Test
  void namesAMissingBase() {
    UpdatePipeline pipeline =
        UpdatePipeline.builder()
            .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
            .policy("fs:staging", registry.chartRef("charts/podinfo"), SemverPolicy.of("1.2.x"))
            .patcher(SetterPatcher.create())
            .publisher(GitPublisher.inPlace(repo))
            .build();
    assertThatThrownBy(() -> ChangeVerifier.of(pipeline).verify(repo, "nope"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("base \"nope\" is not a branch, tag or commit");
  }
}
