package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against {@code git http-backend} behind a server that checks Basic auth. */
class HttpPublishIT {
  static final String DEV = "apps/dev/podinfo.yaml";
  static final String TOKEN = "ghp_secretTokenValue123";

  GitRemoteFixture remote;
  GitHttpServer server;
  @TempDir Path work;

  @BeforeEach
  void start() {
    remote = GitRemoteFixture.create().seed(Map.of(DEV, "version: 6.5.3\n"));
    server = GitHttpServer.serve(remote, "x-access-token", TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
    remote.close();
  }

  @Test
  void pushesWithATokenThatNeverLandsInTheCloneOrTheResult() throws Exception {
    JGitPublisher p =
        JGitPublisher.builder(server.url())
            .pushBranch("develop")
            .token(TOKEN)
            .workDirectory(work)
            .build();

    PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

    assertThat(result.pushed()).isTrue();
    assertThat(remote.readFile("develop", DEV)).contains("version: 6.5.4\n");
    assertThat(result.remote()).isEqualTo(server.url());
    assertThat(server.requests()).anyMatch(r -> r.startsWith("POST ") && r.endsWith(" ok"));
    assertNoFileUnderContains(work, TOKEN);
  }

  @Test
  void takesCredentialsWrittenIntoTheUrlOutOfIt() throws Exception {
    String url = server.url().replace("http://", "http://x-access-token:" + TOKEN + "@");
    JGitPublisher p = JGitPublisher.builder(url).pushBranch("develop").workDirectory(work).build();

    PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

    assertThat(result.pushed()).isTrue();
    assertThat(result.remote())
        .doesNotContain(TOKEN)
        .isEqualTo(server.url().replace("http://", "http://x-access-token@"));
    assertThat(p.toString()).doesNotContain(TOKEN);
    assertNoFileUnderContains(work, TOKEN);
  }

  @Test
  void failsWithAClearMessageOnWrongCredentialsAndNeverShowsThem() {
    JGitPublisher p =
        JGitPublisher.builder(server.url())
            .pushBranch("develop")
            .credentials("x-access-token", "wrong-secret-value")
            .workDirectory(work)
            .build();

    assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("cannot fetch from " + server.url())
        .hasMessageContaining("not authorized")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("wrong-secret-value"));
    assertThat(remote.branches()).containsExactly("main");
  }

  @Test
  void failsWithoutCredentials() {
    JGitPublisher p =
        JGitPublisher.builder(server.url()).pushBranch("develop").workDirectory(work).build();

    assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("cannot fetch from");
    assertThat(remote.branches()).containsExactly("main");
  }

  static String stackText(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }

  static void assertNoFileUnderContains(Path dir, String secret) throws Exception {
    int files = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files++;
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(secret);
      }
    }
    assertThat(files).as("files checked").isGreaterThan(3);
  }
}
