package dev.upkeep.patch.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a manifest's text the way the walk's rules require: a regular file (never through a
 * symbolic link), no larger than a limit, valid UTF-8 without NUL bytes. A leading byte order mark
 * is kept as the character {@code U+FEFF} so that writing the text back restores the same bytes.
 */
public final class ManifestText {

  /** The default size limit: 4 MiB, larger than any Kubernetes object the API server accepts. */
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

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
    try {
      // lstat first: never open a link, a directory or a named pipe (which would block)
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile() || attributes.size() > maxBytes) {
        return Optional.empty();
      }
      // O_NOFOLLOW as well, in case a link was swapped in since
      try (SeekableByteChannel channel = Files.newByteChannel(file, READ_NO_FOLLOW)) {
        byte[] bytes = new byte[(int) Math.min(channel.size(), maxBytes)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
          // read on until full or at the end
        }
        return decode(buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes);
      }
    } catch (FileSystemException e) {
      if (Files.isSymbolicLink(file)) {
        return Optional.empty();
      }
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Replaces {@code file}'s content atomically: the text goes to a temporary file in the same
   * directory, which is then moved over the file, so a crash leaves either the old or the new
   * bytes, never half a file. The file's POSIX permissions are kept.
   *
   * @throws UncheckedIOException when the file is a symbolic link or cannot be written
   */
  public static void write(Path file, String content) {
    try {
      if (Files.isSymbolicLink(file)) {
        throw new IOException("refusing to replace the symbolic link " + file);
      }
      Path dir = file.toAbsolutePath().getParent();
      Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".upkeep-tmp");
      try {
        Files.write(temp, content.getBytes(StandardCharsets.UTF_8));
        try {
          Files.setPosixFilePermissions(
              temp, Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        } catch (UnsupportedOperationException | java.nio.file.NoSuchFileException e) {
          // not a POSIX file system, or a new file: the default permissions stay
        }
        try (java.nio.channels.FileChannel ch =
            java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(
            temp,
            file,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
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
