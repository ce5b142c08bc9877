package dev.upkeep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One file a walk listed, as the pipeline reads it: its text, or why it was not read. A file that
 * cannot be read as a manifest (too large, binary, not UTF-8) is a {@link ProblemFile} when it
 * holds a marker, as Flux screens files for its token before parsing them, and a finding otherwise.
 */
final class ListedFile {

  /** Bytes kept from the end of one chunk when screening a large file, so no token is split. */
  private static final int OVERLAP = 1024;

  private static final int CHUNK = 64 * 1024;

  final Optional<String> text;
  final Optional<ProblemFile> problem;
  final Optional<Finding> skipped;

  /** A readable file without a marker: nothing to patch, nothing to report. */
  private static final ListedFile UNMARKED =
      new ListedFile(Optional.empty(), Optional.empty(), Optional.empty());

  private ListedFile(
      Optional<String> text, Optional<ProblemFile> problem, Optional<Finding> skipped) {
    this.text = text;
    this.problem = problem;
    this.skipped = skipped;
  }

  /**
   * Reads {@code file} (named {@code name} in reports) unless it is larger than {@code maxBytes},
   * binary or not UTF-8; {@code marked} tells whether text may hold a marker (ASCII markers are
   * found in any bytes read as ISO-8859-1).
   */
  static ListedFile read(Path file, String name, long maxBytes, Predicate<String> marked)
      throws IOException {
    long size = Files.size(file);
    if (size > maxBytes) {
      return screenLarge(file, marked)
          ? problem(name, "larger than " + bytes(maxBytes) + " (" + size + " bytes); not read")
          : skipped(Finding.Severity.INFO, name, "larger than " + bytes(maxBytes) + "; skipped");
    }
    byte[] bytes = Files.readAllBytes(file);
    // screen the bytes first: most files hold no marker and are never decoded
    boolean holdsMarker = marked.test(new String(bytes, StandardCharsets.ISO_8859_1));
    if (isBinary(bytes)) {
      return holdsMarker
          ? problem(name, "binary (a NUL byte in the first 8 KiB); not read")
          : skipped(Finding.Severity.INFO, name, "binary; skipped");
    }
    try {
      if (!holdsMarker) {
        if (!isAscii(bytes)) {
          decode(bytes); // only to say that it is not UTF-8
        }
        return UNMARKED;
      }
      return new ListedFile(Optional.of(decode(bytes)), Optional.empty(), Optional.empty());
    } catch (CharacterCodingException e) {
      return holdsMarker
          ? problem(name, "not valid UTF-8; not read")
          : skipped(Finding.Severity.WARNING, name, "not valid UTF-8; skipped");
    }
  }

  /**
   * A file whose text was read already (a screen of the tree): what {@link #read} makes of it, as
   * long as it is within {@code maxBytes}.
   */
  static Optional<ListedFile> known(String text, long maxBytes, Predicate<String> marked) {
    if (text.length() > maxBytes / 3) {
      return Optional.empty(); // its UTF-8 may be larger than the limit: read reports it as such
    }
    return Optional.of(
        marked.test(text)
            ? new ListedFile(Optional.of(text), Optional.empty(), Optional.empty())
            : UNMARKED);
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static ListedFile problem(String name, String reason) {
    return new ListedFile(
        Optional.empty(), Optional.of(new ProblemFile(name, 0, reason)), Optional.empty());
  }

  private static ListedFile skipped(Finding.Severity severity, String name, String message) {
    return new ListedFile(
        Optional.empty(), Optional.empty(), Optional.of(new Finding(severity, name, 0, message)));
  }

  /** Whether a file too large to read whole holds a marker: read in chunks, memory stays flat. */
  private static boolean screenLarge(Path file, Predicate<String> marked) throws IOException {
    byte[] buffer = new byte[OVERLAP + CHUNK];
    int kept = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.readNBytes(buffer, kept, CHUNK)) > 0) {
        int length = kept + n;
        if (marked.test(new String(buffer, 0, length, StandardCharsets.ISO_8859_1))) {
          return true;
        }
        kept = Math.min(OVERLAP, length);
        System.arraycopy(buffer, length - kept, buffer, 0, kept);
      }
    }
    return false;
  }

  private static String bytes(long n) {
    return n % (1 << 20) == 0 ? (n >> 20) + " MiB" : n + " bytes";
  }

  /** A NUL byte in the first 8 KiB marks a binary file, as Git decides. */
  private static boolean isBinary(byte[] bytes) {
    for (int i = 0, n = Math.min(bytes.length, 8192); i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static String decode(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }
}
