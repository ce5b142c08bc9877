package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher over SSH (JGit's Apache MINA transport) against a MINA server with key auth. */
class SshPublishIT {
  static final String DEV = "apps/dev/podinfo.yaml";

  GitRemoteFixture remote;
  GitSshServer server;
  @TempDir Path keys;
  @TempDir Path work;
  Path key;
  Path knownHosts;

  @BeforeEach
  void start() throws Exception {
    remote = GitRemoteFixture.create().seed(Map.of(DEV, "version: 6.5.3\n"));
    key = sshKeygen(keys, "id_ed25519");
    server = GitSshServer.start(remote, keys.resolve("id_ed25519.pub"));
    knownHosts = keys.resolve("known_hosts");
    GitSshServer.writeKnownHosts(knownHosts, server.knownHostsLine());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    remote.close();
  }

  static Path sshKeygen(Path dir, String name) throws Exception {
    Path key = dir.resolve(name);
    Process p =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "bot@upkeep.test",
                "-f",
                key.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return key;
  }

  JGitPublisher.Builder publisher() {
    return JGitPublisher.builder(server.url())
        .pushBranch("develop")
        .author("Upkeep Bot", "bot@upkeep.test")
        .sshKey(key)
        .knownHosts(knownHosts)
        .sshHome(keys.resolve("home"))
        .workDirectory(work);
  }

  @Test
  void pushesWithAnEd25519KeyToAKnownHost() {
    try (JGitPublisher p = publisher().build()) {
      PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(result.pushed()).isTrue();
      assertThat(result.remote()).isEqualTo(server.url());
      assertThat(remote.readFile("develop", DEV)).contains("version: 6.5.4\n");
    }
  }

  @Test
  void refusesAServerWhoseKeyIsNotInKnownHosts() throws Exception {
    Files.writeString(knownHosts, "");
    try (JGitPublisher p = publisher().build()) {
      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("cannot fetch from " + server.url());
    }
    assertThat(remote.branches()).containsExactly("main");
  }

  @Test
  void failsWithAKeyTheServerDoesNotKnow() throws Exception {
    Path other = sshKeygen(keys, "other");
    try (JGitPublisher p = publisher().sshKey(other).build()) {
      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("cannot fetch from " + server.url());
    }
    assertThat(remote.branches()).containsExactly("main");
  }

  static GitCli cli(Path home) {
    return new GitCli(home);
  }
}
