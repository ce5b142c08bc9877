package dev.upkeep.internal.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** When to try a registry again: {@code Retry-After} parsing and jittered exponential backoff. */
public final class RetryTiming {
  private RetryTiming() {}

  /** Whether {@code status} is worth retrying: rate limited or a transient server error. */
  public static boolean isTransient(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /**
   * The wait a {@code Retry-After} header asks for: delta seconds or an HTTP date (past dates mean
   * no wait); empty when absent or unreadable.
   */
  public static Optional<Duration> retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException e) {
        return Optional.of(Duration.ofDays(1)); // absurdly large: the caller's cap rejects it
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
  public static Duration backoff(int attempt, Duration initial, Duration max) {
    long base = initial.toMillis() << Math.min(20, Math.max(0, attempt - 1));
    long capped = Math.min(base, max.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
