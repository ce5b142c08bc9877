package dev.upkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitRemoteFixtureIT {

  @Test
  void seedsMainAndReadsFilesBack() {
    try (GitRemoteFixture remote = GitRemoteFixture.create()) {
      remote.seed(Map.of("a/b.yaml", "x: 1\r\n", "c.txt", "ü\n"));

      assertThat(remote.branches()).containsExactly("main");
      assertThat(remote.readFile("main", "a/b.yaml")).contains("x: 1\r\n");
      assertThat(remote.readBytes("main", "c.txt").orElseThrow())
          .isEqualTo("ü\n".getBytes(StandardCharsets.UTF_8));
      assertThat(remote.readFile("main", "missing")).isEmpty();
      assertThat(remote.readFile("nope", "c.txt")).isEmpty();
      assertThat(remote.files("main")).containsExactly("a/b.yaml", "c.txt");
    }
  }

  @Test
  void logsCommitsNewestFirstWithAuthorAndFiles() {
    try (GitRemoteFixture remote = GitRemoteFixture.create()) {
      String first = remote.seed(Map.of("a.txt", "1\n")).head("main").orElseThrow();
      String second = remote.commit("main", Map.of("b.txt", "2\n"), "Jane Doe", "Add b\n\nBody");

      List<GitRemoteFixture.Commit> log = remote.log("main");

      assertThat(log).extracting(GitRemoteFixture.Commit::id).containsExactly(second, first);
      assertThat(log.get(0).authorName()).isEqualTo("Jane Doe");
      assertThat(log.get(0).authorEmail()).isEqualTo("jane.doe@example.test");
      assertThat(log.get(0).subject()).isEqualTo("Add b");
      assertThat(log.get(0).message()).isEqualTo("Add b\n\nBody");
      assertThat(log.get(0).files()).containsExactly("b.txt");
      assertThat(log.get(0).parents()).containsExactly(first);
      assertThat(log.get(0).signed()).isFalse();
      assertThat(log.get(1).parents()).isEmpty();
    }
  }

  @Test
  void branchesAndDeletesFiles() {
    try (GitRemoteFixture remote = GitRemoteFixture.create()) {
      remote.seed(Map.of("a.txt", "1\n", "b.txt", "2\n"));
      remote.createBranch("develop", "main");
      remote.commitBytes("develop", Map.of(), List.of("a.txt"), "Jane Doe", "Drop a");

      assertThat(remote.branches()).containsExactly("develop", "main");
      assertThat(remote.files("develop")).containsExactly("b.txt");
      assertThat(remote.files("main")).containsExactly("a.txt", "b.txt");
      assertThat(remote.head("gone")).isEmpty();
      remote.deleteBranch("develop");
      assertThat(remote.branches()).containsExactly("main");
    }
  }

  @Test
  void sameCallsGiveTheSameCommitIds() {
    try (GitRemoteFixture a = GitRemoteFixture.create();
        GitRemoteFixture b = GitRemoteFixture.create()) {
      a.seed(Map.of("a.txt", "1\n"));
      b.seed(Map.of("a.txt", "1\n"));

      assertThat(a.head("main")).isEqualTo(b.head("main"));
    }
  }

  @Test
  void closeDeletesTheRepository() {
    GitRemoteFixture remote = GitRemoteFixture.create();
    java.nio.file.Path dir = remote.directory();

    remote.close();

    assertThat(dir).doesNotExist();
  }
}
