package dev.upkeep.internal.http;

import dev.upkeep.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Repeats a call that met a transient fault — {@code 429}, {@code 500/502/503/504}, a dropped
 * connection or a body cut short — waiting what {@code Retry-After} asks (seconds or an HTTP date)
 * or a jittered exponential backoff, up to a number of attempts and a total wait. {@code POST} is
 * repeated only when the server cannot have acted on it ({@code 429}, {@code 503}).
 */
final class RetryTransient implements Step {
  private static final System.Logger LOG = Redaction.logger(RetryTransient.class.getName());
  private static final int DETAIL_BYTES = 16 * 1024;

  private final HttpTransport.Builder options;
  private final Function<HttpReply, String> detail;

  RetryTransient(HttpTransport.Builder options) {
    this.options = options;
    this.detail = options.errorDetail;
  }

  @Override
  public HttpReply intercept(Chain chain) {
    HttpCall call = chain.call();
    String host = HttpTransport.authority(call.uri);
    Duration waited = Duration.ZERO;
    for (int attempt = 1; ; attempt++) {
      HttpReply reply;
      try {
        reply = chain.proceed(call);
      } catch (HttpFailure f) {
        boolean transientIo =
            f.kind() == HttpFailure.Kind.IO || f.kind() == HttpFailure.Kind.TRUNCATED;
        if (!transientIo || !call.idempotent()) {
          throw f;
        }
        if (attempt >= options.maxAttempts) {
          throw new HttpFailure(
              f.kind(), f.getMessage() + " (" + attempt + " attempts); try again later", f);
        }
        Duration wait = backoff(attempt, options.initialBackoff, options.maxBackoff);
        waited = pause(host, waited, wait, f.getMessage(), attempt);
        continue;
      }
      int status = reply.status();
      if (!isTransient(status) || (!call.idempotent() && status != 429 && status != 503)) {
        return reply;
      }
      reply.buffer(DETAIL_BYTES);
      String what = status == 429 ? "rate-limited the request" : "failed with HTTP " + status;
      if (attempt >= options.maxAttempts) {
        throw new HttpFailure(
            HttpFailure.Kind.GAVE_UP,
            host
                + " "
                + what
                + " "
                + attempt
                + " times"
                + detail.apply(reply)
                + "; try again later"
                + (status == 429 ? " or authenticate for a higher limit" : ""),
            null,
            reply);
      }
      Optional<Duration> retryAfter = retryAfter(reply.header("Retry-After").orElse(null));
      if (retryAfter.isPresent() && retryAfter.get().compareTo(options.maxRetryAfter) > 0) {
        throw new HttpFailure(
            HttpFailure.Kind.GAVE_UP,
            host
                + " "
                + what
                + " and asks to wait "
                + retryAfter.get().toSeconds()
                + " s, longer than the "
                + options.maxRetryAfter.toSeconds()
                + " s this source waits; try again later",
            null,
            reply);
      }
      Duration wait =
          retryAfter.isPresent()
              ? retryAfter.get()
              : backoff(attempt, options.initialBackoff, options.maxBackoff);
      waited = pause(host, waited, wait, host + " " + what + detail.apply(reply), attempt);
    }
  }

  private Duration pause(String host, Duration waited, Duration wait, String why, int attempt) {
    Duration total = waited.plus(wait);
    if (total.compareTo(options.maxTotalWait) > 0) {
      throw new HttpFailure(
          HttpFailure.Kind.GAVE_UP,
          why
              + "; gave up after "
              + attempt
              + " attempts, as waiting again would pass the "
              + options.maxTotalWait.toSeconds()
              + " s allowed in total; try again later",
          null);
    }
    LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; retrying in {2} ms", host, why, wait.toMillis());
    try {
      options.sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpFailure(
          HttpFailure.Kind.INTERRUPTED, "interrupted while waiting to retry " + host, e);
    }
    return total;
  }

  /** Whether {@code status} is worth retrying: rate limited or a transient server error. */
  static boolean isTransient(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /**
   * The wait a {@code Retry-After} header asks for: delta seconds or an HTTP date (past dates mean
   * no wait); empty when absent or unreadable.
   */
  static Optional<Duration> retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException e) {
        return Optional.of(Duration.ofDays(1)); // absurdly large: the cap rejects it
      }
    }
    try {
      Instant until = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), until);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The wait before attempt {@code attempt + 1}: {@code initial} doubled per attempt up to {@code
   * max}, then jittered to between half and all of it, so many threads do not retry in step.
   */
  static Duration backoff(int attempt, Duration initial, Duration max) {
    long base = initial.toMillis() << Math.min(20, Math.max(0, attempt - 1));
    long capped = Math.min(base, max.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
