package dev.upkeep.testing.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upkeep.testing.GitRemoteFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a {@link GitRemoteFixture} over smart HTTP: a JDK {@code HttpServer} on a free loopback
 * port that checks HTTP Basic credentials and hands each request to {@code git http-backend}, the
 * CGI program real Git servers use. Pushes run the repository's hooks. It records every request's
 * method, path and {@code Authorization} header so tests can check what a client sent.
 */
public final class GitHttpServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path projectRoot;
  private final String repository;
  private final String username;
  private final String password;
  private final GitCli cli;
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  private GitHttpServer(GitRemoteFixture remote, String username, String password)
      throws IOException {
    this.projectRoot = remote.directory().getParent();
    this.repository = projectRoot.relativize(remote.directory()).toString();
    this.username = username;
    this.password = password;
    this.cli = new GitCli(projectRoot.resolve("http-home"));
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/git/", this::handle);
    server.start();
  }

  /**
   * Serves {@code remote} at {@code http://127.0.0.1:PORT/git/remote.git}, answering 401 to any
   * request without the Basic credentials {@code username}/{@code password}.
   */
  public static GitHttpServer serve(GitRemoteFixture remote, String username, String password) {
    try {
      return new GitHttpServer(remote, username, password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an HTTP server on 127.0.0.1", e);
    }
  }

  /** The repository's URL, without credentials. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/git/" + repository;
  }

  /**
   * Every request so far as {@code METHOD PATH?QUERY AUTHORIZATION}, where the authorization is
   * {@code none}, {@code ok} or {@code wrong}.
   */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String verdict = auth == null ? "none" : authorized(auth) ? "ok" : "wrong";
      String query = ex.getRequestURI().getRawQuery();
      requests.add(
          ex.getRequestMethod()
              + " "
              + ex.getRequestURI().getRawPath()
              + (query == null ? "" : "?" + query)
              + " "
              + verdict);
      if (!verdict.equals("ok")) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      cgi(ex, query);
    }
  }

  private boolean authorized(String header) {
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(header.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] expected = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }

  private void cgi(HttpExchange ex, String query) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = pb.environment();
    cli.environment(env);
    env.put("GIT_PROJECT_ROOT", projectRoot.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("PATH_INFO", ex.getRequestURI().getPath().substring("/git".length()));
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("REQUEST_METHOD", ex.getRequestMethod());
    env.put("REMOTE_USER", username);
    env.put("REMOTE_ADDR", "127.0.0.1");
    env.put("SERVER_PROTOCOL", "HTTP/1.1");
    putHeader(ex, env, "Content-Type", "CONTENT_TYPE");
    putHeader(ex, env, "Content-Length", "CONTENT_LENGTH");
    putHeader(ex, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
    putHeader(ex, env, "Git-Protocol", "GIT_PROTOCOL");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    Thread feeder =
        new Thread(
            () -> {
              try (InputStream body = ex.getRequestBody();
                  OutputStream in = p.getOutputStream()) {
                body.transferTo(in);
              } catch (IOException ignored) {
                // the backend stopped reading; its answer says why
              }
            },
            "git-http-request");
    feeder.setDaemon(true);
    feeder.start();
    try (InputStream out = p.getInputStream()) {
      int status = 200;
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        int b = out.read();
        if (b < 0) {
          break;
        }
        if (b != '\n') {
          if (b != '\r') {
            line.write(b);
          }
          continue;
        }
        String header = line.toString(StandardCharsets.ISO_8859_1);
        line.reset();
        if (header.isEmpty()) {
          break;
        }
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).strip();
        String value = header.substring(colon + 1).strip();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.split(" ")[0]);
        } else {
          ex.getResponseHeaders().add(name, value);
        }
      }
      ex.sendResponseHeaders(status, 0);
      try (OutputStream body = ex.getResponseBody()) {
        out.transferTo(body);
      }
    } finally {
      try {
        p.waitFor();
        feeder.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void putHeader(
      HttpExchange ex, Map<String, String> env, String header, String variable) {
    String v = ex.getRequestHeaders().getFirst(header);
    if (v != null) {
      env.put(variable, v);
    }
  }
}
