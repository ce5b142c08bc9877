package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
