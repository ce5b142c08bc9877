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
                  + " (flux-system:podinfo)\n\nUpkeep-Automation: upkeep");
    }

    @Test
    void commitsAsTheCommitterWithASignedOffByTrailerAndACustomTemplate() {
      publisher()
          .committer("CI", "ci@upkeep.test")
          .signOff(true)
          .messageTemplate("chore(${automation}): ${summary}")
          .automation("fleet")
          .build()
          .publish(Updates.replace("6.5.3", "6.5.4", DEV));

      GitRemoteFixture.Commit commit = remote.log("develop").get(0);
      assertThat(commit.authorEmail()).isEqualTo("bot@upkeep.test");
      assertThat(commit.committerName()).isEqualTo("CI");
      assertThat(commit.message())
          .isEqualTo(
              "chore(fleet): Update podinfo to 6.5.4\n\n"
                  + "Upkeep-Automation: fleet\nSigned-off-by: CI <ci@upkeep.test>");
    }

    @Test
    void usesACommitMessageWriterInsteadOfTheTemplate() {
      publisher()
          .commitMessage((changes, tree) -> "Flux-style: " + changes.changeCount() + " change")
          .build()
          .publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(remote.log("develop").get(0).message())
          .isEqualTo("Flux-style: 1 change\n\nUpkeep-Automation: upkeep");
    }

    @Test
    void deletesItsTemporaryWorkDirectoryWhenClosed() {
      JGitPublisher p = JGitPublisher.builder(remote.url()).pushBranch("develop").build();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      Path dir = p.workDirectory();
      assertThat(dir.resolve("clone/.git")).isDirectory();

      p.close();

      assertThat(dir).doesNotExist();
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
    void worksFromAShallowClone() {
      remote.commit("main", Map.of("a.txt", "1\n"), "Jane Doe", "One");
      remote.commit("main", Map.of("a.txt", "2\n"), "Jane Doe", "Two");
      remote.createBranch("develop", "main");
      String human = remote.commit("develop", Map.of("b.txt", "x\n"), "Jane Doe", "Three");
      JGitPublisher p = publisher().depth(1).build();

      String first = p.publish(Updates.replace("6.5.3", "6.5.4", DEV)).commit().orElseThrow();
      remote.commit("develop", Map.of("c.txt", "y\n"), "Jane Doe", "Four");
      PublishResult second = p.publish(Updates.replace("6.5.4", "6.5.5", DEV));

      List<GitRemoteFixture.Commit> log = remote.log("develop");
      assertThat(log).hasSize(7);
      assertThat(log.get(2).id()).isEqualTo(first);
      assertThat(log.get(2).parents()).containsExactly(human);
      assertThat(log.get(0).id()).isEqualTo(second.commit().orElseThrow());
      assertThat(Path.of(work.toString(), "clone", ".git", "shallow").toFile().exists())
          .as("the clone is shallow")
          .isTrue();
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
  class Rebuild {
    JGitPublisher rebuild() {
      return publisher().strategy(JGitPublisher.Strategy.REBUILD).build();
    }

    @Test
    void resetsAStaleAutomationBranchToTheBasePlusOneFreshCommit() {
      JGitPublisher p = rebuild();
      String stale = p.publish(Updates.replace("6.5.3", "6.5.4", DEV)).commit().orElseThrow();
      String main =
          remote.commit("main", Map.of("README.md", "fleet\n"), "Jane Doe", "Document the fleet");

      PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.5", DEV));

      List<GitRemoteFixture.Commit> log = remote.log("develop");
      assertThat(log.get(0).id()).isEqualTo(result.commit().orElseThrow());
      assertThat(log.get(0).parents()).containsExactly(main);
      assertThat(log).extracting(GitRemoteFixture.Commit::id).doesNotContain(stale);
      assertThat(remote.readFile("develop", "README.md")).contains("fleet\n");
      assertThat(remote.readFile("develop", DEV).orElseThrow()).contains("6.5.5");
    }

    @Test
    void pushesNothingWhenTheBranchAlreadyHoldsTheSameUpdateOnTheCurrentBase() {
      JGitPublisher p = rebuild();
      String first = p.publish(Updates.replace("6.5.3", "6.5.4", DEV)).commit().orElseThrow();

      PublishResult again = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(again.commit()).isEmpty();
      assertThat(again.pushed()).isFalse();
      assertThat(remote.head("develop")).contains(first);
    }

    @Test
    void refusesWhenAPersonCommittedOnTheAutomationBranch() {
      JGitPublisher p = rebuild();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      String human =
          remote.commit("develop", Map.of(PROD, "spec:\n  version: 7.0.0\n"), "Jane Doe", "Try 7");

      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.5", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("refusing to rebuild \"develop\"")
          .hasMessageContaining("Jane Doe <jane.doe@example.test>: \"Try 7\"")
          .hasMessageContaining("Strategy.STACK");
      assertThat(remote.head("develop")).contains(human);
    }

    @Test
    void refusesWhenAPersonAmendedTheAutomationsCommitKeepingItsAuthor() {
      JGitPublisher p = rebuild();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      String amended = amendAsJane("develop", "notes.txt", "keep me\n");

      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.5", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("refusing to rebuild \"develop\"")
          .hasMessageContaining(
              amended.substring(0, 7) + " by Upkeep Bot <bot@upkeep.test>: \"Update podinfo")
          .hasMessageContaining("not committed by bot@upkeep.test");
      assertThat(remote.head("develop")).contains(amended);
      assertThat(remote.readFile("develop", "notes.txt")).contains("keep me\n");
    }

    @Test
    void stackKeepsTheAmendedCommitAndBuildsOnTopOfIt() {
      rebuild().publish(Updates.replace("6.5.3", "6.5.4", DEV));
      String amended = amendAsJane("develop", "notes.txt", "keep me\n");

      PublishResult result = publisher().build().publish(Updates.replace("6.5.4", "6.5.5", DEV));

      assertThat(remote.log("develop").get(0).id()).isEqualTo(result.commit().orElseThrow());
      assertThat(remote.log("develop").get(0).parents()).containsExactly(amended);
      assertThat(remote.readFile("develop", "notes.txt")).contains("keep me\n");
    }

    @Test
    void refusesACommitByTheAutomationsOwnIdentityThatLacksTheTrailer() {
      remote.createBranch("develop", "main");
      org.eclipse.jgit.lib.PersonIdent bot =
          new org.eclipse.jgit.lib.PersonIdent("Upkeep Bot", "bot@upkeep.test");
      String lookalike =
          jgitCommit("develop", false, bot, bot, "Looks like ours\n", "c.txt", "y\n");

      assertThatThrownBy(() -> rebuild().publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining(lookalike.substring(0, 7) + " by Upkeep Bot")
          .hasMessageContaining("\"Looks like ours\"");
      assertThat(remote.head("develop")).contains(lookalike);
    }

    @Test
    void rebuildsFromAShallowCloneWhenTheBranchIsTheBasePlusItsOwnCommit() {
      JGitPublisher p = publisher().strategy(JGitPublisher.Strategy.REBUILD).depth(1).build();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      String main = remote.commit("main", Map.of("a.txt", "1\n"), "Jane Doe", "Main moves");

      PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.5", DEV));

      assertThat(result.pushed()).isTrue();
      assertThat(remote.log("develop").get(0).parents()).containsExactly(main);
    }

    @Test
    void refusesWhenAShallowFetchHidesWhoCommittedOnTheBranch() {
      remote.createBranch("develop", "main");
      remote.commit("develop", Map.of("b.txt", "x\n"), "Jane Doe", "Mine");
      remote.commit("develop", Map.of("c.txt", "y\n"), "Upkeep Bot", "Looks like ours");
      remote.commit("main", Map.of("a.txt", "1\n"), "Jane Doe", "Main moves");
      String head = remote.head("develop").orElseThrow();
      JGitPublisher p = publisher().strategy(JGitPublisher.Strategy.REBUILD).depth(1).build();

      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("history is cut off")
          .hasMessageContaining("fetch depth 1");
      assertThat(remote.head("develop")).contains(head);
    }

    @Test
    void refusesAtBuildTimeWithoutASeparatePushBranch() {
      assertThatThrownBy(
              () ->
                  JGitPublisher.builder(remote.url())
                      .strategy(JGitPublisher.Strategy.REBUILD)
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("REBUILD needs a push branch");
    }
  }

  @Nested
  class Lease {
    @Test
    void neverLosesACommitAPersonPushedBetweenFetchAndPush() {
      remote.createBranch("develop", "main");
      Updates.CountingUpdate bump = Updates.replace("6.5.3", "6.5.4", DEV);
      String[] human = new String[1];

      PublishResult result =
          publisher()
              .build()
              .publish(
                  tree -> {
                    if (human[0] == null) {
                      human[0] =
                          remote.commit(
                              "develop", Map.of("notes.txt", "mine\n"), "Jane Doe", "My notes");
                    }
                    return bump.apply(tree);
                  });

      assertThat(result.attempts()).isEqualTo(2);
      assertThat(bump.calls).hasValue(2);
      List<GitRemoteFixture.Commit> log = remote.log("develop");
      assertThat(log.get(0).id()).isEqualTo(result.commit().orElseThrow());
      assertThat(log.get(0).parents()).containsExactly(human[0]);
      assertThat(remote.readFile("develop", "notes.txt")).contains("mine\n");
    }

    @Test
    void aRebuildNeverOverwritesACommitPushedBetweenFetchAndPush() {
      JGitPublisher p = publisher().strategy(JGitPublisher.Strategy.REBUILD).build();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      Updates.CountingUpdate bump = Updates.replace("6.5.3", "6.5.5", DEV);
      String[] human = new String[1];

      assertThatThrownBy(
              () ->
                  p.publish(
                      tree -> {
                        if (human[0] == null) {
                          human[0] =
                              remote.commit(
                                  "develop", Map.of("notes.txt", "mine\n"), "Jane Doe", "Notes");
                        }
                        return bump.apply(tree);
                      }))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("refusing to rebuild");
      assertThat(remote.head("develop")).contains(human[0]);
    }

    @Test
    void givesUpAfterTheConfiguredRetriesAndLeavesTheBranchAsThePersonLeftIt() {
      remote.createBranch("develop", "main");
      Updates.CountingUpdate bump = Updates.replace("6.5.3", "6.5.4", DEV);
      int[] n = new int[1];
      String[] last = new String[1];
      JGitPublisher p = publisher().retries(2).build();

      assertThatThrownBy(
              () ->
                  p.publish(
                      tree -> {
                        last[0] =
                            remote.commit(
                                "develop", Map.of("n.txt", ++n[0] + "\n"), "Jane Doe", "Edit");
                        return bump.apply(tree);
                      }))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("kept moving")
          .hasMessageContaining("3 attempts");
      assertThat(bump.calls).hasValue(3);
      assertThat(remote.head("develop")).contains(last[0]);
    }
  }

  @Nested
  class Locking {
    @Test
    void runsSharingAWorkDirectoryTakeTurnsAndBothLand() throws Exception {
      JGitPublisher a = publisher().build();
      JGitPublisher b = publisher().build();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var fa = pool.submit(() -> a.publish(Updates.replace("6.5.3", "6.5.4", DEV)));
        var fb = pool.submit(() -> b.publish(Updates.replace("6.5.3", "6.5.4", PROD)));
        fa.get();
        fb.get();
      } finally {
        pool.shutdown();
      }

      assertThat(remote.readFile("develop", DEV).orElseThrow()).contains("6.5.4");
      assertThat(remote.readFile("develop", PROD).orElseThrow()).contains("6.5.4");
      assertThat(remote.log("develop")).hasSize(3);
    }

    @Test
    void aRunWaitingTooLongForTheWorkDirectoryFailsWithoutTouchingTheRemote() throws Exception {
      JGitPublisher slow = publisher().build();
      JGitPublisher impatient = publisher().lockTimeout(java.time.Duration.ofMillis(200)).build();
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      Thread t =
          new Thread(
              () ->
                  slow.inspect(
                      tree -> {
                        inside.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return null;
                      }));
      t.start();
      inside.await();
      try {
        assertThatThrownBy(() -> impatient.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("is in use by another run");
      } finally {
        release.countDown();
        t.join();
      }
      assertThat(remote.branches()).containsExactly("main");
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
  class Maintenance {
    @Test
    void repacksAClonePastItsLimitOfPacksAndGoesOnWorking() throws Exception {
      JGitPublisher p = publisher().build();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      p.publish(Updates.replace("6.5.4", "6.5.5", DEV));
      p.publish(Updates.replace("6.5.5", "6.5.6", DEV));
      try (Clone clone = Clone.open(work.resolve("clone"))) {
        assertThat(clone.packs()).as("a pack per fetch and per update").isGreaterThan(2);

        clone.repackWhenCrowded(2);

        assertThat(clone.packs()).isEqualTo(1);
      }

      p.publish(Updates.replace("6.5.6", "6.5.7", DEV));
      assertThat(remote.readFile("develop", DEV).orElseThrow()).contains("6.5.7");
      assertThat(remote.log("develop")).hasSize(5);
    }
  }

  @Nested
  class SparseCheckout {
    static final String CHART = "charts/app/templates/deployment.tpl";
    static final String IGNORE = ".gitignore";
    static final String UNICODE = "apps/dev/notes.yaml";
    static final String KUSTOMIZATION = "flux/kustomization.yaml";

    JGitPublisher.Builder sparse() {
      return publisher().sparseCheckout(List.of("$imagepolicy"));
    }

    @BeforeEach
    void moreFiles() {
      remote.commit(
          "main",
          Map.of(
              CHART, "kind: Deployment\n",
              IGNORE, "secrets/\n",
              KUSTOMIZATION, "namespace: flux-system\n",
              UNICODE, "note: caf\u00e9 without a marker\n"),
          "Jane Doe",
          "Add a chart, an ignore file and notes");
    }

    @Test
    void writesOnlyTheManifestsThatHoldATokenOrCannotBeJudgedKustomizationsAndEveryOtherFile() {
      List<String> written =
          sparse()
              .build()
              .inspect(
                  tree ->
                      List.of(DEV, PROD, CHART, IGNORE, KUSTOMIZATION, UNICODE).stream()
                          .filter(f -> Files.exists(tree.resolve(f)))
                          .toList());

      assertThat(written).containsExactly(DEV, CHART, IGNORE, KUSTOMIZATION, UNICODE);
    }

    @Test
    void commitsEveryFileItLeftOutUnchanged() {
      sparse().build().publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(remote.files("develop")).isEqualTo(remote.files("main"));
      assertThat(remote.readFile("develop", PROD)).contains(PROD_TEXT);
      assertThat(remote.readFile("develop", DEV).orElseThrow()).contains("6.5.4");
    }

    @Test
    void buildsOnAMovedBaseWithTheFilesItLeftOutAsTheBaseHasThem() {
      JGitPublisher p = sparse().strategy(JGitPublisher.Strategy.REBUILD).build();
      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
      remote.commit(
          "main",
          Map.of(PROD, "spec:\n  version: 6.6.0\n", "apps/qa/podinfo.yaml", "qa: true\n"),
          "Jane Doe",
          "Move prod and add qa");

      p.publish(Updates.replace("6.5.3", "6.5.5", DEV));

      assertThat(remote.files("develop")).isEqualTo(remote.files("main"));
      assertThat(remote.readFile("develop", PROD)).contains("spec:\n  version: 6.6.0\n");
      assertThat(remote.readFile("develop", "apps/qa/podinfo.yaml")).contains("qa: true\n");
      assertThat(remote.readFile("develop", DEV).orElseThrow()).contains("6.5.5");
    }

    @Test
    void aFullPublisherOnTheSameWorkDirectoryWritesTheLeftOutFilesBack() {
      sparse().build().inspect(tree -> null);

      String prod =
          publisher()
              .build()
              .inspect(
                  tree -> {
                    try {
                      return Files.readString(tree.resolve(PROD));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });

      assertThat(prod).isEqualTo(PROD_TEXT);
    }

    @Test
    void refusesATokenThatIsNotAscii() {
      assertThatThrownBy(() -> publisher().sparseCheckout(List.of("caf\u00e9")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("ASCII");
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
    void refusesToCommitAPathOutsideTheWorkTree() {
      JGitPublisher p = publisher().build();

      for (String bad : List.of("../outside.yaml", ".git/config", "/etc/passwd")) {
        assertThatThrownBy(
                () ->
                    p.publish(
                        tree ->
                            new TreeChanges(
                                List.of(new dev.upkeep.FileReport(bad, List.of())), Map.of())))
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("not a file inside the work tree");
      }
      assertThat(remote.branches()).containsExactly("main");
    }

    @Test
    void rejectsAnUnknownTemplateVariableAtBuildTime() {
      assertThatThrownBy(() -> publisher().messageTemplate("Bump ${version}").build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("${version}");
    }
  }

  @Nested
  class RefEdgeCases {
    @Test
    void pushesToTheBranchWhenATagOfTheSameNameExists() {
      String main = remote.head("main").orElseThrow();
      remote.git("tag", "v1", main);

      PublishResult result =
          publisher().pushBranch("v1").build().publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(result.pushed()).isTrue();
      assertThat(remote.head("v1")).isEqualTo(result.commit());
      assertThat(remote.git("rev-parse", "refs/tags/v1").strip()).isEqualTo(main);
    }

    @Test
    void namesTheExistingBranchThatBlocksAPushBranchBeneathIt() {
      remote.createBranch("upkeep", "main");
      JGitPublisher p = publisher().pushBranch("upkeep/podinfo").retries(3).build();
      Updates.CountingUpdate update = Updates.replace("6.5.3", "6.5.4", DEV);

      assertThatThrownBy(() -> p.publish(update))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("upkeep/podinfo")
          .hasMessageNotContaining("kept moving");
      assertThat(update.calls).hasValue(1);
      assertThat(remote.branches()).containsExactlyInAnyOrder("main", "upkeep");
    }

    @Test
    void refusesABranchNameWithSpaces() {
      assertThatThrownBy(() -> publisher().pushBranch("upkeep podinfo").build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("upkeep podinfo");
    }

    @Test
    void pushesAFileWithANonAsciiName() {
      String path = "apps/caf\u00e9 dev/podinfo.yaml";
      remote.commit("main", Map.of(path, DEV_TEXT), "Jane Doe", "Add caf\u00e9");

      publisher().build().publish(Updates.replace("6.5.3", "6.5.4", path));

      assertThat(remote.readFile("develop", path)).contains(DEV_TEXT.replace("6.5.3", "6.5.4"));
      assertThat(remote.log("develop").get(0).files()).containsExactly(path);
    }

    @Test
    void refusesACommitMessageThatRendersEmptyInsteadOfPushingACommitItLaterDisowns() {
      JGitPublisher p =
          publisher()
              .pushBranch("upkeep/podinfo")
              .strategy(JGitPublisher.Strategy.REBUILD)
              .commitMessage((changes, tree) -> " \n")
              .build();

      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("commit message is empty");
      assertThat(remote.branches()).containsExactly("main");
    }

    @Test
    void commitsThePatchersBytesWhenTheAttributesAskForCrlfLineEndings() {
      String lf = "spec:\n  chart: podinfo\n  version: 6.5.3\n";
      remote.commit(
          "main",
          Map.of(".gitattributes", "* text=auto eol=crlf\n", DEV, lf),
          "Jane Doe",
          "Attributes");
      JGitPublisher p = publisher().build();
      p.inspect(tree -> null);
      remote.commit(
          "main", Map.of(DEV, lf.replace("podinfo\n", "podinfo2\n")), "Jane Doe", "Rename");

      p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

      assertThat(remote.readFile("develop", DEV))
          .contains("spec:\n  chart: podinfo2\n  version: 6.5.4\n");
      assertThat(p.publish(Updates.replace("9.9.9", "9.9.10", DEV)).pushed()).isFalse();
    }
  }

  /**
   * Amends the head of {@code branch} as {@code git commit --amend} by Jane Doe would: same author
   * and message, Jane as committer, {@code file} added. Returns the new head.
   */
  String amendAsJane(String branch, String file, String content) {
    return jgitCommit(
        branch,
        true,
        null,
        new org.eclipse.jgit.lib.PersonIdent("Jane Doe", "jane.doe@example.test"),
        null,
        file,
        content);
  }

  /**
   * Commits {@code file} on {@code branch} with JGit, on top of its head or, when {@code amend}, in
   * place of it; a null author or message is the head's.
   */
  String jgitCommit(
      String branch,
      boolean amend,
      org.eclipse.jgit.lib.PersonIdent author,
      org.eclipse.jgit.lib.PersonIdent committer,
      String message,
      String file,
      String content) {
    try (org.eclipse.jgit.lib.Repository repo =
            new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(remote.directory().toFile())
                .build();
        org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
      org.eclipse.jgit.revwalk.RevCommit head =
          walk.parseCommit(repo.resolve("refs/heads/" + branch));
      org.eclipse.jgit.lib.ObjectId id =
          TestCommits.commit(
              repo,
              head,
              amend ? List.of(head.getParents()) : List.of(head),
              file,
              content,
              author == null ? head.getAuthorIdent() : author,
              committer,
              message == null ? head.getFullMessage() : message);
      org.eclipse.jgit.lib.RefUpdate u = repo.updateRef("refs/heads/" + branch);
      u.setNewObjectId(id);
      u.setForceUpdate(true);
      u.update();
      return id.name();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
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
