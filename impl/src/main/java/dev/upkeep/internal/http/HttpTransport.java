package dev.upkeep.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The one HTTP path of Upkeep: registries (token endpoints, manifests, blobs, tag lists), Helm
 * indexes and forges all call through it. A call travels these steps, as in OkHttp:
 *
 * <ol>
 *   <li>{@link FollowRedirects}: up to 5, credentials only to the original host, no downgrade to
 *       plain HTTP;
 *   <li>{@link RetryTransient}: {@code 429}/{@code 5xx}/dropped connections retried with {@code
 *       Retry-After} or jittered backoff, capped in attempts and in total wait;
 *   <li>{@link PlainHttpGuard}: no credential over plain HTTP except to loopback or insecure hosts;
 *   <li>{@link UrlConnectionExchange}, or {@link JdkExchange} for calls through a proxy ({@link
 *       ProxyRules}) and methods such as {@code PATCH}: connect and read timeouts, and every body
 *       read through the call's limit.
 * </ol>
 *
 * <p>Failures are {@link HttpFailure}s with one-line messages naming the host or URL without its
 * credentials. Immutable and thread-safe.
 */
public final class HttpTransport implements AutoCloseable {
  private final List<Step> steps;
  private final HostRules hosts;
  private final JdkExchange exchange;

  private HttpTransport(Builder b) {
    this.hosts = b.hosts;
    this.exchange = new JdkExchange(b);
    this.steps =
        List.of(
            new FollowRedirects(b.hosts),
            new RetryTransient(b),
            new PlainHttpGuard(b.hosts),
            new UrlConnectionExchange(b, exchange));
  }

  /**
   * Stops the connections' threads. Closing is optional (they are daemon threads), but a JVM that
   * exits with one open waits up to 300 ms for it. A later call opens new connections.
   */
  @Override
  public void close() {
    exchange.close();
  }

  /**
   * A builder with the defaults: 10 s to connect, 30 s to read, 4 attempts, proxies from the
   * system.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Sends {@code call} and reads its whole answer (through its limit); nothing to close. */
  public HttpReply fetch(HttpCall call) {
    return new Step.Chain(steps, 0, call, true).proceed(call);
  }

  /**
   * Sends {@code call} and returns the answer with its body unread, to stream it through the limit;
   * close the reply.
   */
  public HttpReply open(HttpCall call) {
    return new Step.Chain(steps, 0, call, false).proceed(call);
  }

  /** Which hosts may be spoken to over plain HTTP. */
  public HostRules hosts() {
    return hosts;
  }

  /** {@code host[:port]} of {@code uri}, lowercase, without user information. */
  static String authority(URI uri) {
    String host = uri.getHost() == null ? String.valueOf(uri.getRawAuthority()) : uri.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return (host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")).toLowerCase(Locale.ROOT);
  }

  /**
   * {@code reference} (a {@code Location} or a {@code Link} target) resolved against {@code base}
   * as RFC 3986 says, which {@link URI#resolve} does not for a reference that is only a query
   * ({@code ?n=100&last=b} keeps the base's whole path) or empty.
   *
   * @throws IllegalArgumentException when {@code reference} is not a URI reference
   */
  public static URI resolve(URI base, String reference) {
    if (reference.isEmpty() || reference.startsWith("?")) {
      String s = base.toString();
      int cut = s.length();
      if (base.getRawFragment() != null) {
        cut = s.indexOf('#');
      }
      if (base.getRawQuery() != null) {
        cut = s.indexOf('?');
      }
      return URI.create(s.substring(0, cut) + reference);
    }
    return base.resolve(reference);
  }

  /** {@code bytes} as people write sizes: {@code 4 MiB}, {@code 1500 bytes}. */
  static String size(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }

  /** Options of a transport. Not thread-safe; {@link #build()} copies them. */
  public static final class Builder {
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration readTimeout = Duration.ofSeconds(30);
    int maxAttempts = 4;
    Duration initialBackoff = Duration.ofMillis(500);
    Duration maxBackoff = Duration.ofSeconds(10);
    Duration maxRetryAfter = Duration.ofSeconds(60);
    Duration maxTotalWait = Duration.ofMinutes(2);
    String userAgent = "upkeep/0.1";
    String serverNoun = "server";
    Sleeper sleeper = Sleeper.REAL;
    HostRules hosts = HostRules.insecure(Set.of());
    ProxyRules proxies = ProxyRules.fromSystem();
    Function<HttpReply, String> errorDetail = r -> "";

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.connectTimeout = connectTimeout;
      c.readTimeout = readTimeout;
      c.maxAttempts = maxAttempts;
      c.initialBackoff = initialBackoff;
      c.maxBackoff = maxBackoff;
      c.maxRetryAfter = maxRetryAfter;
      c.maxTotalWait = maxTotalWait;
      c.userAgent = userAgent;
      c.serverNoun = serverNoun;
      c.sleeper = sleeper;
      c.hosts = hosts;
      c.proxies = proxies;
      c.errorDetail = errorDetail;
      return c;
    }

    /** How long to wait for a connection. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** How long to wait for an answer, and for each next chunk of its body. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Attempts per call for transient faults. */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Backoff without {@code Retry-After}: {@code initial} doubling up to {@code max}, jittered.
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial);
      this.maxBackoff = Objects.requireNonNull(max);
      return this;
    }

    /** The longest single {@code Retry-After} waited for; a longer one fails at once. */
    public Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = Objects.requireNonNull(max);
      return this;
    }

    /** The most time one call spends waiting between its attempts. */
    public Builder maxTotalWait(Duration max) {
      this.maxTotalWait = Objects.requireNonNull(max);
      return this;
    }

    /** The {@code User-Agent} header. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent);
      return this;
    }

    /** What the server is called in messages ({@code registry}, {@code Git host}). */
    public Builder serverNoun(String noun) {
      this.serverNoun = Objects.requireNonNull(noun);
      return this;
    }

    /** Waits between attempts. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /** Hosts allowed plain HTTP and unverified TLS besides loopback. */
    public Builder hosts(HostRules hosts) {
      this.hosts = Objects.requireNonNull(hosts);
      return this;
    }

    /**
     * What to add to a message about an error answer, such as {@code " (CODE: message)"} from its
     * body; empty by default.
     */
    public Builder errorDetail(Function<HttpReply, String> detail) {
      this.errorDetail = Objects.requireNonNull(detail);
      return this;
    }

    Builder proxies(ProxyRules proxies) {
      this.proxies = Objects.requireNonNull(proxies);
      return this;
    }

    /** An immutable, thread-safe transport. */
    public HttpTransport build() {
      return new HttpTransport(copy());
    }
  }
}
