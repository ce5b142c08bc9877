package dev.upkeep.publish.pr;

import dev.upkeep.internal.http.HttpCall;
import dev.upkeep.internal.http.HttpFailure;
import dev.upkeep.internal.http.HttpReply;
import dev.upkeep.internal.http.HttpTransport;
import dev.upkeep.internal.http.Sleeper;
import dev.upkeep.json.Json;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.OpenChangeRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends JSON requests to one Git host's REST API on Upkeep's one {@link HttpTransport} (retries of
 * {@code 429}/{@code 5xx}, proxies, answers capped at {@link #JSON_LIMIT}). Never follows redirects
 * (the token must not travel to another host), sends the token only over HTTPS or to loopback, and
 * never puts it in a message.
 */
final class RestClient implements AutoCloseable {
  /** The largest answer read: API pages are kilobytes, a few MiB is room for any. */
  static final long JSON_LIMIT = 8L << 20;

  private final HttpTransport transport;
  private final String hostName;
  private final String repository;
  private final String base;
  private final Map<String, String> headers;

  RestClient(
      String hostName,
      String repository,
      URI apiUrl,
      Map<String, String> headers,
      Duration timeout) {
    this(hostName, repository, apiUrl, headers, timeout, Sleeper.REAL);
  }

  RestClient(
      String hostName,
      String repository,
      URI apiUrl,
      Map<String, String> headers,
      Duration timeout,
      Sleeper sleeper) {
    this.transport =
        HttpTransport.builder()
            .readTimeout(timeout)
            .serverNoun(hostName + " API")
            .userAgent("upkeep")
            .sleeper(sleeper)
            .errorDetail(r -> explain(0, r.text()))
            .build();
    this.hostName = hostName;
    this.repository = repository;
    String b = apiUrl.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.headers = Map.copyOf(headers);
  }

  Object get(String path) {
    return send("GET", path, null);
  }

  /** Sends a request and returns the parsed JSON answer (null for an empty body). */
  Object send(String method, String path, Object body) {
    HttpCall call =
        HttpCall.of(method, URI.create(base + path))
            .header("Accept", "application/json")
            .limit(JSON_LIMIT);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      // Every header the opener passes but Accept and the API version carries the token.
      boolean secret = !h.getKey().equalsIgnoreCase("Accept") && !h.getKey().startsWith("X-GitHub");
      call =
          secret
              ? call.credential(h.getKey(), h.getValue())
              : call.header(h.getKey(), h.getValue());
    }
    if (body != null) {
      call = call.body("application/json", Json.compact(body).getBytes(StandardCharsets.UTF_8));
    }
    HttpReply response;
    try {
      response = transport.fetch(call);
    } catch (HttpFailure e) {
      throw new ChangeRequestException(
          "cannot talk to "
              + hostName
              + " at "
              + base
              + " for "
              + repository
              + ": "
              + e.getMessage(),
          e);
    }
    int status = response.status();
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
              + explain(status, response.text()));
    }
    String text = response.text();
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
    if (status == 403 && said.toLowerCase(java.util.Locale.ROOT).contains("rate limit")) {
      // GitHub answers 403, not 429, when a primary or secondary rate limit is reached
      hint = " (rate-limited; try again later)";
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

  @Override
  public void close() {
    transport.close();
  }
}
