package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UrlConnectionExchangeTest {
  private HttpServer server;
  private final List<String> seen = new ArrayList<>();
  private final List<String> accepts = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          synchronized (seen) {
            seen.add(
                exchange.getRequestMethod()
                    + " "
                    + exchange.getRequestURI()
                    + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            accepts.add(exchange.getRequestHeaders().getFirst("Accept"));
          }
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
          exchange.getResponseHeaders().add("Link", "</v2/a?last=0>; rel=\"first\"");
          exchange.getResponseHeaders().add("Link", "</v2/a?last=9>; rel=\"next\"");
          exchange.sendResponseHeaders(401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v2/");
  }

  @Test
  void neverAnswersAChallengeWithAHostApplicationsDefaultAuthenticator() {
    AtomicInteger asked = new AtomicInteger();
    Authenticator.setDefault(
        new Authenticator() {
          @Override
          protected PasswordAuthentication getPasswordAuthentication() {
            asked.incrementAndGet();
            return new PasswordAuthentication("host-app", "secret".toCharArray());
          }
        });
    try (HttpTransport transport = HttpTransport.builder().build()) {
      HttpReply reply = transport.fetch(HttpCall.get(uri()));

      assertThat(reply.status()).isEqualTo(401);
      assertThat(asked).hasValue(0);
      assertThat(seen).containsExactly("GET /v2/ null");
    } finally {
      Authenticator.setDefault(null);
    }
  }

  @Test
  void keepsARepeatedHeadersValuesInTheOrderSentAsTheJdkClientDoes() {
    try (HttpTransport transport = HttpTransport.builder().build()) {
      HttpReply reply = transport.fetch(HttpCall.get(uri()));

      assertThat(reply.header("link")).hasValue("</v2/a?last=0>; rel=\"first\"");
    }
  }

  @Test
  void acceptsAnythingUnlessTheCallSaysOtherwise() {
    try (HttpTransport transport = HttpTransport.builder().build()) {
      transport.fetch(HttpCall.get(uri()));
      transport.fetch(HttpCall.get(uri()).header("Accept", "application/json"));

      assertThat(accepts).containsExactly("*/*", "application/json");
    }
  }

  @Test
  void speaksTlsWithASelfSignedLoopbackServerAsWithAnInsecureHost(@TempDir Path tmp)
      throws Exception {
    Path keystore = tmp.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=registry.example",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(ks, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    HttpsServer tls =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tls.setHttpsConfigurator(new HttpsConfigurator(context));
    tls.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"tags\":[]}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    tls.start();
    try (HttpTransport transport = HttpTransport.builder().build()) {
      // a certificate for another name, signed by nobody: accepted only because loopback is
      // treated as an insecure host, as Docker does
      URI url = URI.create("https://127.0.0.1:" + tls.getAddress().getPort() + "/v2/a/tags/list");

      assertThat(transport.fetch(HttpCall.get(url)).text()).isEqualTo("{\"tags\":[]}");
    } finally {
      tls.stop(0);
    }
  }

  @Test
  void sendsAPostAndItsBodyOnce() {
    try (HttpTransport transport = HttpTransport.builder().build()) {
      HttpReply reply =
          transport.fetch(
              HttpCall.of("POST", uri())
                  .body("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));

      assertThat(reply.status()).isEqualTo(401);
      assertThat(seen).containsExactly("POST /v2/ null");
    }
  }
}
