package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import dev.upkeep.testing.GitRemoteFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteDefaultBranchIT {

  @Test
  void readsTheBranchTheRemotesHeadPointsTo(@TempDir Path work) {
    try (GitRemoteFixture remote = GitRemoteFixture.create()) {
      remote.seed(Map.of("a.yaml", "a: 1\n"));
      JGitPublisher publisher = JGitPublisher.builder(remote.url()).workDirectory(work).build();
      assertThat(publisher.remoteDefaultBranch()).hasValue("main");

      remote.createBranch("master", "main");
      remote.git("symbolic-ref", "HEAD", "refs/heads/master");
      assertThat(publisher.remoteDefaultBranch()).hasValue("master");
    }
  }

  @Test
  void namesARemoteThatCannotBeAsked(@TempDir Path work) {
    JGitPublisher publisher =
        JGitPublisher.builder(work.resolve("missing.git").toUri().toString())
            .workDirectory(work.resolve("w"))
            .build();
    assertThatThrownBy(publisher::remoteDefaultBranch)
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("cannot ask")
        .hasMessageContaining("for its default branch");
  }
}
