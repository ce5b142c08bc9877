package dev.upkeep.testing.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Debian's {@code docker-registry} (distribution 2.8) started for a test: our own config, 127.0.0.1
 * on a free port, storage in a temp dir, optional htpasswd Basic auth, an access log of every
 * request ({@link #requests()}); stopped and deleted on close. Installed by {@code .ci/setup}. Seed
 * it with {@link RegistryUpload}.
 *
 * <p>Basic auth hashes the password with BouncyCastle's bcrypt: a test that asks for it needs
 * {@code org.bouncycastle:bcprov-jdk18on} on its class path (an optional dependency here).
 */
public final class DistributionRegistry implements AutoCloseable {
  private static final Pattern REQUEST = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\"");

  private final Process process;
  private final Path dir;
  private final String host;

  private DistributionRegistry(Process process, Path dir, String host) {
    this.process = process;
    this.dir = dir;
    this.host = host;
  }

  /** Starts a registry that anyone may read and push to. */
  public static DistributionRegistry start() {
    return start(null, null);
  }

  /** Starts a registry that asks for HTTP Basic {@code user}/{@code password}. */
  public static DistributionRegistry start(String user, String password) {
    Path binary = Path.of("/usr/bin/docker-registry");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "docker-registry is not installed; run .ci/setup (apt-get install docker-registry)");
    }
    try {
      Path dir = Files.createTempDirectory("upkeep-registry-");
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      byte[] secret = new byte[16];
      new SecureRandom().nextBytes(secret);
      StringBuilder config = new StringBuilder();
      config.append("version: 0.1\n");
      config.append("log:\n  level: warn\n  accesslog:\n    disabled: false\n");
      config.append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data"));
      config.append("\n  delete:\n    enabled: true\n");
      config.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
      config.append("  secret: ").append(HexFormat.of().formatHex(secret)).append('\n');
      if (user != null) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, 4);
        Files.writeString(dir.resolve("htpasswd"), user + ":" + hash + "\n");
        config.append("auth:\n  htpasswd:\n    realm: upkeep-test\n    path: ");
        config.append(dir.resolve("htpasswd")).append('\n');
      }
      Path file = dir.resolve("config.yml");
      Files.writeString(file, config.toString(), StandardCharsets.UTF_8);
      ProcessBuilder pb =
          new ProcessBuilder(binary.toString(), "serve", file.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile());
      // distribution reads every REGISTRY_* variable as configuration
      pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
      Process process = pb.start();
      DistributionRegistry registry = new DistributionRegistry(process, dir, "127.0.0.1:" + port);
      registry.awaitReady();
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start docker-registry", e);
    }
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try {
        int status =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException("docker-registry did not answer on " + host + " within 20 s");
  }

  /** {@code 127.0.0.1:PORT}, as in image references. */
  public String host() {
    return host;
  }

  /**
   * Every request served so far, oldest first, as {@code METHOD PATH} (e.g. {@code GET
   * /v2/charts/podinfo/tags/list}), read from the registry's access log.
   */
  public List<String> requests() {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("registry.log"), StandardCharsets.UTF_8)) {
        Matcher m = REQUEST.matcher(line);
        if (m.find()) {
          out.add(m.group(1) + " " + m.group(2));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the registry's access log", e);
    }
  }

  /** Stops the registry and deletes its storage. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
