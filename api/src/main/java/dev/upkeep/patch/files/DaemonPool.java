package dev.upkeep.patch.files;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The short-lived thread pools of the walk and the writer: daemons, named for a thread dump. */
final class DaemonPool {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private DaemonPool() {}

  /** A pool of {@code threads} daemon threads named {@code upkeep-WHAT-N}. */
  static ExecutorService fixed(String what, int threads) {
    return Executors.newFixedThreadPool(
        threads,
        task -> {
          Thread t = new Thread(task, "upkeep-" + what + "-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
