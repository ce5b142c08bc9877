package dev.upkeep.testing.oci;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

/**
 * A misbehaviour {@link dev.upkeep.testing.FakeOciRegistry} shows on the next matching requests: an
 * error status, a rate limit with {@code Retry-After}, a slow answer, an HTML page, a truncated or
 * cut-off body, an oversized body or a dropped connection.
 *
 * <pre>{@code
 * registry.inject(Fault.rateLimited(Duration.ofSeconds(1)).matching("/tags/list"));
 * registry.inject(Fault.status(500).times(2));
 * }</pre>
 *
 * <p>Every factory makes a fault that fires <b>once</b>, on the next matching request, and is then
 * used up; {@link #times(int)} makes it fire on that many. A fault matches every path unless {@link
 * #matching} narrows it. Immutable; {@link #times} and {@link #matching} return changed copies. A
 * fault applies to registry API requests only, never to the token endpoint.
 */
public final class Fault {
  /** What the registry does instead of answering normally. */
  public enum Kind {
    /** Answers an error status, maybe with {@code Retry-After}. */
    STATUS,
    /** Answers 200 with an HTML page. */
    HTML,
    /** Answers normally with half the body. */
    TRUNCATED,
    /** Answers normally, late. */
    DELAY,
    /** Closes the connection without answering. */
    DROP,
    /** Announces the whole body's length, sends half of it and closes the connection. */
    CUT,
    /** Answers 200 with a body of {@link #size()} bytes. */
    OVERSIZED
  }

  private final Kind kind;
  private final int status;
  private final String retryAfter;
  private final Duration delay;
  private final int times;
  private final String pathContains;
  private final long size;

  private Fault(
      Kind kind, int status, String retryAfter, Duration delay, int times, String pathContains) {
    this(kind, status, retryAfter, delay, times, pathContains, 0);
  }

  private Fault(
      Kind kind,
      int status,
      String retryAfter,
      Duration delay,
      int times,
      String pathContains,
      long size) {
    this.size = size;
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
    this.delay = delay;
    this.times = times;
    this.pathContains = pathContains;
  }

  /** Answers {@code code} (for example 500 or 503) with a distribution-spec error body. */
  public static Fault status(int code) {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("fault status must be 4xx or 5xx, got " + code);
    }
    return new Fault(Kind.STATUS, code, null, Duration.ZERO, 1, "");
  }

  /** Answers {@code 429 Too Many Requests} with {@code Retry-After} in whole seconds. */
  public static Fault rateLimited(Duration retryAfter) {
    return status(429).retryAfter(retryAfter);
  }

  /** Answers {@code 429 Too Many Requests} with {@code Retry-After} as an HTTP date. */
  public static Fault rateLimitedUntil(Instant until) {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Objects.requireNonNull(until, "until").atOffset(ZoneOffset.UTC));
    return new Fault(Kind.STATUS, 429, date, Duration.ZERO, 1, "");
  }

  /** This status fault with a {@code Retry-After} header in whole seconds. */
  public Fault retryAfter(Duration retryAfter) {
    if (kind != Kind.STATUS) {
      throw new IllegalStateException("only a status fault can carry Retry-After");
    }
    return new Fault(
        kind, status, Long.toString(retryAfter.toSeconds()), delay, times, pathContains);
  }

  /** Answers {@code 200} with an HTML page, as a captive portal or misconfigured proxy does. */
  public static Fault html() {
    return new Fault(Kind.HTML, 200, null, Duration.ZERO, 1, "");
  }

  /** Answers normally but sends only the first half of the body, with a matching length. */
  public static Fault truncatedBody() {
    return new Fault(Kind.TRUNCATED, 200, null, Duration.ZERO, 1, "");
  }

  /** Answers normally after waiting {@code delay}: a slow registry, or one past a read timeout. */
  public static Fault delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    return new Fault(Kind.DELAY, 200, null, delay, 1, "");
  }

  /**
   * Answers normally with the whole body's {@code Content-Length}, but closes the connection after
   * half the body: what a client sees when a connection breaks mid-answer.
   */
  public static Fault cutBody() {
    return new Fault(Kind.CUT, 200, null, Duration.ZERO, 1, "");
  }

  /** Answers {@code 200} with a JSON body of {@code bytes} bytes, for size limits. */
  public static Fault oversizedBody(long bytes) {
    if (bytes < 2 || bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("oversized body must be 2 bytes to 2 GiB, got " + bytes);
    }
    return new Fault(Kind.OVERSIZED, 200, null, Duration.ZERO, 1, "", bytes);
  }

  /** Closes the connection without answering. */
  public static Fault dropConnection() {
    return new Fault(Kind.DROP, 0, null, Duration.ZERO, 1, "");
  }

  /** This fault for the next {@code times} matching requests (default 1). */
  public Fault times(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, got " + times);
    }
    return new Fault(kind, status, retryAfter, delay, times, pathContains, size);
  }

  /** This fault only for requests whose path contains {@code text}, such as {@code /tags/list}. */
  public Fault matching(String text) {
    return new Fault(kind, status, retryAfter, delay, times, Objects.requireNonNull(text), size);
  }

  /** What the registry does. */
  public Kind kind() {
    return kind;
  }

  /** The status a {@link Kind#STATUS} fault answers. */
  public int statusCode() {
    return status;
  }

  /** The {@code Retry-After} header value, when the fault sends one. */
  public Optional<String> retryAfterHeader() {
    return Optional.ofNullable(retryAfter);
  }

  /** How long a {@link Kind#DELAY} fault waits. */
  public Duration delay() {
    return delay;
  }

  /** The body size of a {@link Kind#OVERSIZED} fault. */
  public long size() {
    return size;
  }

  /** For how many matching requests the fault fires: 1 unless {@link #times(int)} said more. */
  public int times() {
    return times;
  }

  /** Whether a request for {@code path} is one this fault applies to. */
  public boolean matches(String path) {
    return path.contains(pathContains);
  }

  @Override
  public String toString() {
    return kind
        + (kind == Kind.STATUS ? " " + status : "")
        + (retryAfter != null ? " Retry-After " + retryAfter : "")
        + (kind == Kind.DELAY ? " " + delay : "")
        + " x"
        + times
        + (pathContains.isEmpty() ? "" : " on *" + pathContains + "*");
  }
}
