package dev.upkeep.publish.pr;

import dev.upkeep.internal.Json;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.OpenChangeRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends JSON requests to one Git host's REST API with the JDK {@code HttpClient}. Never follows
 * redirects (the token must not travel to another host) and never puts the token in a message.
 */
final class RestClient {
  private static final HttpClient SHARED =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final String hostName;
  private final String repository;
  private final String base;
  private final Map<String, String> headers;
  private final Duration timeout;

  RestClient(
      String hostName,
      String repository,
      URI apiUrl,
      Map<String, String> headers,
      Duration timeout) {
    this.hostName = hostName;
    this.repository = repository;
    String b = apiUrl.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.headers = Map.copyOf(headers);
    this.timeout = timeout;
  }

  Object get(String path) {
    return send("GET", path, null);
  }

  /** Sends a request and returns the parsed JSON answer (null for an empty body). */
  Object send(String method, String path, Object body) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("User-Agent", "upkeep");
    headers.forEach(r::setHeader);
    if (body == null) {
      r.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      r.header("Content-Type", "application/json");
      r.method(method, HttpRequest.BodyPublishers.ofString(Json.compact(body)));
    }
    HttpResponse<String> response;
    try {
      response = SHARED.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChangeRequestException(
          "cannot reach " + hostName + " at " + base + " for " + repository + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChangeRequestException("interrupted while talking to " + hostName, e);
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw new ChangeRequestException(
          hostName
              + " answered "
              + status
              + " to "
              + method
              + " "
              + pathOnly(path)
              + " for "
              + repository
              + explain(status, response.body()));
    }
    String text = response.body();
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Json.parse(text);
    } catch (Json.MalformedException e) {
      throw new ChangeRequestException(
          hostName + " sent an answer that is not JSON to " + method + " " + pathOnly(path), e);
    }
  }

  private static String pathOnly(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static String explain(int status, String body) {
    String hint =
        status == 401
            ? " (the token is missing, wrong or expired)"
            : status == 403
                ? " (the token lacks a permission)"
                : status == 404 ? " (no such repository, or the token cannot see it)" : "";
    String said = "";
    try {
      Object json = Json.parse(body == null ? "" : body);
      if (json instanceof Map<?, ?>) {
        Object m = ((Map<?, ?>) json).get("message");
        if (m == null) {
          m = ((Map<?, ?>) json).get("error");
        }
        Object errors = ((Map<?, ?>) json).get("errors");
        said = m == null ? "" : m.toString();
        if (errors instanceof List<?> && !((List<?>) errors).isEmpty()) {
          said += " " + Json.compact(errors);
        }
      }
    } catch (Json.MalformedException notJson) {
      said = "";
    }
    if (said.length() > 300) {
      said = said.substring(0, 300) + "...";
    }
    return hint + (said.isBlank() ? "" : ": " + said.strip());
  }

  static String text(Object json, String key) {
    if (json instanceof Map<?, ?>) {
      Object v = ((Map<?, ?>) json).get(key);
      return v == null ? null : v.toString();
    }
    return null;
  }

  static long number(Object json, String key, String host) {
    if (json instanceof Map<?, ?>) {
      Object v = ((Map<?, ?>) json).get(key);
      if (v instanceof Number) {
        return ((Number) v).longValue();
      }
    }
    throw new ChangeRequestException(host + " sent no \"" + key + "\" in its answer");
  }

  static Object field(Object json, String key) {
    return json instanceof Map<?, ?> ? ((Map<?, ?>) json).get(key) : null;
  }

  static List<?> list(Object json) {
    return json instanceof List<?> ? (List<?>) json : List.of();
  }

  /**
   * A GitHub-shaped pull request (GitHub, Gitea) as an {@link OpenChangeRequest} when its head is a
   * branch of {@code repository} starting with {@code prefix} and its base is {@code target}; else
   * null.
   */
  static OpenChangeRequest pullFrom(
      Object pr, String repository, String prefix, String target, String host) {
    Object head = field(pr, "head");
    String ref = text(head, "ref");
    String from = text(field(head, "repo"), "full_name");
    if (ref == null
        || !ref.startsWith(prefix)
        || !repository.equalsIgnoreCase(from)
        || !target.equals(text(field(pr, "base"), "ref"))) {
      return null;
    }
    return new OpenChangeRequest(
        number(pr, "number", host), URI.create(text(pr, "html_url")), ref, target);
  }

  /** Comments on a GitHub-shaped pull request (GitHub, Gitea), then closes it. */
  void commentThenClose(String repositoryPath, long number, String comment) {
    send("POST", repositoryPath + "/issues/" + number + "/comments", Map.of("body", comment));
    send("PATCH", repositoryPath + "/pulls/" + number, Map.of("state", "closed"));
  }
}
