package dev.upkeep.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.UpdatePipeline;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} judges a change by its base: a change that loosens its own policy, points its
 * artifact elsewhere or swaps a pinned digest fails, however the change rewrote the Flux objects.
 */
class ChangeVerifierBaseTest {

  @TempDir Path repo;
  FakeOciRegistry registry;
  FakeOciRegistry evil;
  String digest123;
  String digest124;
  String digest130;

  String objects(String image, String range, String extra) {
    return "apiVersion: image.toolkit.fluxcd.io/v1beta2\n"
        + "kind: ImageRepository\n"
        + "metadata: {name: app, namespace: flux-system}\n"
        + "spec:\n"
        + "  image: "
        + image
        + "\n"
        + extra
        + "---\n"
        + "apiVersion: image.toolkit.fluxcd.io/v1beta2\n"
        + "kind: ImagePolicy\n"
        + "metadata: {name: app, namespace: flux-system}\n"
        + "spec:\n"
        + "  imageRepositoryRef: {name: app}\n"
        + "  policy: {semver: {range: '"
        + range
        + "'}}\n";
  }

  static String deployment(String image) {
    return "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
        + "          image: "
        + image
        + " # {\"$imagepolicy\": \"flux-system:app\"}\n";
  }

  static String split(String name, String tag) {
    return "spec:\n  values:\n    image:\n"
        + "      repository: "
        + name
        + " # {\"$imagepolicy\": \"flux-system:app:name\"}\n"
        + "      tag: "
        + tag
        + " # {\"$imagepolicy\": \"flux-system:app:tag\"}\n";
  }

  String app() {
    return registry.host() + "/org/app";
  }

  @BeforeEach
  void commitTheBase() throws Exception {
    registry = FakeOciRegistry.start();
    evil = FakeOciRegistry.start();
    digest123 = registry.pushImage("org/app", "1.2.3");
    digest124 = registry.pushImage("org/app", "1.2.4");
    digest130 = registry.pushImage("org/app", "1.3.0");
    registry.pushImage("org/other", "1.2.4");
    registry.pushImage("other/app", "1.2.4");
    evil.pushImage("org/app", "1.2.4");
    write("flux/app.yaml", objects(app(), "1.2.x", ""));
    write("apps/app.yaml", deployment(app() + ":1.2.3"));
    write("apps/pinned.yaml", deployment(app() + ":1.2.3@" + digest123));
    write("apps/split.yaml", split(app(), "1.2.3"));
    Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call().close();
    commit();
  }

  static String release(String chart) {
    return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        + "metadata: {name: web, namespace: apps}\nspec:\n  chart:\n    spec:\n      chart: "
        + chart
        + "\n      sourceRef: {kind: HelmRepository, name: charts}\n  values:\n    replicas: "
        + chart.length()
        + "\n";
  }

  void commit() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("more")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call();
    }
  }

  @AfterEach
  void stop() {
    registry.close();
    evil.close();
  }

  void write(String file, String content) throws IOException {
    Path p = repo.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  /** The pipeline a host builds from the Flux objects of a tree, as the command line does. */
  UpdatePipeline pipelineFrom(Path root) {
    FluxAutomation flux = FluxAutomation.load(root);
    OciRegistrySource.Builder source = OciRegistrySource.builder();
    source.insecureRegistry(registry.host()).insecureRegistry(evil.host());
    UpdatePipeline.Builder b =
        UpdatePipeline.builder()
            .source(source.build())
            .patcher(SetterPatcher.create())
            .publisher(GitPublisher.inPlace(repo));
    return flux.configure(b).build();
  }

  VerifyReport verify() {
    return ChangeVerifier.fromBase(this::pipelineFrom).verify(repo, "main");
  }

  static List<String> problems(VerifyReport report) {
    return report.checks().stream().flatMap(c -> c.problems().stream()).toList();
  }

  @Test
  void passesAVersionBumpWithinTheBasePolicy() throws IOException {
    write("apps/app.yaml", deployment(app() + ":1.2.4"));
    write("apps/pinned.yaml", deployment(app() + ":1.2.4@" + digest124));
    write("apps/split.yaml", split(app(), "1.2.4"));
    VerifyReport report = verify();
    assertThat(problems(report)).isEmpty();
    assertThat(report.checks()).hasSize(3);
    assertThat(report.passed()).isTrue();
  }

  @Nested
  class FailsAChangeThat {

    @Test
    void widensItsOwnRange() throws IOException {
      write("flux/app.yaml", objects(app(), ">=0.0.0", ""));
      write("apps/app.yaml", deployment(app() + ":1.3.0"));
      VerifyReport report = verify();
      assertThat(report.passed()).isFalse();
      assertThat(problems(report))
          .contains("1.3.0 does not satisfy semver 1.2.x of policy flux-system:app")
          .anySatisfy(
              p ->
                  assertThat(p)
                      .startsWith("policy flux-system:app changed in this change")
                      .contains("spec.policy.semver.range: \"1.2.x\" -> \">=0.0.0\"")
                      .contains("judged by the base's \"semver 1.2.x\""));
    }

    @Test
    void pointsTheArtifactAtAnotherRegistryHost() throws IOException {
      write("flux/app.yaml", objects(evil.host() + "/org/app", "1.2.x", ""));
      write("apps/app.yaml", deployment(evil.host() + "/org/app:1.2.4"));
      VerifyReport report = verify();
      assertThat(report.passed()).isFalse();
      assertThat(problems(report))
          .anySatisfy(
              p ->
                  assertThat(p)
                      .contains("the image name changed from \"" + app() + "\"")
                      .contains("to \"" + evil.host() + "/org/app\""))
          .anySatisfy(p -> assertThat(p).contains("spec.image: \"" + app() + "\" -> \""));
    }

    @Test
    void changesTheHostOfTheValueAlone() throws IOException {
      write("apps/app.yaml", deployment(evil.host() + "/org/app:1.2.4"));
      assertThat(problems(verify()))
          .singleElement()
          .satisfies(p -> assertThat(p).contains("the image name changed").contains(evil.host()));
    }

    @Test
    void changesTheRepositoryPath() throws IOException {
      write("apps/app.yaml", deployment(registry.host() + "/other/app:1.2.4"));
      assertThat(problems(verify()))
          .singleElement()
          .satisfies(p -> assertThat(p).contains("to \"" + registry.host() + "/other/app\""));
    }

    @Test
    void changesTheImageName() throws IOException {
      write("apps/split.yaml", split(registry.host() + "/org/other", "1.2.4"));
      VerifyReport report = verify();
      assertThat(problems(report))
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p)
                      .contains("the image name changed from \"" + app() + "\"")
                      .contains("only the version may change"));
    }

    @Test
    void swapsThePinnedDigest() throws IOException {
      write("apps/pinned.yaml", deployment(app() + ":1.2.4@" + digest130));
      assertThat(problems(verify()))
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p)
                      .isEqualTo(
                          "the pinned digest changed to "
                              + digest130
                              + ", but policy flux-system:app selects "
                              + digest124
                              + " for 1.2.4"));
    }

    @Test
    void dropsThePinnedDigest() throws IOException {
      write("apps/pinned.yaml", deployment(app() + ":1.2.4"));
      assertThat(problems(verify()))
          .singleElement()
          .satisfies(p -> assertThat(p).contains("pinned digest").contains("was dropped"));
    }

    @Test
    void changesTheChartAHelmReleaseInstalls() throws Exception {
      write("apps/release.yaml", release("app"));
      commit();
      write("apps/release.yaml", release("other"));
      assertThat(problems(verify()))
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p)
                      .isEqualTo(
                          "HelmRelease apps/web changed in this change (spec.chart.spec.chart:"
                              + " \"app\" -> \"other\"); judged by the base's"));
    }

    @Test
    void marksItsRegistryInsecure() throws IOException {
      write("flux/app.yaml", objects(app(), "1.2.x", "  insecure: true\n"));
      write("apps/app.yaml", deployment(app() + ":1.2.4"));
      VerifyReport report = verify();
      assertThat(report.passed()).isFalse();
      assertThat(problems(report))
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p)
                      .startsWith("policy flux-system:app changed in this change")
                      .contains("spec.insecure: \"\" -> \"true\""));
    }
  }
}
