package dev.upkeep.examples.bench.git;

import dev.upkeep.FileReport;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.publish.WorkTreeUpdate;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitCli;
import dev.upkeep.testing.git.GitDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Commits and pushes 1,000 changed files of a 50,000-file repository with {@link JGitPublisher},
 * beside the {@code git} command line doing the same work in the same run: fetch the base branch,
 * reset the work tree to it, write the files, add, commit, push a new branch, all to the same
 * {@code git daemon}. Both keep a warm clone between rounds, as a scheduled run would.
 *
 * <p>Run: {@code ./mvnw -B -q -o -pl examples -am package -DskipTests && java -cp
 * "examples/target/classes:examples/target/lib/*" dev.upkeep.examples.bench.git.PublishBenchmark
 * [files] [changed] [rounds]}
 */
public final class PublishBenchmark {
  private PublishBenchmark() {}

  /** Runs the benchmark and prints the figures. */
  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int changed = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int warmup = 2;
    // The publisher logs each push at INFO; keep the figures readable.
    java.util.logging.Logger.getLogger("dev.upkeep").setLevel(java.util.logging.Level.WARNING);
    Path scratch = Files.createTempDirectory("upkeep-bench-git-");
    try (GitRemoteFixture remote = GitRemoteFixture.create()) {
      long t0 = System.nanoTime();
      remote.seed(manifests(files));
      System.out.printf(
          Locale.ROOT, "seeded %,d files in %d ms%n", files, (System.nanoTime() - t0) / 1_000_000);
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < changed; i++) {
        targets.add(path(i * (files / changed)));
      }
      try (GitDaemon daemon = GitDaemon.serve(remote)) {
        Path jgitWork = scratch.resolve("jgit");
        Path cliWork = scratch.resolve("cli");
        GitCli cli = new GitCli(scratch.resolve("home"));
        t0 = System.nanoTime();
        cli.run(scratch, "clone", "-q", "--branch", "main", daemon.url(), cliWork.toString());
        long cliClone = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        publisher(daemon, jgitWork, "warm").inspect(tree -> null);
        long jgitClone = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
            Locale.ROOT,
            "first clone (not counted): git CLI %d ms, Upkeep %d ms%n",
            cliClone,
            jgitClone);

        long[] cliMs = new long[rounds];
        long[] jgitMs = new long[rounds];
        for (int r = -warmup; r < rounds; r++) {
          String version = "1.0." + (r + warmup + 1);
          long c = cliRound(cli, cliWork, targets, version, "cli-" + (r + warmup));
          long j = jgitRound(daemon, jgitWork, targets, version, "jgit-" + (r + warmup));
          if (r >= 0) {
            cliMs[r] = c;
            jgitMs[r] = j;
          }
          System.out.printf(
              Locale.ROOT,
              "%s round %d: git CLI %d ms, Upkeep %d ms%n",
              r < 0 ? "warm-up" : "timed",
              r < 0 ? r + warmup + 1 : r + 1,
              c,
              j);
        }
        long cli50 = median(cliMs);
        long jgit50 = median(jgitMs);
        System.out.printf(
            Locale.ROOT,
            "%nchanged %,d of %,d files, commit and push over git://, median of %d rounds:%n"
                + "  git CLI (baseline)  %6d ms%n"
                + "  Upkeep JGit         %6d ms   (%.2fx the CLI; target <= 1.5x)%n",
            changed,
            files,
            rounds,
            cli50,
            jgit50,
            (double) jgit50 / cli50);
      }
    } finally {
      GitCli.deleteTree(scratch);
    }
  }

  static JGitPublisher publisher(GitDaemon daemon, Path work, String branch) {
    return JGitPublisher.builder(daemon.url())
        .pushBranch(branch)
        .author("Upkeep Bench", "bench@upkeep.test")
        .workDirectory(work)
        .build();
  }

  static long jgitRound(
      GitDaemon daemon, Path work, List<String> targets, String version, String branch) {
    JGitPublisher p = publisher(daemon, work, branch);
    long t0 = System.nanoTime();
    PublishResult result = p.publish(update(targets, version));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (!result.pushed()) {
      throw new IllegalStateException("the publisher pushed nothing");
    }
    p.close();
    return ms;
  }

  static long cliRound(GitCli cli, Path work, List<String> targets, String version, String branch) {
    long t0 = System.nanoTime();
    cli.run(work, "fetch", "-q", "origin", "main");
    cli.run(work, "reset", "-q", "--hard", "FETCH_HEAD");
    update(targets, version).apply(work);
    List<String> add = new ArrayList<>(List.of("add", "--"));
    add.addAll(targets);
    cli.run(work, add.toArray(new String[0]));
    cli.run(work, "commit", "-q", "-m", "Update " + targets.size() + " files to " + version);
    cli.run(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** Rewrites the version line of each target file, as the patcher would, and reports it. */
  static WorkTreeUpdate update(List<String> targets, String version) {
    return tree -> {
      List<FileReport> reports = new ArrayList<>();
      for (String t : targets) {
        Path f = tree.resolve(t);
        try {
          String text = Files.readString(f);
          int at = text.indexOf("1.0.0");
          String next = text.substring(0, at) + version + text.substring(at + 5);
          Files.writeString(f, next);
          reports.add(
              new FileReport(
                  t,
                  List.of(
                      new Change(
                          "bench:app",
                          Change.Field.TAG,
                          3,
                          12,
                          "1.0.0",
                          version,
                          new Change.Edit(at, 5, version)))));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return new TreeChanges(reports, Map.of());
    };
  }

  static Map<String, String> manifests(int n) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      files.put(
          path(i),
          "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  version: 1.0.0"
              + " # {\"$imagepolicy\": \"bench:app:tag\"}\n  values:\n    replicas: "
              + (i % 7)
              + "\n");
    }
    return files;
  }

  static String path(int i) {
    return String.format(Locale.ROOT, "clusters/c%03d/apps/app-%05d.yaml", i / 500, i);
  }

  static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
