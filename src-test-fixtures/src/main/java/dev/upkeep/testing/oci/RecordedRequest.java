package dev.upkeep.testing.oci;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request {@link dev.upkeep.testing.FakeOciRegistry} answered: what was asked, with which
 * headers, and the status it got. Use it to check that a client sent the right {@code Accept},
 * cached its token, or never sent credentials to a host it was redirected to.
 *
 * <p>Immutable.
 */
public final class RecordedRequest {
  private final String method;
  private final String path;
  private final String query;
  private final Map<String, List<String>> headers;
  private final int status;

  /** Records a request; header names are compared without regard to case. */
  public RecordedRequest(
      String method, String path, String query, Map<String, List<String>> headers, int status) {
    this.method = method;
    this.path = path;
    this.query = query == null ? "" : query;
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    this.headers = copy;
    this.status = status;
  }

  /** {@code GET}, {@code HEAD}, ... */
  public String method() {
    return method;
  }

  /** The path without the query: {@code /v2/charts/podinfo/tags/list}. */
  public String path() {
    return path;
  }

  /** The raw query without {@code ?}, empty when there was none. */
  public String query() {
    return query;
  }

  /** The first value of header {@code name}, in any case. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** All headers, names in lower case. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The status the registry answered with; 0 when it dropped the connection. */
  public int status() {
    return status;
  }

  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + status;
  }
}
