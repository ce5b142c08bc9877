package dev.upkeep.publish.pr;

import dev.upkeep.ConfigurationException;
import dev.upkeep.Redaction;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Checks and helpers the three openers share. */
final class OpenerSettings {
  private OpenerSettings() {}

  static URI apiUrl(URI url) {
    if (url == null
        || url.getHost() == null
        || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
      throw new ConfigurationException("API URL must be an http(s) URL, got \"" + url + "\"");
    }
    if (url.getUserInfo() != null) {
      throw new ConfigurationException(
          "API URL must not carry credentials; pass the token to the builder");
    }
    return url;
  }

  static String repository(String repository, boolean nested) {
    if (repository == null
        || !repository.matches(nested ? "[^/\\s]+(/[^/\\s]+)+" : "[^/\\s]+/[^/\\s]+")) {
      throw new ConfigurationException(
          "repository must be written "
              + (nested ? "\"group/project\"" : "\"owner/name\"")
              + ", got \""
              + repository
              + "\"");
    }
    return repository;
  }

  /**
   * Refuses a missing or blank token the same way for every forge, naming the environment variable
   * the command line reads it from.
   */
  static String token(String token, String forge, String variable) {
    if (token == null || token.isBlank()) {
      throw new ConfigurationException(
          "a "
              + forge
              + " pull request needs a token, got "
              + (token == null ? "none" : "a blank one")
              + " (the upkeep command reads it from "
              + variable
              + ")");
    }
    Redaction.registerSecret(token);
    return token;
  }

  static Duration timeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException("timeout must be positive, got " + timeout);
    }
    return timeout;
  }

  static List<String> union(List<String> a, List<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return new ArrayList<>(all);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
