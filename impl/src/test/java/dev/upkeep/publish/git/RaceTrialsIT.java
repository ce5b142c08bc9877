package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.FileReport;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.publish.WorkTreeUpdate;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person pushes — to the update branch or to the base — while a run publishes, again and again,
 * both through a real {@code git daemon}, so Git's own receive-pack takes the ref locks. After
 * every trial each commit the person pushed is still on the branch it was pushed to, and a run
 * either landed on top of what it saw or failed with a clear error and left its branch as the
 * person left it.
 */
class RaceTrialsIT {
  static final int TRIALS = Integer.getInteger("upkeep.race.trials", 100);
  static final String DEV = "apps/dev/podinfo.yaml";
  static final Pattern VERSION = Pattern.compile("version: (\\d+\\.\\d+\\.\\d+)");

  @TempDir Path tmp;

  /** What the run does, and where the person pushes. */
  enum Kind {
    STACK_PERSON_ON_UPDATE_BRANCH(JGitPublisher.Strategy.STACK, "develop", "develop"),
    STACK_PERSON_ON_BASE(JGitPublisher.Strategy.STACK, "develop", "main"),
    STACK_STRAIGHT_TO_BASE(JGitPublisher.Strategy.STACK, "main", "main"),
    REBUILD_PERSON_ON_UPDATE_BRANCH(JGitPublisher.Strategy.REBUILD, "upkeep/", "upkeep/"),
    REBUILD_PERSON_ON_BASE(JGitPublisher.Strategy.REBUILD, "upkeep/", "main");

    final JGitPublisher.Strategy strategy;
    final String runBranch;
    final String personBranch;

    Kind(JGitPublisher.Strategy strategy, String runBranch, String personBranch) {
      this.strategy = strategy;
      this.runBranch = runBranch;
      this.personBranch = personBranch;
    }
  }

  /** A commit the person pushed, and where. */
  record Pushed(String branch, String commit) {}

  @Test
  void noCommitAPersonPushesDuringARunIsEverLost() throws Exception {
    long seed = Long.getLong("upkeep.race.seed", 20261202L);
    Random random = new Random(seed);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Pushed> pushed = new ArrayList<>();
    int backedOff = 0;
    int retried = 0;
    Set<Pushed> lost = new HashSet<>();
    long t0 = System.nanoTime();
    try (GitRemoteFixture remote =
            GitRemoteFixture.create()
                .seed(Map.of(DEV, "spec:\n  version: 1.0.0 # {\"$imagepolicy\": \"a:b:tag\"}\n"));
        GitDaemon daemon = GitDaemon.serve(remote);
        Repository bare =
            new FileRepositoryBuilder().setGitDir(remote.directory().toFile()).build();
        Person person = new Person(tmp.resolve("person.git"))) {
      remote.createBranch("develop", "main");
      Path work = tmp.resolve("work");
      String ownCommit = null;
      for (int i = 0; i < TRIALS; i++) {
        Kind kind = Kind.values()[i % Kind.values().length];
        String runBranch = kind.runBranch.endsWith("/") ? kind.runBranch + i : kind.runBranch;
        String personBranch =
            kind.personBranch.endsWith("/") ? kind.personBranch + i : kind.personBranch;
        // Alternate servers: the run through Git's receive-pack behind git daemon and the person
        // through JGit's own over file://, then the other way round.
        boolean runOnDaemon = (i / Kind.values().length) % 2 == 0;
        URIish personUrl = new URIish(runOnDaemon ? remote.url() : daemon.url());
        JGitPublisher publisher =
            publisher(runOnDaemon ? daemon.url() : remote.url(), work, kind.strategy, runBranch);
        if (kind.strategy == JGitPublisher.Strategy.REBUILD) {
          // the automation's branch as an earlier run left it: its own commit on an older base
          if (ownCommit == null) {
            ownCommit = publisher.publish(bump(i, 0)).commit().orElseThrow();
          } else {
            RefUpdate u = bare.updateRef(Constants.R_HEADS + runBranch);
            u.setNewObjectId(ObjectId.fromString(ownCommit));
            assertThat(u.update()).isEqualTo(RefUpdate.Result.NEW);
          }
        }
        String runBefore = head(bare, runBranch);
        int delay = random.nextInt(120);
        int pause = random.nextInt(40);
        int trial = i;
        Future<PublishResult> run = pool.submit(() -> publisher.publish(bump(trial, pause)));
        Future<Optional<String>> push =
            pool.submit(
                () -> {
                  Thread.sleep(delay);
                  return person.push(personUrl, personBranch, "people/" + trial + ".txt");
                });
        Optional<String> personCommit = push.get();
        personCommit.ifPresent(c -> pushed.add(new Pushed(personBranch, c)));
        Optional<String> runCommit = Optional.empty();
        try {
          PublishResult result = run.get();
          runCommit = result.commit();
          if (result.attempts() > 1) {
            retried++;
          }
          if (kind.strategy == JGitPublisher.Strategy.REBUILD) {
            ownCommit = runCommit.orElse(ownCommit);
          }
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause())
              .as("trial %d (%s) failed with a clear error", i, kind)
              .isInstanceOf(PublishException.class)
              .message()
              .containsAnyOf("refusing to rebuild", "kept moving", "cannot commit");
          backedOff++;
          String after = head(bare, runBranch);
          String expected =
              personBranch.equals(runBranch) && personCommit.isPresent()
                  ? personCommit.get()
                  : runBefore;
          assertThat(after)
              .as("trial %d (%s): a failed run pushed nothing", i, kind)
              .isEqualTo(expected);
        }
        if (personCommit.isPresent()) {
          Pushed p = new Pushed(personBranch, personCommit.get());
          if (!reachable(bare, p)) {
            lost.add(p);
          }
        }
        if (runCommit.isPresent()) {
          assertThat(reachable(bare, new Pushed(runBranch, runCommit.get())))
              .as("trial %d (%s): the run's commit is on %s", i, kind, runBranch)
              .isTrue();
        }
      }
      for (Pushed p : pushed) {
        if (!reachable(bare, p)) {
          lost.add(p);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        Locale.ROOT,
        "race trials: %d, lost commits: %d, runs that backed off: %d, runs that retried: %d"
            + " (%d person pushes, seed %d, %.1f s)%n",
        TRIALS,
        lost.size(),
        backedOff,
        retried,
        pushed.size(),
        seed,
        (System.nanoTime() - t0) / 1e9);
    assertThat(lost).isEmpty();
    assertThat(pushed)
        .as("the person's pushes landed")
        .hasSizeGreaterThanOrEqualTo(TRIALS * 9 / 10);
    assertThat(retried + backedOff).as("runs and pushes really raced").isPositive();
  }

  static JGitPublisher publisher(
      String url, Path work, JGitPublisher.Strategy strategy, String branch) {
    return JGitPublisher.builder(url)
        .pushBranch(branch)
        .strategy(strategy)
        .author("Upkeep Bot", "bot@upkeep.test")
        .automation("race")
        .workDirectory(work)
        .build();
  }

  /** The head of {@code branch} in the remote, read afresh from disk; null when absent. */
  static String head(Repository bare, String branch) throws IOException {
    bare.getRefDatabase().refresh();
    Ref r = bare.exactRef(Constants.R_HEADS + branch);
    return r == null ? null : r.getObjectId().name();
  }

  /** Whether {@code p}'s commit is on its branch of the remote, read afresh from disk. */
  static boolean reachable(Repository bare, Pushed p) throws IOException {
    bare.getRefDatabase().refresh();
    Ref head = bare.exactRef(Constants.R_HEADS + p.branch());
    if (head == null) {
      return false;
    }
    try (RevWalk walk = new RevWalk(bare)) {
      return walk.isMergedInto(
          walk.parseCommit(ObjectId.fromString(p.commit())), walk.parseCommit(head.getObjectId()));
    }
  }

  /** Sets the version in {@link #DEV} to one no other trial uses, after {@code pause} ms. */
  static WorkTreeUpdate bump(int trial, int pause) {
    return tree -> {
      try {
        Thread.sleep(pause);
        Path file = tree.resolve(DEV);
        String text = Files.readString(file);
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
          throw new IllegalStateException("no version in " + DEV);
        }
        String from = m.group(1);
        String to = "2." + trial + "." + pause;
        Files.writeString(file, text.substring(0, m.start(1)) + to + text.substring(m.end(1)));
        Change change =
            new Change(
                Updates.POLICY,
                Change.Field.TAG,
                2,
                m.start(1) + 1,
                from,
                to,
                new Change.Edit(m.start(1), from.length(), to));
        return new TreeChanges(List.of(new FileReport(DEV, List.of(change))), Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    };
  }

  /**
   * A person with a clone of their own, who commits a file and pushes it; when the push is refused
   * because the branch moved, they fetch and replay their one commit on the new head, as {@code git
   * pull --rebase} would, and push again.
   */
  static final class Person implements AutoCloseable {
    private static final PersonIdent JANE = new PersonIdent("Jane Doe", "jane@example.test");
    private final Repository repo;

    Person(Path dir) throws Exception {
      this.repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).build();
      repo.create(true);
    }

    /** The commit that landed on {@code branch}, or empty when the person gave up. */
    Optional<String> push(URIish url, String branch, String file) throws Exception {
      String ref = Constants.R_HEADS + branch;
      for (int attempt = 0; attempt < 5; attempt++) {
        ObjectId upstream;
        try (Transport t = Transport.open(repo, url)) {
          FetchResult f =
              t.fetch(
                  NullProgressMonitor.INSTANCE,
                  List.of(new RefSpec("+" + ref + ":refs/remotes/origin/" + branch)));
          upstream = f.getAdvertisedRef(ref).getObjectId();
        }
        ObjectId mine =
            TestCommits.commit(
                repo, upstream, List.of(upstream), file, file + "\n", JANE, JANE, "Add " + file);
        RemoteRefUpdate u = new RemoteRefUpdate(repo, null, mine, ref, false, null, upstream);
        try (Transport t = Transport.open(repo, url)) {
          t.push(NullProgressMonitor.INSTANCE, List.of(u));
        }
        if (u.getStatus() == RemoteRefUpdate.Status.OK) {
          return Optional.of(mine.name());
        }
      }
      return Optional.empty();
    }

    @Override
    public void close() {
      repo.close();
    }
  }
}
