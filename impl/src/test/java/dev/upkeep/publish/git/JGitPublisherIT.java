package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.testing.GitRemoteFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitPublisherIT {
  static final String DEV = "apps/dev/podinfo.yaml";
  static final String PROD = "apps/prod/podinfo.yaml";
  static final String DEV_TEXT =
      "spec:\n  version: 6.5.3 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
  static final String PROD_TEXT = "spec:\n  version: 6.5.3\n";

  GitRemoteFixture remote;
  @TempDir Path work;

  @BeforeEach
  void seed() {
    remote = GitRemoteFixture.create().seed(Map.of(DEV, DEV_TEXT, PROD, PROD_TEXT));
  }

  @AfterEach
  void close() {
    remote.close();
  }

  JGitPublisher.Builder publisher() {
    return JGitPublisher.builder(remote.url())
        .pushBranch("develop")
        .author("Upkeep Bot", "bot@upkeep.test")
        .workDirectory(work);
  }

  @Nested
  class FreshPushBranch {
    @Test
    void pushesOneCommitByTheAuthorToANewBranchCreatedFromMain() {
      String main = remote.head("main").orElseThrow();

      PublishResult result = publisher().build().publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(result.pushed()).isTrue();
      assertThat(result.branch()).isEqualTo("develop");
      assertThat(result.baseBranch()).isEqualTo("main");
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.commit()).isEqualTo(remote.head("develop"));
      assertThat(remote.readFile("develop", DEV)).contains(DEV_TEXT.replace("6.5.3", "6.5.4"));
      assertThat(remote.readFile("develop", PROD)).contains(PROD_TEXT);
      assertThat(remote.head("main")).contains(main);
      GitRemoteFixture.Commit commit = remote.log("develop").get(0);
      assertThat(commit.parents()).containsExactly(main);
      assertThat(commit.authorName()).isEqualTo("Upkeep Bot");
      assertThat(commit.authorEmail()).isEqualTo("bot@upkeep.test");
      assertThat(commit.committerEmail()).isEqualTo("bot@upkeep.test");
      assertThat(commit.files()).containsExactly(DEV);
      assertThat(commit.message())
          .isEqualTo(
              "Update podinfo to 6.5.4\n\n- apps/dev/podinfo.yaml:2: 6.5.3 -> 6.5.4"
                  + " (flux-system:podinfo)");
    }

    @Test
    void reportsTheRemoteWithoutCredentials() {
      PublishResult result = publisher().build().publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(result.remote()).isEqualTo(remote.url());
    }

    @Test
    void makesNoCommitAndNoBranchWhenNothingChanges() {
      PublishResult result = publisher().build().publish(Updates.replace("9.9.9", "9.9.10", DEV));

      assertThat(result.pushed()).isFalse();
      assertThat(result.commit()).isEmpty();
      assertThat(remote.branches()).containsExactly("main");
    }

    @Test
    void makesNoCommitWhenTheUpdateRewritesFilesWithTheSameBytes() {
      PublishResult result = publisher().build().publish(Updates.replace("6.5.3", "6.5.3", DEV));

      assertThat(result.commit()).isEmpty();
      assertThat(remote.branches()).containsExactly("main");
    }

    @Test
    void pushesToTheBaseBranchWhenNoPushBranchIsSet() {
      String main = remote.head("main").orElseThrow();
      JGitPublisher p = JGitPublisher.builder(remote.url()).workDirectory(work).build();

      PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(result.branch()).isEqualTo("main");
      assertThat(remote.log("main")).hasSize(2);
      assertThat(remote.log("main").get(0).parents()).containsExactly(main);
    }
  }

  @Nested
  class Stack {
    @Test
    void addsOneCommitOnTopOfAnExistingPushBranch() {
      String human = remote.commit("develop", Map.of("notes.txt", "hello\n"), "Jane Doe", "Notes");
      // develop is a root commit of its own here: it must not matter
      PublishResult result =
          publisher().build().publish(Updates.replace("6.5.3", "6.5.4", DEV, "notes.txt"));

      // notes.txt holds no version; DEV does not exist on develop, so nothing to change
      assertThat(result.commit()).isEmpty();
      assertThat(remote.head("develop")).contains(human);
    }

    @Test
    void keepsAPersonsCommitsOnTheSharedBranch() {
      remote.createBranch("develop", "main");
      String human =
          remote.commit(
              "develop",
              Map.of(PROD, "spec:\n  version: 6.5.3\n# reviewed\n"),
              "Jane Doe",
              "Prod note");

      PublishResult result =
          publisher().build().publish(Updates.replace("6.5.3", "6.5.4", DEV, PROD));

      List<GitRemoteFixture.Commit> log = remote.log("develop");
      assertThat(log.get(0).id()).isEqualTo(result.commit().orElseThrow());
      assertThat(log.get(0).parents()).containsExactly(human);
      assertThat(log.get(0).files()).containsExactly(DEV, PROD);
      assertThat(remote.readFile("develop", PROD))
          .contains("spec:\n  version: 6.5.4\n# reviewed\n");
    }

    @Test
    void stacksASecondRunOnTheFirstAndReusesTheClone() {
      JGitPublisher p = publisher().build();
      String first = p.publish(Updates.replace("6.5.3", "6.5.4", DEV)).commit().orElseThrow();

      PublishResult second = p.publish(Updates.replace("6.5.4", "6.5.5", DEV));

      assertThat(remote.log("develop").get(0).parents()).containsExactly(first);
      assertThat(second.commit()).isEqualTo(remote.head("develop"));
      assertThat(remote.readFile("develop", DEV).orElseThrow()).contains("6.5.5");
    }

    @Test
    void aRunAfterAnUpToDateRunCommitsNothing() {
      JGitPublisher p = publisher().build();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      String head = remote.head("develop").orElseThrow();

      PublishResult again = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(again.commit()).isEmpty();
      assertThat(remote.head("develop")).contains(head);
    }
  }

  @Nested
  class Inspect {
    @Test
    void showsThePushBranchAndWritesNothing() {
      remote.createBranch("develop", "main");
      remote.commit("develop", Map.of(DEV, "spec:\n  version: 6.5.4\n"), "Jane Doe", "Bump");
      List<String> before = remote.branches();
      String head = remote.head("develop").orElseThrow();

      String seen =
          publisher()
              .build()
              .inspect(
                  tree -> {
                    try {
                      return Files.readString(tree.resolve(DEV));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });

      assertThat(seen).isEqualTo("spec:\n  version: 6.5.4\n");
      assertThat(remote.branches()).isEqualTo(before);
      assertThat(remote.head("develop")).contains(head);
    }

    @Test
    void showsTheBaseBranchWhenThePushBranchDoesNotExist() {
      Boolean seen = publisher().build().inspect(tree -> Files.exists(tree.resolve(PROD)));

      assertThat(seen).isTrue();
      assertThat(remote.branches()).containsExactly("main");
    }
  }

  @Nested
  class Failures {
    @Test
    void namesAMissingBaseBranch() {
      JGitPublisher p = publisher().baseBranch("trunk").build();

      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("has no branch \"trunk\"");
    }

    @Test
    void leavesTheRemoteAsItWasWhenTheUpdateFails() {
      JGitPublisher p = publisher().build();

      assertThatThrownBy(
              () ->
                  p.publish(
                      tree -> {
                        Updates.replace("6.5.3", "6.5.4", DEV).apply(tree);
                        throw new IllegalStateException("patcher broke");
                      }))
          .hasMessage("patcher broke");
      assertThat(remote.branches()).containsExactly("main");

      // the half-written tree is not carried into the next run
      PublishResult next = p.publish(tree -> new TreeChanges(List.of(), Map.of()));
      assertThat(next.commit()).isEmpty();
      assertThat(p.<String>inspect(tree -> readString(tree.resolve(DEV)))).isEqualTo(DEV_TEXT);
    }

    @Test
    void rejectsAnUnknownTemplateVariableAtBuildTime() {
      assertThatThrownBy(() -> publisher().messageTemplate("Bump ${version}").build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("${version}");
    }
  }

  static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
