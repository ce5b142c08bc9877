package dev.upkeep.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionTest {

  @TempDir Path root;
  @TempDir Path outside;

  static String release(String version, String policy) {
    return "spec:\n  chart:\n    spec:\n      version: "
        + version
        + " # {\"$imagepolicy\": \""
        + policy
        + ":tag\"}\n";
  }

  Map<String, UpdatePipeline.Policy> policies() {
    ArtifactRef app = ArtifactRef.parse("oci://ghcr.io/org/charts/app");
    return UpdatePipeline.builder()
        .source(
            new RegistrySource() {
              @Override
              public List<String> listTags(ArtifactRef ref) {
                return List.of();
              }

              @Override
              public Optional<String> digest(ArtifactRef ref, String tag) {
                return Optional.empty();
              }
            })
        .policy("fs:staging", app, SemverPolicy.of("1.x"))
        .policy("fs:prod", app, SemverPolicy.of("1.x"))
        .patcher(SetterPatcher.create())
        .publisher(GitPublisher.inPlace(root))
        .build()
        .policies();
  }

  void write(Path base, String file, String content) throws IOException {
    Path p = base.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void proposesTheSourceVersionForTheSameFileOfTheTarget() throws IOException {
    write(root, "clusters/staging/app.yaml", release("1.3.0", "fs:staging"));
    write(root, "clusters/prod/app.yaml", release("1.2.0", "fs:prod"));
    Promotion p = Promotion.between(root, "clusters/staging", "clusters/prod", policies());
    assertThat(p.steps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.file()).isEqualTo("clusters/prod/app.yaml");
              assertThat(s.from()).isEqualTo("1.2.0");
              assertThat(s.to()).isEqualTo("1.3.0");
            });
  }

  @Test
  void neverReadsThroughALinkToOutsideTheRepository() throws IOException {
    write(outside, "app.yaml", release("9.9.9", "fs:staging"));
    Files.createDirectories(root.resolve("clusters/staging"));
    Files.createSymbolicLink(
        root.resolve("clusters/staging/app.yaml"), outside.resolve("app.yaml"));
    write(root, "clusters/prod/app.yaml", release("1.2.0", "fs:prod"));
    assertThat(Promotion.between(root, "clusters/staging", "clusters/prod", policies()).steps())
        .isEmpty();
  }

  @Test
  void neverWalksADirectoryThatIsALinkToOutsideTheRepository() throws IOException {
    write(outside, "staging/app.yaml", release("9.9.9", "fs:staging"));
    write(outside, "prod/app.yaml", release("1.0.0", "fs:prod"));
    Files.createDirectories(root.resolve("clusters"));
    Files.createSymbolicLink(root.resolve("clusters/staging"), outside.resolve("staging"));
    write(root, "clusters/prod/app.yaml", release("1.2.0", "fs:prod"));
    assertThatThrownBy(
            () -> Promotion.between(root, "clusters/staging", "clusters/prod", policies()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no directory \"clusters/staging\"");
    Files.createDirectories(root.resolve("clusters/qa"));
    Files.createSymbolicLink(root.resolve("clusters/qa/nested"), outside.resolve("prod"));
    write(root, "clusters/staging2/nested/app.yaml", release("1.5.0", "fs:staging"));
    assertThat(Promotion.between(root, "clusters/staging2", "clusters/qa", policies()).steps())
        .isEmpty();
  }
}
