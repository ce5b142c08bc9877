package dev.upkeep.patch.files;

import dev.upkeep.patch.PatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a manifest's text the way the walk's rules require: a regular file (never through a
 * symbolic link), no larger than a limit, valid UTF-8 without NUL bytes. A leading byte order mark
 * is kept as the character {@code U+FEFF} so that writing the text back restores the same bytes.
 * The one atomic writer of manifests: runs, promotion and tests write through {@link #writeAll}.
 */
public final class ManifestText {

  /** The default size limit: 4 MiB, larger than any Kubernetes object the API server accepts. */
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

  /** The suffix of the temporary files the writer creates beside the files it replaces. */
  public static final String TEMP_SUFFIX = ".upkeep-tmp";

  static final String BACKUP_SUFFIX = ".upkeep-old";

  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  private ManifestText() {}

  /**
   * The file's text, or empty when it is a symbolic link, not a regular file, larger than {@code
   * maxBytes}, or binary (a NUL byte or bytes that are not UTF-8).
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Optional<String> read(Path file, long maxBytes) {
    return bytes(file, maxBytes).flatMap(ManifestText::decode);
  }

  /** Whether {@code bytes} hold one of the ASCII {@code tokens}. */
  static boolean contains(byte[] bytes, Collection<String> tokens) {
    // ISO-8859-1 maps each byte to one char: a copy, no decoding, and an intrinsic indexOf
    String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
    for (String token : tokens) {
      if (latin1.contains(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The file's bytes, or empty when it is a symbolic link, not a regular file or larger than {@code
   * maxBytes}.
   */
  static Optional<byte[]> bytes(Path file, long maxBytes) {
    BasicFileAttributes attributes;
    try {
      // lstat first: never open a link, a directory or a named pipe (which would block)
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (FileSystemException e) {
      if (Files.isSymbolicLink(file)) {
        return Optional.empty();
      }
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (!attributes.isRegularFile()) {
      return Optional.empty();
    }
    return bytesOfWalked(file, attributes.size(), maxBytes);
  }

  /**
   * The bytes of a file that an {@code lstat} (links not followed: a walk's, or {@link #bytes}'s)
   * found just now to be a regular file of {@code seenSize} bytes, or empty when that size is over
   * {@code maxBytes} or the file is a symbolic link by now. It opens the file without following a
   * link, in case one was swapped in since, and reads that many bytes, asking the file system
   * nothing else; bytes appended after the size was taken are not read.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  static Optional<byte[]> bytesOfWalked(Path file, long seenSize, long maxBytes) {
    if (seenSize > maxBytes) {
      return Optional.empty();
    }
    try (SeekableByteChannel channel = Files.newByteChannel(file, READ_NO_FOLLOW)) {
      return Optional.of(readFully(channel, new byte[(int) seenSize]));
    } catch (IOException e) {
      // O_NOFOLLOW refuses a link with ELOOP, which the JDK reports as a plain IOException
      if (Files.isSymbolicLink(file)) {
        return Optional.empty();
      }
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Reads into {@code bytes} until they are full or the channel ends; what was read. */
  private static byte[] readFully(SeekableByteChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // read on until full or at the end
    }
    return buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes;
  }

  /**
   * Replaces {@code file}'s content atomically, as {@link #writeAll} does for one file.
   *
   * @throws PatchException when the file is a symbolic link or cannot be written
   */
  public static void write(Path file, String content) {
    writeAll(Map.of(file, content));
  }

  /**
   * Replaces the content of every file, all or none: each new content goes to a fresh temporary
   * file beside its file (created new, never through an existing name or link) and is synced; only
   * when all are written are they moved over the files, one atomic rename each. When a rename fails
   * the files already replaced get their old bytes back, so a failure leaves every file as it was
   * and no temporary file behind. POSIX permissions are kept; a file that is a symbolic link or not
   * a regular file is refused before anything is written. The files are written and synced several
   * at a time, so that the file system commits their syncs together.
   *
   * @param contents the new text of each file, written as UTF-8
   * @throws PatchException naming the file that failed; no file was changed
   */
  public static void writeAll(Map<Path, String> contents) {
    writeAll(contents, ManifestText::replace);
  }

  /** Moves a finished temporary file over its file; a seam for tests of the rollback. */
  interface Replace {
    void replace(Path temporary, Path file) throws IOException;
  }

  static void writeAll(Map<Path, String> contents, Replace replace) {
    List<Replacement> all = new ArrayList<>();
    for (Map.Entry<Path, String> e : contents.entrySet()) {
      all.add(checked(e.getKey(), e.getValue()));
    }
    try {
      Replacement.prepareAll(all);
    } catch (IOException e) {
      cleanUp(all);
      Path failed = e instanceof Replacement.ReplacementFailure f ? f.file : Path.of("");
      throw new PatchException(
          failed, 0, "cannot write the patched files, none was changed: " + e.getMessage(), e);
    }
    List<Path> replaced = new ArrayList<>();
    Map<Path, Path> backups = new LinkedHashMap<>();
    for (Replacement r : all) {
      if (r.backup != null) {
        backups.put(r.file, r.backup);
      }
    }
    for (Replacement r : all) {
      try {
        replace.replace(r.temporary, r.file);
        replaced.add(r.file);
      } catch (IOException | RuntimeException failure) {
        String undone = rollBack(replaced, backups);
        cleanUp(all);
        throw new PatchException(
            r.file,
            0,
            "cannot replace: "
                + failure.getMessage()
                + (undone.isEmpty()
                    ? "; none was changed"
                    : "; could not restore " + undone + " (its old bytes are lost)"),
            failure);
      }
    }
    deleteQuietly(backups.values());
  }

  /** The replacement of {@code file}, refused when it is a link or not a regular file. */
  private static Replacement checked(Path given, String content) {
    Path file = given.toAbsolutePath();
    boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    if (exists) {
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        throw new PatchException(
            file, 0, "cannot write the patched files, none was changed: " + e.getMessage(), e);
      }
      if (attributes.isSymbolicLink()) {
        throw new PatchException(
            given, 0, "is a symbolic link; Upkeep does not write through links");
      }
      if (!attributes.isRegularFile()) {
        throw new PatchException(given, 0, "is not a regular file; it was not replaced");
      }
    }
    return new Replacement(file, exists, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes the temporary files and backups that are left over. */
  private static void cleanUp(List<Replacement> all) {
    List<Path> left = new ArrayList<>();
    for (Replacement r : all) {
      if (r.temporary != null) {
        left.add(r.temporary);
      }
      if (r.backup != null) {
        left.add(r.backup);
      }
    }
    deleteQuietly(left);
  }

  /** Puts the old bytes back into {@code replaced}; names the files it could not restore. */
  private static String rollBack(List<Path> replaced, Map<Path, Path> backups) {
    List<String> failed = new ArrayList<>();
    for (Path file : replaced) {
      Path backup = backups.get(file);
      try {
        if (backup == null) {
          Files.deleteIfExists(file);
        } else {
          replace(backup, file);
        }
      } catch (IOException e) {
        failed.add(file.toString());
      }
    }
    return String.join(", ", failed);
  }

  private static void replace(Path temporary, Path file) throws IOException {
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Collection<Path> files) {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // A leftover temporary file is harmless; the manifests are intact.
      }
    }
  }

  /** The bytes as text, or empty when they hold a NUL byte or are not UTF-8. */
  public static Optional<String> decode(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.indexOf('\u0000') >= 0) {
      return Optional.empty();
    }
    if (text.indexOf('\uFFFD') < 0) {
      return Optional.of(text);
    }
    // a replacement character: either written in the file, or standing for bytes that are not UTF-8
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return Optional.of(text);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
