package dev.upkeep.source.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The validated, immutable configuration of one {@link OciRegistrySource}. */
final class Settings {
  final Set<String> insecureHosts;
  final Map<String, String[]> credentials;
  final Path dockerConfig;
  final boolean useDockerConfig;
  final Duration connectTimeout;
  final Duration readTimeout;
  final int maxAttempts;
  final Duration initialBackoff;
  final Duration maxBackoff;
  final Duration maxRetryAfter;
  final int pageSize;
  final int maxPages;
  final String userAgent;
  final Sleeper sleeper;

  Settings(
      Set<String> insecureHosts,
      Map<String, String[]> credentials,
      Path dockerConfig,
      boolean useDockerConfig,
      Duration connectTimeout,
      Duration readTimeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration maxRetryAfter,
      int pageSize,
      int maxPages,
      String userAgent,
      Sleeper sleeper) {
    this.insecureHosts = Set.copyOf(insecureHosts);
    this.credentials = Map.copyOf(credentials);
    this.dockerConfig = dockerConfig;
    this.useDockerConfig = useDockerConfig;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxRetryAfter = maxRetryAfter;
    this.pageSize = pageSize;
    this.maxPages = maxPages;
    this.userAgent = userAgent;
    this.sleeper = sleeper;
  }

  /**
   * Whether plain HTTP (and unverified TLS) may be used with {@code host} ({@code name[:port]}):
   * the user marked it insecure, or it is a loopback address, as Docker treats them.
   */
  boolean allowsPlainHttp(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (insecureHosts.contains(h)) {
      return true;
    }
    String name = hostName(h);
    if (insecureHosts.contains(name)) {
      return true;
    }
    return name.equals("localhost")
        || name.endsWith(".localhost")
        || name.equals("[::1]")
        || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /** {@code host} without its port; IPv6 literals keep their brackets. */
  static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
