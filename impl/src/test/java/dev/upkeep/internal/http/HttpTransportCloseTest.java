package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpTransportCloseTest {
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
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

  /** The live threads the transport's HTTP clients started. */
  private static List<Thread> connectionThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t -> t.getThreadGroup() != null && t.getThreadGroup().getName().equals("upkeep-http"))
        .collect(Collectors.toList());
  }

  /** A call the JDK client makes (HttpURLConnection has no PATCH), which starts its threads. */
  private HttpCall patch() {
    return HttpCall.of("PATCH", uri()).body("application/json", new byte[] {'{', '}'});
  }

  @Test
  void closeStopsTheConnectionThreadsSoTheJvmCanExitAtOnceAndALaterCallStillWorks()
      throws InterruptedException {
    List<Thread> before = connectionThreads(); // other transports' threads, left to them
    HttpTransport transport = HttpTransport.builder().build();
    assertThat(transport.fetch(patch()).text()).isEqualTo("hello");
    List<Thread> started = connectionThreads();
    started.removeAll(before);
    assertThat(started).isNotEmpty();

    transport.close();

    for (Thread t : started) {
      t.join(5000);
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
    assertThat(transport.fetch(patch()).text()).isEqualTo("hello");
    transport.close();
  }

  @Test
  void aDirectGetStartsNoConnectionThread() {
    List<Thread> before = connectionThreads();
    try (HttpTransport transport = HttpTransport.builder().build()) {
      assertThat(transport.fetch(HttpCall.get(uri())).text()).isEqualTo("hello");
      assertThat(connectionThreads()).containsExactlyInAnyOrderElementsOf(before);
    }
  }

  @Test
  void aTransportThatNeverCalledStartsNoThreads() {
    List<Thread> before = connectionThreads();
    HttpTransport transport = HttpTransport.builder().build();
    assertThat(connectionThreads()).containsExactlyInAnyOrderElementsOf(before);
    transport.close();
  }
}
