package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitDaemon;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a real {@code git daemon}, where server-side hooks run. */
class GitDaemonPublishIT {
  static final String DEV = "apps/dev/podinfo.yaml";

  GitRemoteFixture remote;
  GitDaemon daemon;
  @TempDir Path work;

  @BeforeEach
  void start() {
    remote = GitRemoteFixture.create().seed(Map.of(DEV, "version: 6.5.3\n"));
    daemon = GitDaemon.serve(remote);
  }

  @AfterEach
  void stop() {
    daemon.close();
    remote.close();
  }

  JGitPublisher.Builder publisher() {
    return JGitPublisher.builder(daemon.url())
        .pushBranch("develop")
        .author("Upkeep Bot", "bot@upkeep.test")
        .workDirectory(work);
  }

  @Test
  void pushesAFreshBranchOverTheGitProtocol() {
    PublishResult result = publisher().build().publish(Updates.replace("6.5.3", "6.5.4", DEV));

    assertThat(result.pushed()).isTrue();
    assertThat(result.remote()).isEqualTo(daemon.url());
    assertThat(remote.readFile("develop", DEV)).contains("version: 6.5.4\n");
  }

  @Test
  void stacksOnAnExistingDevelopBranch() {
    remote.createBranch("develop", "main");
    String human = remote.commit("develop", Map.of("x.txt", "x\n"), "Jane Doe", "Mine");

    PublishResult result = publisher().build().publish(Updates.replace("6.5.3", "6.5.4", DEV));

    assertThat(remote.log("develop").get(0).id()).isEqualTo(result.commit().orElseThrow());
    assertThat(remote.log("develop").get(0).parents()).containsExactly(human);
  }

  @Test
  void rebuildsAStaleAutomationBranch() {
    JGitPublisher p = publisher().strategy(JGitPublisher.Strategy.REBUILD).build();
    p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
    String main = remote.commit("main", Map.of("README.md", "hi\n"), "Jane Doe", "Readme");

    PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.5", DEV));

    assertThat(remote.log("develop")).hasSize(3);
    assertThat(remote.log("develop").get(0).parents()).containsExactly(main);
    assertThat(result.commit()).isEqualTo(remote.head("develop"));
  }

  @Test
  void reportsAHookRejectionWithTheRemotesMessageAndLeavesTheBranchAlone() {
    remote.installHook(
        "pre-receive",
        "#!/bin/sh\necho 'develop is frozen until the release is out' >&2\nexit 1\n");
    remote.createBranch("develop", "main");
    String before = remote.head("develop").orElseThrow();
    Updates.CountingUpdate bump = Updates.replace("6.5.3", "6.5.4", DEV);

    assertThatThrownBy(() -> publisher().build().publish(bump))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("rejected the push to \"develop\"")
        .hasMessageContaining("pre-receive hook declined")
        .hasMessageContaining("develop is frozen until the release is out");
    assertThat(bump.calls).as("a rejection is not retried").hasValue(1);
    assertThat(remote.head("develop")).contains(before);
  }

  @Test
  void neverLosesACommitPushedBetweenFetchAndPush() {
    remote.createBranch("develop", "main");
    Updates.CountingUpdate bump = Updates.replace("6.5.3", "6.5.4", DEV);
    String[] human = new String[1];

    PublishResult result =
        publisher()
            .build()
            .publish(
                tree -> {
                  if (human[0] == null) {
                    human[0] = remote.commit("develop", Map.of("n.txt", "1\n"), "Jane", "Note");
                  }
                  return bump.apply(tree);
                });

    assertThat(result.attempts()).isEqualTo(2);
    List<GitRemoteFixture.Commit> log = remote.log("develop");
    assertThat(log.get(0).parents()).containsExactly(human[0]);
  }

  @Test
  void retriesWhenAPersonsPushTakesTheRefAfterTheServerReadItAndKeepsTheirCommit() {
    remote.createBranch("develop", "main");
    remote.createBranch("side", "main");
    String human = remote.commit("side", Map.of("n.txt", "1\n"), "Jane Doe", "Note");
    // Moves develop while receive-pack holds the run's push between reading and locking the ref,
    // as a person's push that wins the race does; once.
    remote.installHook(
        "pre-receive",
        "#!/bin/sh\ncat >/dev/null\nif [ ! -f raced ]; then touch raced\n"
            + "  env -u GIT_QUARANTINE_PATH git update-ref refs/heads/develop "
            + human
            + "\nfi\n");
    Updates.CountingUpdate bump = Updates.replace("6.5.3", "6.5.4", DEV);

    PublishResult result = publisher().build().publish(bump);

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(remote.log("develop").get(0).id()).isEqualTo(result.commit().orElseThrow());
    assertThat(remote.log("develop").get(0).parents()).containsExactly(human);
  }
}
