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

  static Optional<Challenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.strip();
    int space = h.indexOf(' ');
    String name = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
    Scheme scheme;
    if (name.equals("bearer")) {
      scheme = Scheme.BEARER;
    } else if (name.equals("basic")) {
      scheme = Scheme.BASIC;
    } else {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    String rest = space < 0 ? "" : h.substring(space + 1);
    int i = 0;
    while (i < rest.length()) {
      while (i < rest.length() && (rest.charAt(i) == ',' || rest.charAt(i) == ' ')) {
        i++;
      }
      int eq = rest.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = rest.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < rest.length() && rest.charAt(i) == '"') {
        i++;
        while (i < rest.length() && rest.charAt(i) != '"') {
          if (rest.charAt(i) == '\\' && i + 1 < rest.length()) {
            i++;
          }
          value.append(rest.charAt(i++));
        }
        i++;
      } else {
        while (i < rest.length() && rest.charAt(i) != ',') {
          value.append(rest.charAt(i++));
        }
      }
      params.put(key, value.toString().strip());
    }
    if (scheme == Scheme.BEARER && !params.containsKey("realm")) {
      return Optional.empty();
    }
    return Optional.of(new Challenge(scheme, Map.copyOf(params)));
  }

  String param(String name) {
    return params.get(name);
  }
}
