package dev.upkeep.source.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upkeep.ArtifactRef;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.RegistryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmRepositorySourceTest {
  private static final String INDEX =
      "apiVersion: v1\n"
          + "# written by helm repo index\n"
          + "entries:\n"
          + "  podinfo:\n"
          + "  - apiVersion: v2\n"
          + "    appVersion: 6.5.4\n"
          + "    created: \"2024-01-01T00:00:00Z\"\n"
          + "    description: Podinfo Helm chart for Kubernetes\n"
          + "    digest: 0f3e6a7f1c6c0e0e4a1f6d3d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a493\n"
          + "    annotations:\n"
          + "      artifacthub.io/changes: |\n"
          + "        - kind: fixed\n"
          + "          description: version: 9.9.9 is not a version\n"
          + "    maintainers:\n"
          + "    - email: someone@example.com\n"
          + "      name: someone\n"
          + "    name: podinfo\n"
          + "    urls:\n"
          + "    - https://example.com/podinfo-6.5.4.tgz\n"
          + "    version: 6.5.4\n"
          + "  - name: podinfo\n"
          + "    version: 6.5.3\n"
          + "    digest: 1111111111111111111111111111111111111111111111111111111111111111\n"
          + "  - name: podinfo\n"
          + "    version: \"7.0\"\n"
          + "  redis:\n"
          + "  - name: redis\n"
          + "    version: 18.0.0\n"
          + "generated: \"2024-01-01T00:00:00Z\"\n";

  private HttpServer server;
  private final Map<String, Response> routes = new ConcurrentHashMap<>();
  private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  private static final class Response {
    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers;

    Response(int status, String contentType, String body, Map<String, String> headers) {
      this.status = status;
      this.contentType = contentType;
      this.body = body.getBytes(StandardCharsets.UTF_8);
      this.headers = headers;
    }
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(Map.copyOf(exchange.getRequestHeaders()));
    Response r =
        routes.getOrDefault(
            exchange.getRequestURI().getPath(), new Response(404, "text/plain", "", Map.of()));
    String etag = r.headers.get("ETag");
    if (etag != null && etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.getResponseHeaders().set("ETag", etag);
      exchange.sendResponseHeaders(304, -1);
      exchange.close();
      return;
    }
    r.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.getResponseHeaders().set("Content-Type", r.contentType);
    exchange.sendResponseHeaders(r.status, r.body.length == 0 ? -1 : r.body.length);
    if (r.body.length > 0) {
      exchange.getResponseBody().write(r.body);
    }
    exchange.close();
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private ArtifactRef chart(String name) {
    return ArtifactRef.helmChart(URI.create(base() + "/charts/"), name);
  }

  private void serve(String body, Map<String, String> headers) {
    routes.put("/charts/index.yaml", new Response(200, "application/x-yaml", body, headers));
  }

  private HelmRepositorySource source() {
    return HelmRepositorySource.builder().sleeper(sleeps::add).build();
  }

  @Nested
  class Versions {
    @Test
    void listsTheVersionsOfOneChartAsWrittenInTheIndex() {
      serve(INDEX, Map.of());

      assertThat(source().listTags(chart("podinfo"))).containsExactly("6.5.4", "6.5.3", "7.0");
      assertThat(source().listTags(chart("redis"))).containsExactly("18.0.0");
    }

    @Test
    void resolvesAVersionToItsPackageDigest() {
      serve(INDEX, Map.of());
      HelmRepositorySource source = source();

      assertThat(source.digest(chart("podinfo"), "6.5.3")).contains("sha256:" + "1".repeat(64));
      assertThat(source.digest(chart("podinfo"), "7.0")).isEmpty();
      assertThat(source.digest(chart("podinfo"), "9.9.9")).isEmpty();
    }

    @Test
    void readsAnIndexLargerThanTheYamlParsersDefaultLimit() {
      StringBuilder big = new StringBuilder("apiVersion: v1\nentries:\n");
      for (int c = 0; c < 200; c++) {
        big.append("  chart").append(c).append(":\n");
        for (int v = 0; v < 100; v++) {
          big.append("  - name: chart")
              .append(c)
              .append("\n    version: 1.")
              .append(v)
              .append(".0\n");
          big.append("    description: ")
              .append("a long description of the chart ".repeat(8))
              .append('\n');
          big.append("    urls:\n    - https://example.com/chart-1.").append(v).append(".0.tgz\n");
        }
      }
      assertThat(big.length()).isGreaterThan(4 * 1024 * 1024);
      serve(big.toString(), Map.of());

      assertThat(source().listTags(chart("chart199"))).hasSize(100).contains("1.99.0");
    }

    @Test
    void revalidatesWithTheEtagAndReusesAnUnchangedIndex() {
      serve(INDEX, Map.of("ETag", "\"v1\""));
      HelmRepositorySource source = source();

      source.listTags(chart("podinfo"));
      List<String> again = source.listTags(chart("redis"));

      assertThat(again).containsExactly("18.0.0");
      assertThat(requests).hasSize(2);
      assertThat(requests.get(0)).doesNotContainKey("If-none-match");
      assertThat(requests.get(1).get("If-none-match")).containsExactly("\"v1\"");
    }

    @Test
    void aLaterRunReusesTheStoredIndexWhenTheServerSaysItIsUnchanged(@TempDir Path cache)
        throws IOException {
      serve(INDEX, Map.of("ETag", "\"v1\""));
      List<String> first =
          HelmRepositorySource.builder().cache(cache).build().listTags(chart("podinfo"));
      // the server would now answer an index that is not YAML: only a 304 can serve the next run
      routes.put(
          "/charts/index.yaml",
          new Response(200, "application/x-yaml", "{{ not yaml", Map.of("ETag", "\"v1\"")));

      HelmRepositorySource next = HelmRepositorySource.builder().cache(cache).build();

      assertThat(next.listTags(chart("podinfo"))).isEqualTo(first).hasSize(3);
      assertThat(next.chart(chart("podinfo"), "6.5.3"))
          .hasValueSatisfying(m -> assertThat(m.digest()).isEqualTo("sha256:" + "1".repeat(64)));
      assertThat(next.listTags(chart("redis"))).containsExactly("18.0.0");
      try (var files = Files.list(cache.resolve("indexes"))) {
        // named by a hash of the repository URL, which is not written (it may carry a user)
        assertThat(files)
            .singleElement()
            .satisfies(
                f ->
                    assertThat(Files.readString(f, StandardCharsets.ISO_8859_1))
                        .doesNotContain(base()));
      }
      // each read asks the server again, as within one run; none downloads the index
      assertThat(requests).hasSize(4);
      assertThat(requests.subList(1, 4))
          .allSatisfy(h -> assertThat(h.get("If-none-match")).containsExactly("\"v1\""));
    }

    @Test
    void aChangedIndexReplacesTheStoredOne(@TempDir Path cache) {
      serve(INDEX, Map.of("ETag", "\"v1\""));
      HelmRepositorySource.builder().cache(cache).build().listTags(chart("podinfo"));
      serve(INDEX.replace("version: 18.0.0", "version: 18.1.0"), Map.of("ETag", "\"v2\""));

      assertThat(HelmRepositorySource.builder().cache(cache).build().listTags(chart("redis")))
          .containsExactly("18.1.0");
      routes.remove("/charts/index.yaml");
      serve("{{ not yaml", Map.of("ETag", "\"v2\""));
      assertThat(HelmRepositorySource.builder().cache(cache).build().listTags(chart("redis")))
          .containsExactly("18.1.0");
    }

    @Test
    void keepsALastModifiedAloneOnlyWhenItIsASecondOlderThanTheAnswer() {
      String date = "Thu, 03 Dec 2026 10:42:10 GMT";
      assertThat(HelmRepositorySource.strong("Thu, 03 Dec 2026 10:42:09 GMT", date)).isTrue();
      assertThat(HelmRepositorySource.strong("Thu, 03 Dec 2026 10:42:10 GMT", date)).isFalse();
      assertThat(HelmRepositorySource.strong("Thu, 03 Dec 2026 10:42:09 GMT", null)).isFalse();
      assertThat(HelmRepositorySource.strong("yesterday", date)).isFalse();
      assertThat(HelmRepositorySource.strong(null, date)).isFalse();
    }

    @Test
    void storesNoIndexWhoseServerSendsNoStrongValidator(@TempDir Path cache) throws IOException {
      serve(INDEX, Map.of("ETag", "\"v1\""));
      HelmRepositorySource.builder().cache(cache).build().listTags(chart("podinfo"));
      assertThat(cache.resolve("indexes")).isNotEmptyDirectory();
      // the server now sends a Last-Modified of the same second as its answer: too weak to keep
      String now =
          java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
              java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
      serve(INDEX, Map.of("Last-Modified", now, "Date", now));

      HelmRepositorySource.builder().cache(cache).build().listTags(chart("podinfo"));

      assertThat(cache.resolve("indexes")).isEmptyDirectory();
    }

    @Test
    void deletesStoredIndexesNoRunHasUsedForAMonth(@TempDir Path cache) throws IOException {
      Path old = Files.createDirectories(cache.resolve("indexes")).resolve("0".repeat(64));
      Files.writeString(old, "an index of a repository no longer followed");
      Files.setLastModifiedTime(
          old,
          java.nio.file.attribute.FileTime.from(
              java.time.Instant.now().minus(StoredIndexes.UNUSED).minusSeconds(60)));
      serve(INDEX, Map.of("ETag", "\"v1\""));

      HelmRepositorySource.builder().cache(cache).build().listTags(chart("podinfo"));

      try (var files = Files.list(cache.resolve("indexes"))) {
        assertThat(files).singleElement().isNotEqualTo(old);
      }
    }

    @Test
    void aDamagedStoredIndexIsFetchedInFull(@TempDir Path cache) throws IOException {
      serve(INDEX, Map.of("ETag", "\"v1\""));
      HelmRepositorySource.builder().cache(cache).build().listTags(chart("podinfo"));
      try (var files = Files.list(cache.resolve("indexes"))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          byte[] b = Files.readAllBytes(f);
          Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
        }
      }
      requests.clear();

      assertThat(HelmRepositorySource.builder().cache(cache).build().listTags(chart("redis")))
          .containsExactly("18.0.0");
      assertThat(requests)
          .singleElement()
          .satisfies(h -> assertThat(h).doesNotContainKey("If-none-match"));
    }

    @Test
    void sharesOneDownloadAmongConcurrentCallers() throws Exception {
      serve(INDEX, Map.of());
      HelmRepositorySource source = source();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      CountDownLatch go = new CountDownLatch(1);
      routes.put("/charts/index.yaml", new Response(200, "application/x-yaml", INDEX, Map.of()));
      try {
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return source.listTags(chart("podinfo"));
                  }));
        }
        go.countDown();
        for (Future<List<String>> a : answers) {
          assertThat(a.get()).hasSize(3);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(requests.size()).isLessThan(6);
    }
  }

  @Nested
  class Faults {
    @Test
    void retriesA429AfterItsRetryAfter() {
      routes.put(
          "/charts/index.yaml",
          new Response(429, "text/plain", "slow down", Map.of("Retry-After", "3")));
      HelmRepositorySource source = source();
      server.createContext(
          "/charts/index.yaml",
          new com.sun.net.httpserver.HttpHandler() {
            private int calls;

            @Override
            public void handle(HttpExchange exchange) throws IOException {
              requests.add(Map.copyOf(exchange.getRequestHeaders()));
              if (calls++ == 0) {
                exchange.getResponseHeaders().set("Retry-After", "3");
                exchange.sendResponseHeaders(429, -1);
              } else {
                byte[] body = INDEX.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
              }
              exchange.close();
            }
          });

      assertThat(source.listTags(chart("redis"))).containsExactly("18.0.0");
      assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void namesTheRepositoryAndChartWhenTheChartIsMissing() {
      serve(INDEX, Map.of());

      assertThatThrownBy(() -> source().listTags(chart("nginx")))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "cannot list versions of chart \"nginx\" in "
                  + base()
                  + "/charts: the index lists no chart of that name (2 charts); check the chart name");
    }

    @Test
    void reportsAMissingIndex() {
      assertThatThrownBy(() -> source().listTags(chart("podinfo")))
          .isInstanceOf(RegistryException.class)
          .hasMessageEndingWith("has no index.yaml there (HTTP 404); check the repository URL");
    }

    @Test
    void reportsAnHtmlPage() {
      routes.put(
          "/charts/index.yaml",
          new Response(200, "text/html", "<html><body>login</body></html>", Map.of()));

      assertThatThrownBy(() -> source().listTags(chart("podinfo")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("answered an HTML page instead of index.yaml");
    }

    @Test
    void reportsInvalidYamlOnOneLine() {
      serve("apiVersion: v1\nentries:\n  podinfo: [\n", Map.of());

      assertThatThrownBy(() -> source().listTags(chart("podinfo")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("index.yaml is not valid YAML (")
          .matches(e -> !e.getMessage().contains("\n"), "one line");
    }

    @Test
    void reportsAnIndexWithoutEntries() {
      serve("apiVersion: v1\ngenerated: now\n", Map.of());

      assertThatThrownBy(() -> source().listTags(chart("podinfo")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(
              "index.yaml is not a Helm repository index (it has no \"entries\")");
    }

    @Test
    void doesNotSendCredentialsAlongARedirectToAnotherHost() throws IOException {
      HttpServer storage =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
      List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();
      storage.createContext(
          "/",
          exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = INDEX.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      storage.start();
      try {
        // "localhost" is another host name than 127.0.0.1 for the client
        routes.put(
            "/charts/index.yaml",
            new Response(
                302,
                "text/plain",
                "",
                Map.of(
                    "Location",
                    "http://localhost:" + storage.getAddress().getPort() + "/index.yaml")));
        HelmRepositorySource source =
            HelmRepositorySource.builder()
                .credentials("127.0.0.1:" + server.getAddress().getPort(), "ci", "s3cret")
                .build();

        assertThat(source.listTags(chart("redis"))).containsExactly("18.0.0");
        assertThat(requests.get(0)).containsKey("Authorization");
        assertThat(seen)
            .singleElement()
            .satisfies(h -> assertThat(h).doesNotContainKey("Authorization"));
      } finally {
        storage.stop(0);
      }
    }
  }

  @Nested
  class Packages {
    private static final String PACKAGE = "podinfo 1.0.0 package bytes";

    private String index(String digest, String url) {
      return "apiVersion: v1\nentries:\n  podinfo:\n  - name: podinfo\n    version: 1.0.0\n"
          + "    digest: "
          + digest
          + "\n    urls:\n    - "
          + url
          + "\n";
    }

    private String sha256(String text) {
      try {
        return java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Test
    void downloadsThePackageFromItsRelativeUrlCheckedAgainstTheIndexDigest() throws Exception {
      serve(index(sha256(PACKAGE), "podinfo-1.0.0.tgz"), Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));

      Optional<byte[]> archive = source().archive(chart("podinfo"), "1.0.0", 1 << 20);

      assertThat(archive).isPresent();
      assertThat(new String(archive.get(), StandardCharsets.UTF_8)).isEqualTo(PACKAGE);
      assertThat(source().chart(chart("podinfo"), "1.0.0"))
          .hasValueSatisfying(
              m -> {
                assertThat(m.name()).isEqualTo("podinfo");
                assertThat(m.digest()).isEqualTo("sha256:" + sha256(PACKAGE));
              });
      assertThat(source().archive(chart("podinfo"), "9.9.9", 1 << 20)).isEmpty();
    }

    @Test
    void namesAPackageByTheIndexDigestAndDownloadsItOnlyWhenAsked() throws Exception {
      serve(index(sha256(PACKAGE), "podinfo-1.0.0.tgz"), Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));
      HelmRepositorySource source = source();

      ChartArchive archive = source.archiveOf(chart("podinfo"), "1.0.0", 1 << 20).orElseThrow();

      assertThat(archive.digest()).isEqualTo("sha256:" + sha256(PACKAGE));
      assertThat(requests).hasSize(1); // the index only
      assertThat(new String(archive.bytes(), StandardCharsets.UTF_8)).isEqualTo(PACKAGE);
      assertThat(requests).hasSize(2);
    }

    @Test
    void aVersionWithoutADigestIsDownloadedAndHashed() throws Exception {
      serve(index("", "podinfo-1.0.0.tgz"), Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));

      ChartArchive archive = source().archiveOf(chart("podinfo"), "1.0.0", 1 << 20).orElseThrow();

      assertThat(archive.digest()).isEqualTo("sha256:" + sha256(PACKAGE));
      assertThat(new String(archive.bytes(), StandardCharsets.UTF_8)).isEqualTo(PACKAGE);
    }

    @Test
    void refusesAPackageWhoseDigestIsNotTheIndexs() throws Exception {
      serve(index(sha256("something else"), "podinfo-1.0.0.tgz"), Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));

      assertThatThrownBy(() -> source().archive(chart("podinfo"), "1.0.0", 1 << 20))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("podinfo")
          .hasMessageContaining("not the index's sha256:" + sha256("something else"));
    }

    @Test
    void refusesAPackageLargerThanTheLimitNamingIt() throws Exception {
      serve(index(sha256(PACKAGE), base() + "/charts/podinfo-1.0.0.tgz"), Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));

      assertThatThrownBy(() -> source().archive(chart("podinfo"), "1.0.0", 10))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("cannot download chart version \"1.0.0\"")
          .hasMessageContaining("10");
    }

    @Test
    void aKeptPackageIsReadFromTheCacheByTheIndexDigest(@TempDir Path cache) throws Exception {
      serve(index(sha256(PACKAGE), "podinfo-1.0.0.tgz"), Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));
      HelmRepositorySource first =
          HelmRepositorySource.builder().sleeper(sleeps::add).cache(cache).build();
      assertThat(first.archive(chart("podinfo"), "1.0.0", 1 << 20)).isPresent();
      int asked = requests.size(); // the index and the package
      routes.remove("/charts/podinfo-1.0.0.tgz");

      HelmRepositorySource second =
          HelmRepositorySource.builder().sleeper(sleeps::add).cache(cache).build();
      Optional<byte[]> archive = second.archive(chart("podinfo"), "1.0.0", 1 << 20);

      assertThat(archive)
          .hasValueSatisfying(
              b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo(PACKAGE));
      assertThat(requests).hasSize(asked + 1); // the index only
      assertThat(cache.resolve("sha256").resolve(sha256(PACKAGE))).exists();
    }

    @Test
    void sendsTheRepositoryCredentialsToNoOtherHost() throws Exception {
      serve(
          index(
              sha256(PACKAGE),
              "http://localhost:" + server.getAddress().getPort() + "/charts/podinfo-1.0.0.tgz"),
          Map.of());
      routes.put(
          "/charts/podinfo-1.0.0.tgz", new Response(200, "application/gzip", PACKAGE, Map.of()));
      HelmRepositorySource source =
          HelmRepositorySource.builder()
              .sleeper(sleeps::add)
              .credentials("127.0.0.1:" + server.getAddress().getPort(), "user", "s3cret-pass")
              .build();

      assertThat(source.archive(chart("podinfo"), "1.0.0", 1 << 20)).isPresent();
      assertThat(requests.get(0)).containsKey("Authorization");
      assertThat(requests.get(requests.size() - 1)).doesNotContainKey("Authorization");
    }
  }
}
