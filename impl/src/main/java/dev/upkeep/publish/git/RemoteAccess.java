package dev.upkeep.publish.git;

import dev.upkeep.ConfigurationException;
import dev.upkeep.Redaction;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How to reach the remote: its URL without credentials, the credentials kept beside it (never in a
 * URL that could be stored in {@code .git/config} or logged), and the SSH settings.
 */
final class RemoteAccess implements AutoCloseable {

  private final URIish uri;
  private final String username;
  private final char[] password;
  private final Path sshKey;
  private final List<KeyPair> sshKeyPairs;
  private final Path knownHosts;
  private final Path sshHome;
  private final Duration timeout;
  private volatile SshdSessionFactory ssh;

  RemoteAccess(
      URIish uri,
      String username,
      char[] password,
      Path sshKey,
      List<KeyPair> sshKeyPairs,
      Path knownHosts,
      Path sshHome,
      Duration timeout) {
    this.uri = uri;
    this.username = username;
    this.password = password;
    Redaction.registerSecret(password);
    this.sshKey = sshKey;
    this.sshKeyPairs = sshKeyPairs == null ? null : List.copyOf(sshKeyPairs);
    this.knownHosts = knownHosts;
    this.sshHome = sshHome;
    this.timeout = timeout;
  }

  /**
   * Parses a remote URL; a password or token written into it is taken out and returned in {@code
   * secret[0]} so it never travels with the URL.
   */
  static URIish parse(String url, String[] secret) {
    try {
      URIish u = new URIish(url);
      if (u.getPass() == null
          && u.getUser() != null
          && u.getScheme() != null
          && u.getScheme().startsWith("http")) {
        // https://TOKEN@host: the user is the token
        Redaction.registerSecret(u.getUser());
      }
      if (u.getPass() != null) {
        Redaction.registerSecret(u.getPass());
        secret[0] = u.getPass();
        u = u.setPass(null);
      }
      return u;
    } catch (URISyntaxException e) {
      throw new ConfigurationException("invalid git remote \"" + url + "\"", e);
    }
  }

  /**
   * Reads private keys (OpenSSH or PEM) from text held in memory.
   *
   * @throws ConfigurationException without repeating the text
   */
  static List<KeyPair> keyPairs(String material) {
    try (InputStream in = new ByteArrayInputStream(material.getBytes(StandardCharsets.UTF_8))) {
      List<KeyPair> keys = new ArrayList<>();
      Iterable<KeyPair> read =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName("ssh key material"), in, null);
      if (read != null) {
        read.forEach(keys::add);
      }
      if (keys.isEmpty()) {
        throw new ConfigurationException("the SSH key material holds no private key");
      }
      return keys;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof ConfigurationException) {
        throw (ConfigurationException) e;
      }
      throw new ConfigurationException(
          "the SSH key material is not an unencrypted OpenSSH or PEM private key ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** The URL as shown in results and messages: without credentials. */
  String display() {
    return Redaction.redact(uri.toString());
  }

  Transport open(Repository repo) throws NotSupportedException, TransportException {
    return configure(Transport.open(repo, uri));
  }

  /** A transport for asking the remote without a local repository (its refs, its HEAD). */
  Transport open() throws NotSupportedException, TransportException {
    return configure(Transport.open(uri));
  }

  private Transport configure(Transport t) {
    t.setTimeout((int) Math.max(1, timeout.toSeconds()));
    if (password != null) {
      t.setCredentialsProvider(credentials());
    }
    if (t instanceof SshTransport) {
      ((SshTransport) t).setSshSessionFactory(sshFactory());
    }
    return t;
  }

  CredentialsProvider credentials() {
    return new UsernamePasswordCredentialsProvider(username == null ? "" : username, password);
  }

  private SshdSessionFactory sshFactory() {
    SshdSessionFactory f = ssh;
    if (f == null) {
      synchronized (this) {
        f = ssh;
        if (f == null) {
          SshdSessionFactoryBuilder b = new SshdSessionFactoryBuilder();
          if (sshHome != null) {
            File home = sshHome.toFile();
            b.setHomeDirectory(home).setSshDirectory(new File(home, ".ssh"));
          }
          if (sshKey != null) {
            b.setDefaultIdentities(dir -> List.of(sshKey));
            b.setPreferredAuthentications("publickey");
          }
          if (sshKeyPairs != null) {
            b.setDefaultKeysProvider(dir -> sshKeyPairs);
            b.setPreferredAuthentications("publickey");
          }
          if (knownHosts != null) {
            b.setDefaultKnownHostsFiles(dir -> List.of(knownHosts));
          }
          // No ~/.ssh/config of the machine: what this publisher was told is what it does.
          b.setConfigFile(dir -> null);
          f = b.build(null);
          ssh = f;
        }
      }
    }
    return f;
  }

  @Override
  public void close() {
    SshdSessionFactory f = ssh;
    if (f != null) {
      f.close();
    }
  }
}
