package dev.upkeep.patch.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One file's new content, written and synced to a temporary file beside it, and a backup of its old
 * content; {@link ManifestText#writeAll} moves the temporary file over the file, or the backup back
 * when another replacement fails.
 */
final class Replacement {

  /** At most this many files are written and synced at once. */
  private static final int MAX_THREADS = 8;

  final Path file;
  final boolean exists;
  private final byte[] content;
  Path temporary;
  Path backup;

  Replacement(Path file, boolean exists, byte[] content) {
    this.file = file;
    this.exists = exists;
    this.content = content;
  }

  /**
   * Prepares every replacement, several at a time: each waits for the disk to sync its temporary
   * file, and file systems commit syncs that wait together in one journal write (100 files synced
   * one after the other took 400 ms, together 100 to 200 ms).
   *
   * @throws IOException the failure of the first replacement, in order, that failed; the others
   *     still ran, so every temporary file and backup made is known for the clean-up
   */
  static void prepareAll(List<Replacement> all) throws IOException {
    if (all.size() < 2) {
      for (Replacement r : all) {
        r.prepare();
      }
      return;
    }
    ExecutorService pool = DaemonPool.fixed("write", Math.min(all.size(), MAX_THREADS));
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (Replacement r : all) {
        done.add(
            pool.submit(
                () -> {
                  r.prepare();
                  return null;
                }));
      }
      IOException first = null;
      for (int i = 0; i < done.size(); i++) {
        try {
          done.get(i).get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = failure(all.get(i), e.getCause());
          }
        }
      }
      if (first != null) {
        throw first;
      }
    } catch (InterruptedException e) {
      // Let the writes under way finish, so that the caller's clean-up sees every file they made.
      pool.shutdown();
      awaitQuietly(pool);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing " + all.get(0).file, e);
    } finally {
      pool.shutdown();
    }
  }

  /** Waits up to a minute for {@code pool}'s tasks; a second interrupt stops the wait. */
  private static void awaitQuietly(ExecutorService pool) {
    try {
      pool.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException again) {
      // the caller sets the interrupt flag again
    }
  }

  private static IOException failure(Replacement r, Throwable cause) {
    if (cause instanceof Error) {
      throw (Error) cause;
    }
    return new ReplacementFailure(r.file, cause);
  }

  /** Which replacement failed, so that the message names its file. */
  static final class ReplacementFailure extends IOException {
    private static final long serialVersionUID = 1L;
    final transient Path file;

    ReplacementFailure(Path file, Throwable cause) {
      super(cause.getMessage(), cause);
      this.file = file;
    }
  }

  /** Writes and syncs the temporary file, with the file's permissions, and backs the file up. */
  void prepare() throws IOException {
    try {
      Path dir = file.getParent();
      temporary =
          Files.createTempFile(dir, "." + file.getFileName() + ".", ManifestText.TEMP_SUFFIX);
      try (FileChannel channel =
          FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (exists) {
          PosixFileAttributeView view =
              Files.getFileAttributeView(
                  file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
          if (view != null) {
            Files.setPosixFilePermissions(temporary, view.readAttributes().permissions());
          }
        }
        channel.force(true);
      }
      if (exists) {
        backup = backUp(file);
      }
    } catch (IOException | RuntimeException e) {
      throw new ReplacementFailure(file, e);
    }
  }

  /**
   * A second name for the file's old content: a hard link, which copies nothing and keeps the
   * permissions, or a copy where the file system has no hard links.
   */
  private static Path backUp(Path file) throws IOException {
    Path dir = file.getParent();
    for (int attempt = 0; attempt < 10; attempt++) {
      Path backup =
          dir.resolve(
              "."
                  + file.getFileName()
                  + "."
                  + Long.toUnsignedString(ThreadLocalRandom.current().nextLong())
                  + ManifestText.BACKUP_SUFFIX);
      try {
        return Files.createLink(backup, file);
      } catch (FileAlreadyExistsException taken) {
        // another name
      } catch (UnsupportedOperationException | FileSystemException noLinks) {
        break;
      }
    }
    Path backup =
        Files.createTempFile(dir, "." + file.getFileName() + ".", ManifestText.BACKUP_SUFFIX);
    Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    return backup;
  }
}
