package dev.upkeep.publish.git;

import dev.upkeep.publish.PublishException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps two runs from using one work directory at the same time, within this JVM (a lock per path)
 * and across processes (an OS file lock on {@code upkeep.lock}).
 */
final class WorkDirectoryLock implements AutoCloseable {

  private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private WorkDirectoryLock(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code directory}, waiting up to {@code timeout}.
   *
   * @throws PublishException when another run holds it longer
   */
  static WorkDirectoryLock acquire(Path directory, Duration timeout) {
    Path dir = directory.toAbsolutePath().normalize();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(dir, d -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!local.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(dir, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while waiting for the work directory " + dir, e);
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel =
          FileChannel.open(
              dir.resolve("upkeep.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new WorkDirectoryLock(local, channel, lock);
        }
        if (System.nanoTime() > deadline) {
          throw busy(dir, timeout);
        }
        Thread.sleep(50);
      }
    } catch (IOException e) {
      close(channel);
      local.unlock();
      throw new PublishException(
          "cannot lock the work directory " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      close(channel);
      local.unlock();
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while waiting for the work directory " + dir, e);
    } catch (RuntimeException e) {
      close(channel);
      local.unlock();
      throw e;
    }
  }

  private static PublishException busy(Path dir, Duration timeout) {
    return new PublishException(
        "the work directory "
            + dir
            + " is in use by another run (waited "
            + timeout.toSeconds()
            + " s); runs that share a work directory take turns");
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // best effort; the lock goes with the channel
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    } finally {
      close(channel);
      local.unlock();
    }
  }
}
