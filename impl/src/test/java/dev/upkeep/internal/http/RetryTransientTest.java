package dev.upkeep.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryTransientTest {
  @Test
  void readsRetryAfterAsSecondsAndHttpDates() {
    assertThat(RetryTransient.retryAfter("7")).contains(Duration.ofSeconds(7));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
    assertThat(RetryTransient.retryAfter(date).orElseThrow())
        .isBetween(Duration.ofSeconds(28), Duration.ofSeconds(30));
    assertThat(RetryTransient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
    assertThat(RetryTransient.retryAfter("soon")).isEmpty();
  }

  @Test
  void capsAndJittersTheBackoff() {
    for (int attempt = 1; attempt <= 10; attempt++) {
      Duration d = RetryTransient.backoff(attempt, Duration.ofMillis(100), Duration.ofSeconds(1));
      long ceiling = Math.min(1000, 100L << (attempt - 1));
      assertThat(d.toMillis()).isBetween(ceiling / 2, ceiling);
    }
  }
}
