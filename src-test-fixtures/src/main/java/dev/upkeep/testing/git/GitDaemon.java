package dev.upkeep.testing.git;

import dev.upkeep.testing.GitRemoteFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Serves a {@link GitRemoteFixture} over the {@code git://} protocol with a real {@code git daemon}
 * on a free loopback port, pushes enabled. Unlike JGit's in-process {@code file://} transport, a
 * push through the daemon runs the repository's server-side hooks ({@link
 * GitRemoteFixture#installHook}).
 *
 * <pre>{@code
 * try (GitRemoteFixture remote = GitRemoteFixture.create().seed(files);
 *     GitDaemon daemon = GitDaemon.serve(remote)) {
 *   ... push to daemon.url() ...
 * }
 * }</pre>
 */
public final class GitDaemon implements AutoCloseable {

  private final Process process;
  private final int port;
  private final String path;
  private final Path log;

  private GitDaemon(Process process, int port, String path, Path log) {
    this.process = process;
    this.port = port;
    this.path = path;
    this.log = log;
  }

  /**
   * Starts {@code git daemon} for {@code remote} and waits until it accepts connections.
   *
   * @throws IllegalStateException when the daemon cannot be started
   */
  public static GitDaemon serve(GitRemoteFixture remote) {
    Path base = remote.directory().getParent();
    Path home = base.resolve("daemon-home");
    GitCli cli = new GitCli(home);
    IllegalStateException last = null;
    for (int tries = 0; tries < 5; tries++) {
      int port = freePort();
      Path log = home.resolve("daemon-" + port + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      "git",
                      "daemon",
                      "--reuseaddr",
                      "--listen=127.0.0.1",
                      "--port=" + port,
                      "--base-path=" + base,
                      "--export-all",
                      "--enable=receive-pack",
                      "--informative-errors",
                      base.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      cli.environment(pb.environment());
      try {
        Process p = pb.start();
        if (awaitPort(p, port)) {
          return new GitDaemon(p, port, base.relativize(remote.directory()).toString(), log);
        }
        p.destroyForcibly();
        last = new IllegalStateException("git daemon did not start: " + read(log));
      } catch (IOException e) {
        throw new IllegalStateException("cannot run git daemon: " + e.getMessage(), e);
      }
    }
    throw last;
  }

  /** The URL of the served repository: {@code git://127.0.0.1:PORT/remote.git}. */
  public String url() {
    return "git://127.0.0.1:" + port + "/" + path;
  }

  /** The daemon's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** What the daemon logged so far. */
  public String log() {
    return read(log);
  }

  /** Stops the daemon. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  private static boolean awaitPort(Process p, int port) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
