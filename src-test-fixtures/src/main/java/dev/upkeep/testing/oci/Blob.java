package dev.upkeep.testing.oci;

import dev.upkeep.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Content addressed by its digest, with the media type it is described with: a config, a layer or a
 * manifest. Immutable; the bytes are copied in and out.
 */
public final class Blob {
  private final String mediaType;
  private final byte[] content;
  private final String digest;

  private Blob(String mediaType, byte[] content) {
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.content = content.clone();
    this.digest = sha256(this.content);
  }

  /** A blob of {@code content} described as {@code mediaType}. */
  public static Blob of(String mediaType, byte[] content) {
    return new Blob(mediaType, Objects.requireNonNull(content, "content"));
  }

  /** A blob holding the UTF-8 bytes of {@code content}. */
  public static Blob of(String mediaType, String content) {
    return of(mediaType, content.getBytes(StandardCharsets.UTF_8));
  }

  /** The digest of {@code content} as registries write it: {@code sha256:} and 64 hex digits. */
  public static String sha256(byte[] content) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
      StringBuilder b = new StringBuilder("sha256:");
      for (byte x : hash) {
        b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
      }
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The media type this blob is described with. */
  public String mediaType() {
    return mediaType;
  }

  /** A copy of the bytes. */
  public byte[] content() {
    return content.clone();
  }

  /** The number of bytes. */
  public int size() {
    return content.length;
  }

  /** {@code sha256:...} of the bytes. */
  public String digest() {
    return digest;
  }

  /** The OCI descriptor of this blob as JSON: media type, digest and size. */
  String descriptor() {
    return "{\"mediaType\":"
        + Json.quote(mediaType)
        + ",\"digest\":"
        + Json.quote(digest)
        + ",\"size\":"
        + content.length
        + "}";
  }

  @Override
  public String toString() {
    return mediaType + " " + digest + " (" + content.length + " bytes)";
  }
}
