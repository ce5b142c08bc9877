package dev.upkeep.source.oci;

import dev.upkeep.internal.http.HostRules;
import dev.upkeep.internal.http.Sleeper;
import java.nio.file.Path;
import java.time.Duration;
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
  final long manifestLimit;
  final long tagPageLimit;
  final long blobLimit;
  private final HostRules hosts;

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
      Sleeper sleeper,
      long manifestLimit,
      long tagPageLimit,
      long blobLimit) {
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
    this.manifestLimit = manifestLimit;
    this.tagPageLimit = tagPageLimit;
    this.blobLimit = blobLimit;
    this.hosts = HostRules.insecure(this.insecureHosts);
  }

  /**
   * Whether plain HTTP (and unverified TLS) may be used with {@code host} ({@code name[:port]}):
   * the user marked it insecure, or it is a loopback address, as Docker treats them.
   */
  boolean allowsPlainHttp(String host) {
    return hosts.allowsPlainHttp(host);
  }
}
