package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.source.RegistrySource;
import dev.upkeep.testing.GitRemoteFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A host that closes its pipeline is left with no clone on disk, however many runs it made. */
class ClosingPipelineIT {

  static final ArtifactRef APP = ArtifactRef.parse("registry.test/org/app");

  static final RegistrySource TAGS =
      new RegistrySource() {
        @Override
        public List<String> listTags(ArtifactRef ref) {
          return List.of("1.0.0", "1.1.0");
        }

        @Override
        public Optional<String> digest(ArtifactRef ref, String tag) {
          return Optional.empty();
        }
      };

  @Test
  void closingThePipelineDeletesTheTemporaryCloneItsPublisherMade() {
    try (GitRemoteFixture remote = GitRemoteFixture.create()) {
      remote.seed(
          Map.of("app.yaml", "image: app:1.0.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n"));
      JGitPublisher publisher =
          JGitPublisher.builder(remote.url())
              .pushBranch("upkeep")
              .author("Upkeep", "upkeep@example.com")
              .build(); // no work directory: it makes a temporary one
      UpdatePipeline pipeline =
          UpdatePipeline.builder()
              .source(TAGS)
              .policy("flux-system:app", APP, SemverPolicy.of("1.x"))
              .patcher(SetterPatcher.create())
              .publisher(publisher)
              .build();

      UpdateReport first = pipeline.run();
      UpdateReport second = pipeline.run();
      Path clone = publisher.workDirectory();
      assertThat(first.commit()).isPresent();
      assertThat(second.changed()).isFalse();
      assertThat(clone).isDirectory();

      pipeline.close();

      assertThat(Files.exists(clone)).as("temporary work directory " + clone).isFalse();
    }
  }
}
