package dev.upkeep.cli;

import dev.upkeep.publish.git.JGitPublisher;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Reads a local repository while picocli is still building the command. {@code upkeep plan --repo
 * DIR} spends a quarter of a second in picocli before it reads a file, about as long as reading ten
 * thousand files takes, so the two overlap. The early read is a guess from the raw arguments; it is
 * used only when the command then loads exactly that directory, and dropped otherwise (as is a
 * guess that failed: the command reads again and reports the failure itself). It writes nothing, so
 * it never changes what a command does.
 */
final class Prefetch {
  private record Guess(Path root, FutureTask<Session.Loaded> load) {}

  private static volatile Guess guess;

  private Prefetch() {}

  /**
   * Starts reading the repository of a {@code plan} command line over a local directory. The read
   * logs nothing, so it may start before logging is configured, which the command's first
   * milliseconds go to.
   */
  static void startRead(String... args) {
    if (args.length == 0 || !args[0].equals("plan")) {
      return;
    }
    Optional<String> repo = repository(args);
    if (repo.isEmpty() || RepositoryOptions.isRemote(repo.get())) {
      return;
    }
    Path root;
    try {
      root = Path.of(repo.get()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // a local plan reads its tree once and never asks which files changed since
    FutureTask<Session.Loaded> load = new FutureTask<>(() -> Session.read(root, false));
    guess = new Guess(root, load);
    Thread t = new Thread(load, "upkeep-prefetch");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Starts JGit (its classes, its configuration) for the commands that clone. JGit logs through
   * {@code java.util.logging}: call it once logging is configured.
   */
  static void warmUpGit(String... args) {
    if (args.length == 0) {
      return;
    }
    if (List.of("run", "fleet", "verify", "promote").contains(args[0])
        || (args[0].equals("plan")
            && repository(args).map(RepositoryOptions::isRemote).orElse(false))) {
      JGitPublisher.warmUp();
    }
  }

  /**
   * The {@code --repo} of a command line ({@code .} when it names none), or empty when it holds
   * {@code --discover} (adoption reads the tree its own way) or {@code --}.
   */
  private static Optional<String> repository(String... args) {
    String repo = ".";
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--discover") || args[i].equals("--")) {
        return Optional.empty();
      } else if (args[i].equals("--repo") && i + 1 < args.length) {
        repo = args[++i];
      } else if (args[i].startsWith("--repo=")) {
        repo = args[i].substring("--repo=".length());
      }
    }
    return Optional.of(repo);
  }

  /** What the early read found under {@code root}, when it read exactly that; taken once. */
  static Optional<Session.Loaded> take(Path root) {
    Guess g = guess;
    if (g == null || !g.root().equals(root.toAbsolutePath().normalize())) {
      return Optional.empty();
    }
    guess = null;
    try {
      return Optional.of(g.load().get());
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
