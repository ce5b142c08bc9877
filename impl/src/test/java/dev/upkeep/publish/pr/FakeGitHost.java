package dev.upkeep.publish.pr;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upkeep.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-process Git host API for tests: answers scripted JSON per {@code METHOD path?query} and
 * records every request exactly (method, path with query, headers, body).
 */
final class FakeGitHost implements AutoCloseable {
  record Request(String method, String target, Map<String, String> headers, String body) {
    Object json() {
      try {
        return Json.parse(body);
      } catch (Json.MalformedException e) {
        throw new IllegalArgumentException("the request body is not JSON: " + body, e);
      }
    }

    @Override
    public String toString() {
      return method + " " + target + (body.isEmpty() ? "" : " " + body);
    }
  }

  private record Answer(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new TreeMap<>();
  private final List<Request> requests = new ArrayList<>();

  FakeGitHost() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The API root, {@code http://127.0.0.1:PORT/api}. */
  URI api() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
  }

  /** Answers {@code "METHOD /api/path?query"} with {@code status} and a JSON body. */
  FakeGitHost on(String request, int status, String json) {
    synchronized (answers) {
      answers.put(request, new Answer(status, json));
    }
    return this;
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  List<String> lines() {
    return requests().stream().map(r -> r.method() + " " + r.target()).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestURI().getRawPath();
      if (ex.getRequestURI().getRawQuery() != null) {
        target += "?" + ex.getRequestURI().getRawQuery();
      }
      Map<String, String> headers = new TreeMap<>();
      ex.getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      synchronized (requests) {
        requests.add(new Request(ex.getRequestMethod(), target, headers, body));
      }
      Answer a;
      synchronized (answers) {
        a = answers.get(ex.getRequestMethod() + " " + target);
      }
      if (a == null) {
        a = new Answer(404, "{\"message\":\"Not Found\"}");
      }
      byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
