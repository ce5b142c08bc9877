package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upkeep.ArtifactRef;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.pr.ForgeClients;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.helm.HelmSources;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.source.oci.OciSources;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.oci.Fault;
import dev.upkeep.testing.oci.Pagination;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Registry and forge faults, each survived by recovering or with a clear error that names the host
 * or URL and carries no secret. Prints the figure the README quotes.
 */
class RegistryAndForgeFaultsTest {
  private static final String PASSWORD = "pw-3c2b1a0f9e";
  private static final String TOKEN = "ghp-tok-9f8e7d6c5b";
  private static final String PROXY_SECRET = "proxy-s3cret-77";
  private static final Set<String> KINDS = new ConcurrentSkipListSet<>();
  private static final Set<String> RECOVERED = new ConcurrentSkipListSet<>();
  private static final Set<String> CLEAR = new ConcurrentSkipListSet<>();

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @AfterAll
  static void printTheFigure() {
    System.out.println(
        "registry and forge faults: "
            + KINDS.size()
            + " kinds, "
            + (RECOVERED.size() + CLEAR.size())
            + " survived ("
            + RECOVERED.size()
            + " recovered, "
            + CLEAR.size()
            + " with a clear error)");
  }

  private static void recovered(String kind) {
    RECOVERED.add(kind);
  }

  /** Asserts {@code error} is a one-line, typed message naming {@code where} with no secret. */
  private static void clearError(
      String kind, Throwable error, Class<? extends Throwable> type, String where) {
    assertThat(error).isInstanceOf(type);
    assertThat(error.getMessage())
        .contains(where)
        .doesNotContain(PASSWORD, TOKEN, PROXY_SECRET, "\n");
    CLEAR.add(kind);
  }

  @Nested
  class Registries {
    private FakeOciRegistry registry;
    private ArtifactRef app;

    @BeforeEach
    void start() {
      registry = FakeOciRegistry.start().requireTokenAuth("ci", PASSWORD);
      registry.pushImage("org/app", "1.0.0");
      app = registry.imageRef("org/app");
    }

    @AfterEach
    void stop() {
      registry.close();
    }

    private OciRegistrySource source() {
      return OciSources.withSleeper(sleeps::add)
          .credentials(registry.host(), "ci", PASSWORD)
          .build();
    }

    @Test
    void waitsOutA429sRetryAfterAndSucceeds() {
      KINDS.add("registry 429 with Retry-After");
      registry.inject(Fault.rateLimited(Duration.ofSeconds(3)).matching("/tags/list"));

      assertThat(source().listTags(app)).containsExactly("1.0.0");
      assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
      recovered("registry 429 with Retry-After");
    }

    @Test
    void retriesServerErrorsAndSucceeds() {
      KINDS.add("registry 5xx then success");
      registry.inject(Fault.status(502).matching("/tags/list").times(2));

      assertThat(source().listTags(app)).containsExactly("1.0.0");
      assertThat(sleeps).hasSize(2);
      recovered("registry 5xx then success");
    }

    @Test
    void givesUpOnServerErrorsForeverAfterBoundedAttempts() {
      KINDS.add("registry 5xx forever");
      registry.inject(Fault.status(503).matching("/tags/list").times(100));

      Throwable e = catchThrowable(() -> source().listTags(app));

      clearError("registry 5xx forever", e, RegistryException.class, registry.host());
      assertThat(e).hasMessageContaining("failed with HTTP 503 4 times");
      assertThat(sleeps).hasSize(3);
    }

    @Test
    void reportsABodyCutShortOfItsContentLength() {
      KINDS.add("registry truncated body");
      registry.inject(Fault.cutBody().matching("/tags/list").times(100));

      Throwable e = catchThrowable(() -> source().listTags(app));

      clearError(
          "registry truncated body",
          e,
          RegistryException.class,
          "http://" + registry.host() + "/v2/org/app/tags/list");
      assertThat(e).hasMessageContaining("the connection closed early");
      assertThat(e.getMessage()).containsPattern("ended after \\d+ of \\d+ bytes");
    }

    @Test
    void refusesAManifestOverFourMebibytesWithoutReadingIt() {
      KINDS.add("registry oversized manifest");
      registry.inject(Fault.oversizedBody(5L << 20).matching("/manifests/").times(2));

      Throwable e = catchThrowable(() -> source().digest(app, "1.0.0"));

      clearError(
          "registry oversized manifest",
          e,
          RegistryException.class,
          "http://" + registry.host() + "/v2/org/app/manifests/1.0.0");
      assertThat(e).hasMessageContaining("larger than the limit of 4 MiB (5 MiB)");
    }

    @Test
    void neverSendsCredentialsToTheHostItIsRedirectedTo() {
      KINDS.add("registry redirect to another host");
      try (FakeOciRegistry storage = FakeOciRegistry.start()) {
        storage.pushImage("org/app", "1.0.0").length();
        storage.requireBasicAuth("ci", PASSWORD);
        registry.redirectContentTo(storage);

        Throwable e = catchThrowable(() -> source().digest(app, "1.0.0"));

        clearError("registry redirect to another host", e, RegistryException.class, storage.host());
        assertThat(e).hasMessageContaining("they are only ever sent to " + registry.host());
        assertThat(storage.requests())
            .isNotEmpty()
            .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
      }
    }

    @Test
    void stopsALinkLoop() {
      KINDS.add("registry Link loop");
      registry.pageSize(1).pagination(Pagination.LOOPING_LINKS);
      registry.pushImage("org/app", "1.0.1");

      Throwable e = catchThrowable(() -> source().listTags(app));

      clearError("registry Link loop", e, RegistryException.class, registry.host());
      assertThat(e).hasMessageContaining("pages loop");
    }

    @Test
    void reportsARegistryThatDoesNotAnswerInTime() {
      KINDS.add("registry timeout");
      registry.inject(Fault.delay(Duration.ofSeconds(2)).matching("/tags/list"));

      Throwable e =
          catchThrowable(
              () ->
                  OciSources.withSleeper(sleeps::add)
                      .credentials(registry.host(), "ci", PASSWORD)
                      .readTimeout(Duration.ofMillis(300))
                      .build()
                      .listTags(app));

      clearError("registry timeout", e, RegistryException.class, registry.host());
      assertThat(e).hasMessageContaining("did not answer within 300 ms");
    }

    @Test
    void survivesDroppedConnections() {
      KINDS.add("registry dropped connection");
      registry.inject(Fault.dropConnection().matching("/tags/list").times(2));

      assertThat(source().listTags(app)).containsExactly("1.0.0");
      recovered("registry dropped connection");
    }
  }

  @Nested
  class HelmIndexes {
    @Test
    void refusesAnIndexOverItsCapWhileStreamingIt() throws IOException {
      KINDS.add("helm index over its cap");
      try (Server server = new Server()) {
        // Chunked: no Content-Length tells the size up front, so the stream must count.
        byte[] index =
            ("apiVersion: v1\nentries:\n" + "# padding of a huge index\n".repeat(120_000))
                .getBytes(UTF8);
        server.handle(ex -> server.send(ex, 200, 0, index));
        ArtifactRef chart = ArtifactRef.helmChart(server.url("/charts"), "podinfo");

        Throwable e =
            catchThrowable(
                () ->
                    HelmSources.withSleeper(sleeps::add)
                        .credentials(server.authority(), "ci", PASSWORD)
                        .maxIndexBytes(1L << 20)
                        .build()
                        .listTags(chart));

        clearError(
            "helm index over its cap",
            e,
            RegistryException.class,
            server.url("/charts/index.yaml").toString());
        assertThat(e).hasMessageContaining("larger than the limit of 1 MiB");
      }
    }
  }

  @Nested
  class Forges {
    private Server server;

    @BeforeEach
    void start() throws IOException {
      server = new Server();
    }

    @AfterEach
    void stop() {
      server.close();
    }

    private Function<String, Object> github() {
      return ForgeClients.github(server.url("/api"), TOKEN, Duration.ofSeconds(5), sleeps::add);
    }

    @Test
    void waitsOutA429sRetryAfterAndSucceeds() {
      KINDS.add("forge 429 with Retry-After");
      AtomicInteger calls = new AtomicInteger();
      server.handle(
          ex -> {
            if (calls.incrementAndGet() == 1) {
              ex.getResponseHeaders().set("Retry-After", "7");
              server.send(ex, 429, -1, "{\"message\":\"slow down\"}".getBytes(UTF8));
            } else {
              server.send(ex, 200, -1, "{\"number\":7}".getBytes(UTF8));
            }
          });

      assertThat(github().apply("/repos/org/fleet/pulls/7")).isEqualTo(Map.of("number", 7L));
      assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
      recovered("forge 429 with Retry-After");
    }

    @Test
    void givesUpOnServerErrorsForeverAfterBoundedAttempts() {
      KINDS.add("forge 5xx forever");
      server.handle(ex -> server.send(ex, 502, -1, "{\"message\":\"bad gateway\"}".getBytes(UTF8)));

      Throwable e = catchThrowable(() -> github().apply("/repos/org/fleet/pulls"));

      clearError("forge 5xx forever", e, ChangeRequestException.class, server.authority());
      assertThat(e).hasMessageContaining("failed with HTTP 502 4 times");
      assertThat(sleeps).hasSize(3);
    }

    @Test
    void refusesJsonOverItsCap() {
      KINDS.add("forge JSON over its cap");
      server.handle(ex -> server.send(ex, 200, -1, new byte[9 << 20]));

      Throwable e = catchThrowable(() -> github().apply("/repos/org/fleet/pulls"));

      clearError(
          "forge JSON over its cap",
          e,
          ChangeRequestException.class,
          server.url("/api/repos/org/fleet/pulls").toString());
      assertThat(e).hasMessageContaining("larger than the limit of 8 MiB");
    }

    @Test
    void neverFollowsARedirectWithTheToken() throws IOException {
      KINDS.add("forge redirect to another host");
      try (Server other = new Server()) {
        other.handle(ex -> other.send(ex, 200, -1, "{}".getBytes(UTF8)));
        server.handle(
            ex -> {
              ex.getResponseHeaders()
                  .set("Location", "http://localhost:" + other.port() + "/api/repos/org/fleet");
              server.send(ex, 302, -1, new byte[0]);
            });

        Throwable e = catchThrowable(() -> github().apply("/repos/org/fleet"));

        clearError(
            "forge redirect to another host", e, ChangeRequestException.class, "answered 302");
        assertThat(other.requests).isEmpty();
      }
    }

    @Test
    void refusesToSendTheTokenOverPlainHttpToARemoteHost() {
      KINDS.add("forge plain http with a credential");
      Function<String, Object> remote =
          ForgeClients.github(
              URI.create("http://forge.example.invalid/api"),
              TOKEN,
              Duration.ofSeconds(5),
              sleeps::add);

      Throwable e = catchThrowable(() -> remote.apply("/repos/org/fleet"));

      clearError(
          "forge plain http with a credential",
          e,
          ChangeRequestException.class,
          "forge.example.invalid");
      assertThat(e).hasMessageContaining("refusing to send credentials");
    }

    @Test
    void reportsAForgeThatDoesNotAnswerInTime() {
      KINDS.add("forge timeout");
      server.handle(
          ex -> {
            try {
              Thread.sleep(2000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            server.send(ex, 200, -1, "{}".getBytes(UTF8));
          });

      Throwable e =
          catchThrowable(
              () ->
                  ForgeClients.github(
                          server.url("/api"), TOKEN, Duration.ofMillis(300), sleeps::add)
                      .apply("/repos/org/fleet"));

      clearError("forge timeout", e, ChangeRequestException.class, server.authority());
      assertThat(e).hasMessageContaining("did not answer within 300 ms");
    }
  }

  @Nested
  class Proxies {
    @Test
    void sendsThroughHttpProxyExceptForNoProxyHostsAndNeverShowsItsPassword() throws IOException {
      KINDS.add("proxy selection");
      try (Server proxy = new Server()) {
        proxy.handle(ex -> proxy.send(ex, 200, -1, "{}".getBytes(UTF8)));
        HttpTransport transport =
            HttpTransport.builder()
                .sleeper(sleeps::add)
                .proxies(
                    ProxyRules.from(
                        new Properties(),
                        Map.of(
                            "HTTP_PROXY",
                            "http://squid:" + PROXY_SECRET + "@127.0.0.1:" + proxy.port(),
                            "NO_PROXY",
                            "bypass.invalid, .internal.invalid")))
                .build();

        HttpReply viaProxy =
            transport.fetch(HttpCall.get(URI.create("http://registry.invalid/v2/")));
        Throwable direct =
            catchThrowable(
                () -> transport.fetch(HttpCall.get(URI.create("http://git.internal.invalid/"))));

        assertThat(viaProxy.status()).isEqualTo(200);
        assertThat(proxy.requests).containsExactly("GET http://registry.invalid/v2/");
        clearError("proxy selection", direct, HttpFailure.class, "git.internal.invalid");
        assertThat(((HttpFailure) direct).kind()).isEqualTo(HttpFailure.Kind.UNKNOWN_HOST);
        assertThat(transport.toString()).doesNotContain(PROXY_SECRET);
      }
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** A loopback HTTP server answering every request with one handler, recording request lines. */
  private static final class Server implements AutoCloseable {
    interface Handler {
      void handle(HttpExchange ex) throws IOException;
    }

    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile Handler handler = ex -> send(ex, 404, -1, new byte[0]);

    Server() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      server.createContext(
          "/",
          ex -> {
            try (ex) {
              requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
              handler.handle(ex);
            }
          });
      server.start();
    }

    void handle(Handler h) {
      this.handler = h;
    }

    int port() {
      return server.getAddress().getPort();
    }

    String authority() {
      return "127.0.0.1:" + port();
    }

    URI url(String path) {
      return URI.create("http://" + authority() + path);
    }

    /** Sends {@code body}; {@code length} 0 means chunked, -1 means its own length. */
    void send(HttpExchange ex, int status, long length, byte[] body) throws IOException {
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : length == -1 ? body.length : length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        } catch (IOException clientGaveUp) {
          // a client that stops at its limit closes the connection mid-body
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
