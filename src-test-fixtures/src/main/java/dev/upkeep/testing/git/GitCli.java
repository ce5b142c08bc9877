package dev.upkeep.testing.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs the {@code git} command line isolated from the machine's configuration: no system or global
 * config ({@code HOME} points at a private directory), no prompts, C locale, a fixed identity. Test
 * fixtures and benchmarks use it to check our Git code against the reference implementation.
 * Thread-safe.
 */
public final class GitCli {

  /** The identity commits made through the command line get unless told otherwise. */
  public static final String USER = "Upkeep Fixture";

  private final Path home;

  /** A runner whose {@code HOME} is {@code home} (created when missing). */
  public GitCli(Path home) {
    this.home = home;
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + home, e);
    }
  }

  /** The result of one {@code git} call. */
  public record Result(int exitCode, byte[] stdout, String stderr) {
    /** Standard output as UTF-8 text. */
    public String text() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** Runs git in {@code dir}; fails with its error output unless it exits with 0. */
  public Result run(Path dir, String... args) {
    return run(dir, null, args);
  }

  /** Runs git in {@code dir} with {@code stdin}; fails unless it exits with 0. */
  public Result run(Path dir, byte[] stdin, String... args) {
    Result r = tryRun(dir, stdin, args);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          "git " + String.join(" ", args) + " exited with " + r.exitCode() + ": " + r.stderr());
    }
    return r;
  }

  /** Runs git and returns its standard output as text; fails unless it exits with 0. */
  public String runText(Path dir, String... args) {
    return run(dir, null, args).text();
  }

  /** Runs git in {@code dir} and returns whatever happened. */
  public Result tryRun(Path dir, byte[] stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.add("-c");
    cmd.add("user.name=" + USER);
    cmd.add("-c");
    cmd.add("user.email=fixture@upkeep.test");
    cmd.add("-c");
    cmd.add("init.defaultBranch=main");
    cmd.add("-c");
    cmd.add("commit.gpgSign=false");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    environment(pb.environment());
    try {
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot run git; is it installed? " + e.getMessage(), e);
      }
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      int code = p.waitFor();
      return new Result(code, out.get(), new String(err.get(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("git " + String.join(" ", args), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running git", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read git's output", e.getCause());
    }
  }

  /**
   * Sets the variables that isolate a git child process from the user's configuration; removes the
   * {@code GIT_*} variables a parent git may have set.
   */
  public void environment(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("GIT_") || k.startsWith("XDG_"));
    env.put("HOME", home.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("LC_ALL", "C");
  }

  // Own threads, not the common pool: with one or two cores it may have a single worker, and the
  // two drains must run at the same time.
  private static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (in) {
                result.complete(in.readAllBytes());
              } catch (IOException e) {
                result.completeExceptionally(e);
              }
            },
            "git-output");
    t.setDaemon(true);
    t.start();
    return result;
  }

  /** Deletes a directory tree, ignoring files that are already gone. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
              // A background "git gc --auto" may remove its lock files while we walk.
              if (exc instanceof java.nio.file.NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
