package dev.upkeep.source;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A chart version's package as its source describes it: the digest the source vouches for (an OCI
 * manifest's content layer, a Helm index's {@code digest}), and the bytes, read only when asked. A
 * caller that keeps what it learned from a package under its digest can look there first and never
 * download or read the package again.
 *
 * <p>Thread-safe: callers of {@link #bytes()} wait for one read; a read that fails is tried again
 * by the next caller, one that succeeds is kept.
 */
public final class ChartArchive {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final String digest;
  private volatile Supplier<byte[]> read;
  private volatile byte[] bytes;

  private ChartArchive(String digest, Supplier<byte[]> read, byte[] bytes) {
    this.digest = digest;
    this.read = read;
    this.bytes = bytes;
  }

  /**
   * A package with the digest its source vouches for, read by {@code read} when {@link #bytes()} is
   * first called; {@code read} must return exactly the bytes of that digest (or throw).
   *
   * @throws IllegalArgumentException when {@code digest} is not {@code sha256:} and 64 lowercase
   *     hexadecimal digits
   */
  public static ChartArchive of(String digest, Supplier<byte[]> read) {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(read, "read");
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("not a sha256 digest: \"" + digest + "\"");
    }
    return new ChartArchive(digest, read, null);
  }

  /** A package already read, its digest computed from its bytes. */
  public static ChartArchive of(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new ChartArchive(sha256(copy), null, copy);
  }

  /** The digest of {@code bytes}: {@code sha256:} and 64 lowercase hexadecimal digits. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The package's digest: {@code sha256:} and 64 lowercase hexadecimal digits. */
  public String digest() {
    return digest;
  }

  /**
   * The package, a gzip tarball; read (downloaded) on the first call, the same array on every call
   * after it (callers share it and must not change it).
   *
   * @throws RegistryException when the source cannot read it, as {@link ChartInspector#archive}
   */
  public synchronized byte[] bytes() {
    if (bytes == null) {
      bytes = Objects.requireNonNull(read.get(), "read");
      read = null;
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "ChartArchive[" + digest + "]";
  }
}
