package dev.upkeep.source.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upkeep.ArtifactRef;
import dev.upkeep.source.RegistryException;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.RegistrySourceContract;
import dev.upkeep.testing.oci.Fault;
import dev.upkeep.testing.oci.Pagination;
import dev.upkeep.testing.oci.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class OciRegistrySourceTest {
  private FakeOciRegistry registry;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    registry = FakeOciRegistry.start();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private OciRegistrySource.Builder builder() {
    return OciRegistrySource.builder().ignoreDockerConfig().sleeper(sleeps::add);
  }

  private OciRegistrySource source() {
    return builder().build();
  }

  @Nested
  class Contract {
    @TestFactory
    Stream<DynamicTest> holdsOnAPaginatingRegistry() {
      registry.pageSize(100);
      return RegistrySourceContract.of(registry, source()).tests();
    }

    @TestFactory
    Stream<DynamicTest> holdsWithAbsoluteLinksAndSmallPages() {
      registry.pageSize(100).pagination(Pagination.ABSOLUTE_LINKS);
      return RegistrySourceContract.of(registry, builder().pageSize(50).build()).tests();
    }

    @TestFactory
    Stream<DynamicTest> holdsWithTokenAuth() {
      registry.pageSize(100).requireTokenAuth("ci", "s3cret");
      return RegistrySourceContract.of(
              registry, builder().credentials(registry.host(), "ci", "s3cret").build())
          .tests();
    }

    @TestFactory
    Stream<DynamicTest> holdsWithAnonymousTokens() {
      registry.pageSize(100).requireAnonymousToken();
      return RegistrySourceContract.of(registry, source()).tests();
    }

    @TestFactory
    Stream<DynamicTest> holdsWithBasicAuth() {
      registry.pageSize(100).requireBasicAuth("ci", "s3cret");
      return RegistrySourceContract.of(
              registry, builder().credentials(registry.host(), "ci", "s3cret").build())
          .tests();
    }

    @TestFactory
    Stream<DynamicTest> holdsWhenTheRegistryIgnoresN() {
      registry.pagination(Pagination.IGNORE_N);
      return RegistrySourceContract.of(registry, source()).tests();
    }
  }

  @Nested
  class Pages {
    @BeforeEach
    void push() {
      for (int i = 0; i < 35; i++) {
        registry.pushImage("org/app", "1.0." + i);
      }
    }

    @Test
    void asksForItsPageSizeAndFollowsLinksToTheEnd() {
      List<String> tags = builder().pageSize(10).build().listTags(registry.imageRef("org/app"));

      assertThat(tags).hasSize(35).doesNotHaveDuplicates();
      assertThat(registry.requests())
          .extracting(RecordedRequest::query)
          .containsExactly("n=10", "n=10&last=1.0.17", "n=10&last=1.0.26", "n=10&last=1.0.4");
    }

    @Test
    void stopsALoopingTagListWithAnErrorInsteadOfLoopingForever() {
      registry.pageSize(10).pagination(Pagination.LOOPING_LINKS);

      assertThatThrownBy(() -> source().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("cannot list tags of " + registry.host() + "/org/app: ")
          .hasMessageContaining("pages loop");
      assertThat(registry.requests()).hasSizeLessThan(5);
    }

    @Test
    void capsTheNumberOfPagesWithAClearError() {
      registry.pageSize(5);

      assertThatThrownBy(() -> builder().maxPages(3).build().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("more than 3 pages (15 tags so far); raise maxPages");
    }

    @Test
    void answersAnEmptyListForARepositoryWithoutTags() {
      registry.pushImage("org/empty", "1");
      registry.deleteTag("org/empty", "1");

      assertThat(source().listTags(registry.imageRef("org/empty"))).isEmpty();
    }
  }

  @Nested
  class Auth {
    @Test
    void fetchesOneTokenPerRepositoryAndReusesIt() {
      registry.pushImage("org/app", "1");
      registry.pushImage("org/other", "1");
      registry.requireTokenAuth("ci", "s3cret");
      OciRegistrySource source = builder().credentials(registry.host(), "ci", "s3cret").build();

      source.listTags(registry.imageRef("org/app"));
      source.listTags(registry.imageRef("org/app"));
      source.digest(registry.imageRef("org/app"), "1");
      source.listTags(registry.imageRef("org/other"));

      assertThat(registry.tokensGranted()).isEqualTo(2);
      // one challenge, then two token requests (the second ahead of its API call) and four calls
      assertThat(registry.requests()).hasSize(7);
    }

    @Test
    void asksForATokenScopedToTheRepository() {
      registry.pushChart("charts/podinfo", "1.0.0");
      registry.requireAnonymousToken();

      source().listTags(registry.chartRef("charts/podinfo"));

      assertThat(registry.requests())
          .filteredOn(r -> r.path().equals("/token"))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.query())
                      .isEqualTo(
                          "service=fake-oci-registry&scope=repository%3Acharts%2Fpodinfo%3Apull"))
          .satisfies(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void renewsAnExpiredToken() throws Exception {
      registry.pushImage("org/app", "1");
      registry.requireAnonymousToken().tokenLifetime(Duration.ofSeconds(1));
      OciRegistrySource source = source();

      source.listTags(registry.imageRef("org/app"));
      Thread.sleep(1100);
      source.listTags(registry.imageRef("org/app"));

      assertThat(registry.tokensGranted()).isEqualTo(2);
    }

    @Test
    void readsCredentialsFromADockerConfigFile(@TempDir Path dir) throws IOException {
      registry.pushImage("org/app", "1");
      registry.requireBasicAuth("ci", "s3cret");
      Path config = dir.resolve("config.json");
      String auth =
          Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          config, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");

      List<String> tags =
          OciRegistrySource.builder()
              .dockerConfig(config)
              .build()
              .listTags(registry.imageRef("org/app"));

      assertThat(tags).containsExactly("1");
    }

    @Test
    void exchangesAnIdentityTokenFromTheDockerConfig(@TempDir Path dir) throws IOException {
      registry.pushChart("charts/podinfo", "1.0.0");
      registry.requireTokenAuth("<token>", "refresh-abc");
      Path config = dir.resolve("config.json");
      // as `az acr login` writes it: a placeholder user in auth, the secret in identitytoken
      String placeholder =
          Base64.getEncoder()
              .encodeToString(
                  "00000000-0000-0000-0000-000000000000:".getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          config,
          "{\"auths\":{\""
              + registry.host()
              + "\":{\"auth\":\""
              + placeholder
              + "\",\"identitytoken\":\"refresh-abc\"}}}");

      List<String> tags =
          OciRegistrySource.builder()
              .dockerConfig(config)
              .build()
              .listTags(registry.chartRef("charts/podinfo"));

      assertThat(tags).containsExactly("1.0.0");
      assertThat(registry.requests())
          .filteredOn(r -> r.path().equals("/token"))
          .singleElement()
          .satisfies(r -> assertThat(r.method()).isEqualTo("POST"));
    }

    @Test
    void reportsAWrongPasswordWithoutRevealingIt() {
      registry.pushImage("org/app", "1");
      registry.requireTokenAuth("ci", "s3cret");
      OciRegistrySource source =
          builder().credentials(registry.host(), "ci", "hunter2-wrong").build();

      assertThatThrownBy(() -> source.listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "cannot list tags of "
                  + registry.host()
                  + "/org/app: the token service "
                  + registry.host()
                  + " refused the credentials for "
                  + registry.host()
                  + " (HTTP 401); check the username and password or token from the source's"
                  + " credentials")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void reportsAWrongBasicPassword() {
      registry.pushImage("org/app", "1");
      registry.requireBasicAuth("ci", "s3cret");
      OciRegistrySource source =
          builder().credentials(registry.host(), "ci", "hunter2-wrong").build();

      assertThatThrownBy(() -> source.listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(registry.host() + "/org/app")
          .hasMessageContaining("refused the credentials")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void saysHowToLogInWhenCredentialsAreMissing() {
      registry.pushImage("org/app", "1");
      registry.requireBasicAuth("ci", "s3cret");

      assertThatThrownBy(() -> source().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("requires authentication and no credentials are configured")
          .hasMessageContaining("docker login " + registry.host());
    }

    @Test
    void neverSendsCredentialsToTheHostItIsRedirectedTo() {
      try (FakeOciRegistry storage = FakeOciRegistry.start()) {
        String digest = registry.pushImage("org/app", "1.0.0");
        storage.pushImage("org/app", "1.0.0");
        storage.pushImage("org/app", "1.0.1");
        registry.pushImage("org/app", "1.0.1");
        registry.requireTokenAuth("ci", "s3cret").redirectContentTo(storage);
        OciRegistrySource source = builder().credentials(registry.host(), "ci", "s3cret").build();

        assertThat(source.digest(registry.imageRef("org/app"), "1.0.0")).contains(digest);
        assertThat(source.digest(registry.imageRef("org/app"), "1.0.1")).isPresent();

        assertThat(storage.requests()).hasSize(2);
        assertThat(storage.requests())
            .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
        assertThat(registry.requests())
            .filteredOn(r -> r.path().contains("/manifests/"))
            .allSatisfy(r -> assertThat(r.status()).isIn(401, 307));
      }
    }
  }

  @Nested
  class Faults {
    @BeforeEach
    void push() {
      registry.pushImage("org/app", "1.0.0");
    }

    @Test
    void waitsTheRetryAfterSecondsOfA429ThenSucceeds() {
      registry.inject(Fault.rateLimited(Duration.ofSeconds(2)).matching("/tags/list"));

      assertThat(source().listTags(registry.imageRef("org/app"))).containsExactly("1.0.0");
      assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void understandsRetryAfterAsAnHttpDate() {
      registry.inject(Fault.rateLimitedUntil(Instant.now().plusSeconds(5)));

      assertThat(source().listTags(registry.imageRef("org/app"))).containsExactly("1.0.0");
      assertThat(sleeps)
          .singleElement()
          .satisfies(d -> assertThat(d).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5)));
    }

    @Test
    void backsOffExponentiallyWithJitterOnServerErrors() {
      registry
          .inject(Fault.status(500).times(1))
          .inject(Fault.status(502))
          .inject(Fault.status(503));

      assertThat(
              builder()
                  .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                  .build()
                  .listTags(registry.imageRef("org/app")))
          .containsExactly("1.0.0");
      assertThat(sleeps).hasSize(3);
      assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void givesUpAfterMaxAttemptsWithAOneLineMessage() {
      registry.inject(Fault.status(503).times(10));

      assertThatThrownBy(
              () -> builder().maxAttempts(3).build().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "cannot list tags of "
                  + registry.host()
                  + "/org/app: "
                  + registry.host()
                  + " failed with HTTP 503 3 times (UNAVAILABLE: injected fault); try again later");
      assertThat(sleeps).hasSize(2);
    }

    @Test
    void refusesToWaitLongerThanTheConfiguredRetryAfterCap() {
      registry.inject(Fault.rateLimited(Duration.ofHours(1)));

      assertThatThrownBy(() -> source().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("asks to wait 3600 s, longer than the 60 s this source waits");
      assertThat(sleeps).isEmpty();
    }

    @Test
    void retriesADroppedConnection() {
      // The JDK's HTTP client silently retries a dropped GET once; the second drop is ours.
      registry.inject(Fault.dropConnection().times(2));

      assertThat(source().listTags(registry.imageRef("org/app"))).containsExactly("1.0.0");
      assertThat(sleeps).hasSize(1);
      assertThat(registry.requests())
          .extracting(RecordedRequest::status)
          .containsExactly(0, 0, 200);
    }

    @Test
    void reportsATruncatedTagList() {
      registry.inject(Fault.truncatedBody());

      assertThatThrownBy(() -> source().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith(
              "cannot list tags of "
                  + registry.host()
                  + "/org/app: "
                  + registry.host()
                  + " answered a malformed tag list (the body ends early");
    }

    @Test
    void reportsAnHtmlPageInsteadOfATagList() {
      registry.inject(Fault.html());

      assertThatThrownBy(() -> source().listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(registry.host() + "/org/app")
          .hasMessageContaining("answered an HTML page instead of a tag list");
    }

    @Test
    void reportsAnHtmlPageInsteadOfAManifest() {
      registry.inject(Fault.html().times(2));

      assertThatThrownBy(() -> source().digest(registry.imageRef("org/app"), "1.0.0"))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("cannot resolve tag \"1.0.0\" of " + registry.host() + "/org/app")
          .hasMessageContaining("answered an HTML page instead of a manifest");
    }

    @Test
    void reportsAReadTimeout() {
      registry.inject(Fault.delay(Duration.ofSeconds(2)));

      assertThatThrownBy(
              () ->
                  builder()
                      .readTimeout(Duration.ofMillis(200))
                      .build()
                      .listTags(registry.imageRef("org/app")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(registry.host() + " did not answer within 200 ms");
    }
  }

  @Nested
  class BadInput {
    @Test
    void reportsAnUnknownHost() {
      ArtifactRef ref = ArtifactRef.parse("no-such-registry.invalid/org/app");

      assertThatThrownBy(() -> source().listTags(ref))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "cannot list tags of no-such-registry.invalid/org/app: cannot resolve host"
                  + " \"no-such-registry.invalid\"; check the registry name and the network or DNS");
    }

    @Test
    void reportsARegistryThatIsNotRunning() throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      ArtifactRef ref = ArtifactRef.parse("127.0.0.1:" + port + "/org/app");

      assertThatThrownBy(() -> source().listTags(ref))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith(
              "cannot list tags of 127.0.0.1:"
                  + port
                  + "/org/app: cannot connect to 127.0.0.1:"
                  + port)
          .hasMessageEndingWith("check the host and port and that the registry is running");
    }

    @Test
    void reportsARepositoryThatDoesNotExist() {
      assertThatThrownBy(() -> source().listTags(registry.chartRef("charts/nope")))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "cannot list tags of "
                  + registry.host()
                  + "/charts/nope: repository \"charts/nope\" not found on "
                  + registry.host()
                  + " (HTTP 404, NAME_UNKNOWN: repository name not known to registry: charts/nope);"
                  + " check the name, and the credentials if it is private");
    }

    @Test
    void reportsAnUnknownRepositoryWhenResolvingADigest() {
      assertThatThrownBy(() -> source().digest(registry.chartRef("charts/nope"), "1.0.0"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("repository \"charts/nope\" not found on " + registry.host());
    }

    @Test
    void rejectsATagThatCannotExist() {
      assertThatThrownBy(() -> source().digest(registry.chartRef("charts/podinfo"), "-1.0"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid tag \"-1.0\" for oci://" + registry.host());
    }

    @Test
    void doesNotServeHelmRepositoryReferences() {
      ArtifactRef helm =
          ArtifactRef.helmChart(java.net.URI.create("https://charts.example.com"), "app");

      assertThat(source().supports(helm)).isFalse();
      assertThatThrownBy(() -> source().listTags(helm))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAnInsecureRegistryWrittenAsAUrl() {
      assertThatThrownBy(
              () -> OciRegistrySource.builder().insecureRegistry("http://10.0.0.1:5000/"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("such as 127.0.0.1:5000");
    }
  }

  @Nested
  class Hosts {
    private Settings settings(String... insecure) {
      OciRegistrySource.Builder b = OciRegistrySource.builder();
      for (String host : insecure) {
        b.insecureRegistry(host);
      }
      return b.buildSettings();
    }

    @Test
    void allowsPlainHttpOnlyForLoopbackAndMarkedHosts() {
      Settings s = settings("registry.lan:5000", "10.0.0.7");

      assertThat(s.allowsPlainHttp("localhost:5000")).isTrue();
      assertThat(s.allowsPlainHttp("127.0.0.1:5000")).isTrue();
      assertThat(s.allowsPlainHttp("127.1.2.3")).isTrue();
      assertThat(s.allowsPlainHttp("[::1]:5000")).isTrue();
      assertThat(s.allowsPlainHttp("registry.lan:5000")).isTrue();
      assertThat(s.allowsPlainHttp("10.0.0.7:8080")).isTrue();
      assertThat(s.allowsPlainHttp("registry.lan:5001")).isFalse();
      assertThat(s.allowsPlainHttp("ghcr.io")).isFalse();
      assertThat(s.allowsPlainHttp("127.0.0.1.nip.io")).isFalse();
      assertThat(s.allowsPlainHttp("localhost.evil.com")).isFalse();
    }

    @Test
    void talksToDockerHubThroughItsApiHost() {
      assertThat(OciRegistrySource.apiHost(ArtifactRef.parse("nginx")))
          .isEqualTo("registry-1.docker.io");
      assertThat(OciRegistrySource.apiHost(ArtifactRef.parse("docker.io/bitnami/redis")))
          .isEqualTo("registry-1.docker.io");
      assertThat(OciRegistrySource.apiHost(ArtifactRef.parse("ghcr.io/org/app")))
          .isEqualTo("ghcr.io");
    }

    @Test
    void speaksPlainHttpToLoopbackWithoutATlsDetour() {
      registry.pushImage("org/app", "1");
      OciRegistrySource source = source();

      source.listTags(registry.imageRef("org/app"));
      source.listTags(registry.imageRef("org/app"));

      assertThat(registry.requests())
          .extracting(RecordedRequest::path)
          .containsOnly("/v2/org/app/tags/list")
          .hasSize(2);
    }
  }

  @Nested
  class Concurrency {
    @Test
    void concurrentCallersForTheSameArtifactShareOneFetch() throws Exception {
      registry.pushImage("org/app", "1");
      registry.latency(Duration.ofMillis(300));
      OciRegistrySource source = source();
      source.listTags(registry.imageRef("org/app")); // settle the scheme first
      registry.clearRequests();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return source.listTags(registry.imageRef("org/app"));
                  }));
        }
        go.countDown();
        for (Future<List<String>> answer : answers) {
          assertThat(answer.get()).containsExactly("1");
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(registry.requests()).hasSizeLessThanOrEqualTo(2);
    }
  }

  /**
   * Headers as real servers send them, which the fake registry does not: a loopback server whose
   * answers each test writes by hand.
   */
  @Nested
  class HandWrittenAnswers {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile Handler handler;

    @BeforeEach
    void startServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      server.createContext(
          "/",
          ex -> {
            try (ex) {
              String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
              seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + body);
              handler.handle(ex);
            }
          });
      server.start();
    }

    @AfterEach
    void stopServer() {
      server.stop(0);
    }

    private String host() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    private ArtifactRef app() {
      return ArtifactRef.parse(host() + "/org/app");
    }

    @Test
    void usesTheBearerChallengeWhenBasicIsOfferedInAnEarlierHeader() {
      handler =
          ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/token")) {
              send(ex, 200, "{\"token\":\"anon-tok\"}");
            } else if (!"Bearer anon-tok"
                .equals(ex.getRequestHeaders().getFirst("Authorization"))) {
              ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"reg\"");
              ex.getResponseHeaders()
                  .add(
                      "WWW-Authenticate",
                      "Bearer realm=\"http://" + host() + "/token\",service=\"reg\"");
              send(ex, 401, "");
            } else {
              send(ex, 200, "{\"name\":\"org/app\",\"tags\":[\"1.0.0\"]}");
            }
          };

      assertThat(source().listTags(app())).containsExactly("1.0.0");
    }

    @Test
    void keepsATokenWhoseExpiresInIsZeroForDockersDefaultMinute() throws Exception {
      handler =
          ex -> {
            if (ex.getRequestURI().getPath().equals("/token")) {
              send(ex, 200, "{\"token\":\"tok\",\"expires_in\":0}");
            } else if (!"Bearer tok".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
              ex.getResponseHeaders()
                  .add("WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\"");
              send(ex, 401, "");
            } else {
              send(ex, 200, "{\"name\":\"org/app\",\"tags\":[\"1.0.0\"]}");
            }
          };
      OciRegistrySource source = source();

      source.listTags(app());
      Thread.sleep(1100);
      source.listTags(app());

      assertThat(seen).filteredOn(r -> r.startsWith("GET /token")).hasSize(1);
    }

    @Test
    void followsANextLinkThatIsOnlyAQuery() {
      handler =
          ex -> {
            String query = String.valueOf(ex.getRequestURI().getQuery());
            if (!ex.getRequestURI().getPath().equals("/v2/org/app/tags/list")) {
              send(ex, 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"x\"}]}");
            } else if (query.contains("last=a")) {
              send(ex, 200, "{\"name\":\"org/app\",\"tags\":[\"b\"]}");
            } else {
              ex.getResponseHeaders().add("Link", "<?n=1&last=a>; rel=\"next\"");
              send(ex, 200, "{\"name\":\"org/app\",\"tags\":[\"a\"]}");
            }
          };

      assertThat(source().listTags(app())).containsExactly("a", "b");
    }

    @Test
    void findsTheNextLinkInALaterLinkHeader() {
      handler =
          ex -> {
            String query = String.valueOf(ex.getRequestURI().getQuery());
            if (query.contains("last=a")) {
              send(ex, 200, "{\"name\":\"org/app\",\"tags\":[\"b\"]}");
            } else {
              ex.getResponseHeaders().add("Link", "</v2/org/app/tags/list?n=1>; rel=\"first\"");
              ex.getResponseHeaders()
                  .add("Link", "</v2/org/app/tags/list?n=1&last=a>; rel=\"next\"");
              send(ex, 200, "{\"name\":\"org/app\",\"tags\":[\"a\"]}");
            }
          };

      assertThat(source().listTags(app())).containsExactly("a", "b");
    }

    @Test
    void neverSendsARefreshTokenToTheHostATokenServiceRedirectsTo() throws IOException {
      HttpServer other =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      List<String> otherSeen = new CopyOnWriteArrayList<>();
      other.createContext(
          "/",
          ex -> {
            try (ex) {
              otherSeen.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
              send(ex, 200, "{\"token\":\"stolen\"}");
            }
          });
      other.start();
      try {
        String otherHost = "localhost:" + other.getAddress().getPort();
        handler =
            ex -> {
              if (ex.getRequestURI().getPath().equals("/token")) {
                ex.getResponseHeaders().add("Location", "http://" + otherHost + "/token");
                send(ex, 307, "");
              } else {
                ex.getResponseHeaders()
                    .add(
                        "WWW-Authenticate",
                        "Bearer realm=\"http://" + host() + "/token\",service=\"reg\"");
                send(ex, 401, "");
              }
            };
        OciRegistrySource source =
            builder().credentials(host(), "<token>", "refresh-7f3a9c").build();

        Throwable e = catchThrowable(() -> source.listTags(app()));

        assertThat(seen).anySatisfy(r -> assertThat(r).startsWith("POST /token"));
        assertThat(otherSeen).allSatisfy(body -> assertThat(body).doesNotContain("refresh-7f3a9c"));
        assertThat(e)
            .isInstanceOf(RegistryException.class)
            .hasMessageContaining(otherHost)
            .hasMessageNotContaining("refresh-7f3a9c");
      } finally {
        other.stop(0);
      }
    }
  }

  private interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
