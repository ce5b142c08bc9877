package dev.upkeep.source.oci;

import java.time.Duration;

/** Waits between retries; tests replace it to record the waits instead of sleeping. */
interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
