package dev.upkeep.flux;

import dev.upkeep.ConfigurationException;
import dev.upkeep.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code auths} of a Docker config file, as Kubernetes {@code dockerconfigjson} secrets hold.
 */
final class DockerConfig {
  private DockerConfig() {}

  /** Registry host (lowercase, without scheme or path) → {user, password}. */
  static Map<String, String[]> read(Path file) {
    Object parsed;
    try {
      parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read the Docker config " + file + ": " + e.getMessage(), e);
    } catch (Json.MalformedException e) {
      throw new ConfigurationException(
          "the Docker config " + file + " is not JSON: " + e.getMessage());
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    if (!(parsed instanceof Map<?, ?>)
        || !(((Map<?, ?>) parsed).get("auths") instanceof Map<?, ?>)) {
      throw new ConfigurationException("the Docker config " + file + " has no \"auths\" object");
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) ((Map<?, ?>) parsed).get("auths")).entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?>)) {
        continue;
      }
      Map<?, ?> entry = (Map<?, ?>) e.getValue();
      String[] login = login(entry);
      if (login != null) {
        out.put(host(String.valueOf(e.getKey())), login);
      }
    }
    return out;
  }

  private static String[] login(Map<?, ?> entry) {
    if (entry.get("username") instanceof String && entry.get("password") instanceof String) {
      return new String[] {(String) entry.get("username"), (String) entry.get("password")};
    }
    if (entry.get("auth") instanceof String) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode((String) entry.get("auth")), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return null;
      }
      int colon = decoded.indexOf(':');
      return colon < 0
          ? null
          : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
    return null;
  }

  /** {@code https://index.docker.io/v1/} and {@code ghcr.io} alike become a bare host. */
  static String host(String key) {
    String h = key.strip().toLowerCase(Locale.ROOT);
    int scheme = h.indexOf("://");
    if (scheme >= 0) {
      h = h.substring(scheme + 3);
    }
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    return h.equals("index.docker.io") || h.equals("registry-1.docker.io") ? "docker.io" : h;
  }

  static String[] lookup(Map<String, String[]> auths, String registry) {
    return auths.get(host(registry));
  }
}
