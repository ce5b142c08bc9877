package dev.upkeep.internal.http;

import java.time.Duration;

/**
 * Waits between retries. The one sleeper of Upkeep: tests pass one that records the waits instead
 * of sleeping. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the calling thread. */
  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  /** Waits {@code duration}; throws when the thread is interrupted. */
  void sleep(Duration duration) throws InterruptedException;
}
