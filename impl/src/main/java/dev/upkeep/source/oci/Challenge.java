package dev.upkeep.source.oci;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code WWW-Authenticate} header: {@code Bearer realm="...",service="...",scope="..."} or
 * {@code Basic realm="..."}.
 */
final class Challenge {
  enum Scheme {
    BASIC,
    BEARER
  }

  final Scheme scheme;
  final Map<String, String> params;

  private Challenge(Scheme scheme, Map<String, String> params) {
    this.scheme = scheme;
    this.params = params;
  }

  /**
   * The challenge to answer among those {@code header} offers (RFC 7235: several challenges, comma
   * separated, as one header or the values of several joined with {@code ", "}): Bearer before
   * Basic, as Docker chooses; empty when it offers neither.
   */
  static Optional<Challenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Challenge basic = null;
    String h = header;
    int i = 0;
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (true) {
      i = skip(h, i, " \t,");
      if (i >= h.length()) {
        break;
      }
      int end = i;
      while (end < h.length() && " \t,=".indexOf(h.charAt(end)) < 0) {
        end++;
      }
      String token = h.substring(i, end);
      int after = skip(h, end, " \t");
      boolean isParam =
          scheme != null && after < h.length() && h.charAt(after) == '=' && !token68Ends(h, after);
      if (!isParam) {
        // a new challenge: the one before it is complete
        Challenge done = of(scheme, params);
        if (done != null && done.scheme == Scheme.BEARER) {
          return Optional.of(done);
        }
        basic = basic == null ? done : basic;
        scheme = token.toLowerCase(Locale.ROOT);
        params = new LinkedHashMap<>();
        i = after;
        if (i < h.length() && h.charAt(i) != ',') {
          // a token68 (Negotiate abc==) or the first parameter follows
          int next = i;
          while (next < h.length() && " \t,=".indexOf(h.charAt(next)) < 0) {
            next++;
          }
          int eq = skip(h, next, " \t");
          if (eq >= h.length() || h.charAt(eq) != '=' || token68Ends(h, eq)) {
            i = skip(h, next, "=");
          }
        }
        continue;
      }
      i = skip(h, after + 1, " \t");
      StringBuilder value = new StringBuilder();
      if (i < h.length() && h.charAt(i) == '"') {
        i++;
        while (i < h.length() && h.charAt(i) != '"') {
          if (h.charAt(i) == '\\' && i + 1 < h.length()) {
            i++;
          }
          value.append(h.charAt(i++));
        }
        i++;
      } else {
        while (i < h.length() && h.charAt(i) != ',') {
          value.append(h.charAt(i++));
        }
      }
      params.put(token.toLowerCase(Locale.ROOT), value.toString().strip());
    }
    Challenge last = of(scheme, params);
    if (last != null && last.scheme == Scheme.BEARER) {
      return Optional.of(last);
    }
    return Optional.ofNullable(basic != null ? basic : last);
  }

  /** Whether the {@code =} at {@code eq} ends a token68 ({@code abc==}) instead of naming one. */
  private static boolean token68Ends(String h, int eq) {
    int i = skip(h, eq, "=");
    i = skip(h, i, " \t");
    return i >= h.length() || h.charAt(i) == ',';
  }

  private static int skip(String h, int i, String chars) {
    while (i < h.length() && chars.indexOf(h.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  /** A challenge Upkeep can answer, or null. */
  private static Challenge of(String scheme, Map<String, String> params) {
    if ("bearer".equals(scheme) && params.containsKey("realm")) {
      return new Challenge(Scheme.BEARER, Map.copyOf(params));
    }
    if ("basic".equals(scheme)) {
      return new Challenge(Scheme.BASIC, Map.copyOf(params));
    }
    return null;
  }

  String param(String name) {
    return params.get(name);
  }
}
