package dev.upkeep.publish.git;

import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;

/**
 * An Apache MINA SSH server on a free loopback port that accepts one public key and runs {@code git
 * upload-pack} / {@code git receive-pack} on a {@link GitRemoteFixture}'s repository.
 */
final class GitSshServer implements AutoCloseable {
  private final SshServer server;
  private final KeyPair hostKey;
  private final GitRemoteFixture remote;

  private GitSshServer(SshServer server, KeyPair hostKey, GitRemoteFixture remote) {
    this.server = server;
    this.hostKey = hostKey;
    this.remote = remote;
  }

  /** Starts a server that lets in the holder of the key in {@code authorizedKeys}. */
  static GitSshServer start(GitRemoteFixture remote, Path authorizedKeys) throws IOException {
    KeyPair hostKey;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      hostKey = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    sshd.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    GitCli cli = new GitCli(remote.directory().getParent().resolve("ssh-home"));
    sshd.setCommandFactory((channel, command) -> new GitCommand(command, remote.directory(), cli));
    sshd.start();
    return new GitSshServer(sshd, hostKey, remote);
  }

  String url() {
    return "ssh://git@127.0.0.1:" + server.getPort() + "/" + remote.directory().getFileName();
  }

  /** A known_hosts line for this server. */
  String knownHostsLine() {
    return "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  /** Runs one git service process and pipes the channel through it. */
  private static final class GitCommand implements Command {
    private final String command;
    private final Path repository;
    private final GitCli cli;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Process process;

    GitCommand(String command, Path repository, GitCli cli) {
      this.command = command;
      this.repository = repository;
      this.cli = cli;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      List<String> words = List.of(command.split(" ", 2));
      String service = words.get(0);
      String path = words.size() > 1 ? words.get(1).replace("'", "") : "";
      if (!(service.equals("git-upload-pack") || service.equals("git-receive-pack"))
          || !path.replaceFirst("^/", "").equals(repository.getFileName().toString())) {
        err.write(
            ("unknown command " + command + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        err.flush();
        exit.onExit(1);
        return;
      }
      ProcessBuilder pb = new ProcessBuilder("git", service.substring(4), repository.toString());
      cli.environment(pb.environment());
      process = pb.start();
      Thread feed = pump(in, process.getOutputStream(), true);
      Thread errors = pump(process.getErrorStream(), err, false);
      Thread output = pump(process.getInputStream(), out, false);
      Thread main =
          new Thread(
              () -> {
                try {
                  output.join();
                  errors.join();
                  int code = process.waitFor();
                  feed.interrupt();
                  exit.onExit(code);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "ssh-git-out");
      main.setDaemon(true);
      main.start();
    }

    private static Thread pump(InputStream from, OutputStream to, boolean closeTarget) {
      Thread t =
          new Thread(
              () -> {
                try {
                  byte[] buf = new byte[8192];
                  int n;
                  while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                  }
                } catch (IOException ignored) {
                  // the other side closed
                } finally {
                  if (closeTarget) {
                    try {
                      to.close();
                    } catch (IOException ignored) {
                      // already closed
                    }
                  }
                }
              },
              "ssh-git-pump");
      t.setDaemon(true);
      t.start();
      return t;
    }

    @Override
    public void destroy(ChannelSession channel) {
      if (process != null) {
        process.destroy();
      }
    }
  }

  static void writeKnownHosts(Path file, String line) {
    try {
      Files.writeString(file, line + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
