package dev.upkeep.publish.pr;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A forge API mocked from its official OpenAPI description by Stoplight Prism in {@code --errors}
 * mode: a request whose path, method, parameters or body the description does not allow is answered
 * with an error (404, 405, 422...) and a {@code sl-violations} header, which fails the client.
 *
 * <p>The tools come from {@code .ci/node} (installed by {@code .ci/setup}). Without them a test is
 * skipped with the reason, and fails when {@code CI=true}. Prism parses the whole GitHub
 * description (13 MB) in 10 to 40 seconds and some 300 MB, so only the operations the client uses
 * are served: {@link OpenApiSubset} cuts them out of the official file at start.
 *
 * <p>Prism keeps no state: every answer is generated from the description. A thin front records
 * each exchange and may answer a request that Prism accepted with an empty list instead ({@link
 * #emptyList}), so that a test can take the client down the path where nothing is open yet.
 */
final class PrismForge implements AutoCloseable {
  /** One request the client made, and what Prism thought of it. */
  record Exchange(String method, String target, int status, String violations) {
    /** {@code METHOD /path} without the query, numbers written {@code {number}}. */
    String line() {
      return method
          + " "
          + target.replaceFirst("\\?.*", "").replaceAll("/\\d+(?=/|$)", "/{number}");
    }
  }

  private static final String GITHUB_JSON = "application/vnd.github+json";

  private final Process prism;
  private final List<String> prismOutput = new CopyOnWriteArrayList<>();
  private final URI prismUri;
  private final HttpServer front;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final Set<String> emptyLists = ConcurrentHashMap.newKeySet();

  private PrismForge(Path description, Path node, Path prismCli) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    prismUri = URI.create("http://127.0.0.1:" + port);
    prism =
        new ProcessBuilder(
                node.toString(),
                prismCli.toString(),
                "mock",
                "--errors",
                "--ignoreExamples",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                description.toString())
            .redirectErrorStream(true)
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(prism.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  prismOutput.add(line);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "prism-output");
    reader.setDaemon(true);
    reader.start();
    awaitListening();
    front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    front.createContext("/", this::forward);
    front.start();
  }

  /**
   * Serves {@code operations} (path template → lower-case methods) of GitHub's official REST
   * description from npm {@code @octokit/openapi}.
   */
  static PrismForge github(Map<String, Set<String>> operations, Path workDirectory)
      throws IOException {
    Path node = findOnPath("node");
    Path modules = nodeModules();
    Path prismCli = modules.resolve("@stoplight/prism-cli/dist/index.js");
    Path official = modules.resolve("@octokit/openapi/generated/api.github.com.json");
    require(node != null, "node is not on the PATH");
    require(Files.isRegularFile(prismCli), "prism is not installed at " + prismCli);
    require(Files.isRegularFile(official), "GitHub's OpenAPI description is not at " + official);
    long started = System.nanoTime();
    Path subset =
        OpenApiSubset.write(official, operations, workDirectory.resolve("github-subset.json"));
    long derived = System.nanoTime();
    PrismForge forge = new PrismForge(subset, node, prismCli);
    System.getLogger(PrismForge.class.getName())
        .log(
            System.Logger.Level.INFO,
            "derived {0} bytes from the {1} bytes of {2} in {3} ms; prism listened after {4} ms",
            Files.size(subset),
            Files.size(official),
            official.getFileName(),
            TimeUnit.NANOSECONDS.toMillis(derived - started),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - derived));
    return forge;
  }

  /** The API root the client is pointed at. */
  URI api() {
    return URI.create("http://127.0.0.1:" + front.getAddress().getPort());
  }

  /** Answers {@code GET path} (without query) with {@code []} when Prism accepted the request. */
  PrismForge emptyList(String path) {
    emptyLists.add(path);
    return this;
  }

  /** Forgets every {@link #emptyList}: Prism's examples answer again. */
  PrismForge noEmptyLists() {
    emptyLists.clear();
    return this;
  }

  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  @Override
  public void close() {
    front.stop(0);
    prism.destroy();
    try {
      if (!prism.waitFor(10, TimeUnit.SECONDS)) {
        prism.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      prism.destroyForcibly();
    }
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (prismOutput.stream().noneMatch(l -> l.contains("Prism is listening"))) {
      if (!prism.isAlive() || System.nanoTime() > deadline) {
        prism.destroyForcibly();
        throw new IOException(
            "prism did not start ("
                + (prism.isAlive() ? "timeout" : "exited")
                + "): "
                + String.join("\n", prismOutput));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while prism started", e);
      }
    }
  }

  private void forward(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestURI().getRawPath();
      if (ex.getRequestURI().getRawQuery() != null) {
        target += "?" + ex.getRequestURI().getRawQuery();
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(prismUri.resolve(target))
              .timeout(Duration.ofSeconds(30))
              .method(
                  ex.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String h : List.of("Accept", "Authorization", "Content-Type", "User-Agent")) {
        String v = ex.getRequestHeaders().getFirst(h);
        if (v != null) {
          // GitHub documents its own media type for JSON, while its description lists the
          // answers as application/json: Prism would refuse the documented header with 406.
          request.header(h, v.equals(GITHUB_JSON) ? "application/json" : v);
        }
      }
      ex.getRequestHeaders()
          .forEach(
              (k, v) -> {
                if (k.toLowerCase(java.util.Locale.ROOT).startsWith("x-")) {
                  v.forEach(value -> request.header(k, value));
                }
              });
      HttpResponse<byte[]> answer;
      try {
        answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      int status = answer.statusCode();
      String violations = answer.headers().firstValue("sl-violations").orElse("");
      exchanges.add(new Exchange(ex.getRequestMethod(), target, status, violations));
      byte[] out = answer.body();
      String path = ex.getRequestURI().getRawPath();
      if (status / 100 == 2 && "GET".equals(ex.getRequestMethod()) && emptyLists.contains(path)) {
        out = "[]".getBytes(StandardCharsets.UTF_8);
      }
      ex.getResponseHeaders()
          .set(
              "Content-Type",
              answer.headers().firstValue("Content-Type").orElse("application/json"));
      ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  /** Skips the test with {@code reason}, or fails it when {@code CI=true}. */
  private static void require(boolean present, String reason) {
    String why = reason + "; run .ci/setup to install the forge contract test tools";
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(why);
    }
    assumeTrue(present, why);
  }

  private static Path nodeModules() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(".ci/node/package.json"))) {
        return dir.resolve(".ci/node/node_modules");
      }
    }
    throw new UncheckedIOException(
        new IOException("no .ci/node/package.json above " + Path.of("").toAbsolutePath()));
  }

  private static Path findOnPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    List<Path> candidates = new ArrayList<>();
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, program));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }
}
