package dev.upkeep.patch;

import java.util.Objects;

/**
 * One value a patch changed.
 *
 * @param policy the policy whose selection was written
 * @param field which part of the value was written
 * @param line the 1-based line of the value in the original file
 * @param column the 1-based column (in characters) where the value starts
 * @param oldValue the value before, without quotes ({@code ghcr.io/org/app:1.2.3} or {@code 1.2.3})
 * @param newValue the value after, without quotes
 * @param edit the exact text replacement in the original content that makes this change
 */
public record Change(
    String policy, Field field, int line, int column, String oldValue, String newValue, Edit edit) {

  /** The part of a value a marker sets. */
  public enum Field {
    /** A whole image reference {@code name:tag} (Flux's plain marker). */
    IMAGE,
    /** The image name without tag (Flux's {@code :name} marker). */
    NAME,
    /** A tag or chart version (Flux's {@code :tag} marker, chart version fields). */
    TAG,
    /** A digest (Flux's {@code :digest} marker). */
    DIGEST,
    /** A version range rewritten on request (OCIRepository {@code spec.ref.semver}). */
    RANGE;

    /**
     * The version part of a value this field sets: the tag of a full image reference ({@code ""}
     * when it has none), or the value itself.
     */
    public String version(String value) {
      if (this != IMAGE) {
        return value;
      }
      String noDigest = value.contains("@") ? value.substring(0, value.indexOf('@')) : value;
      int colon = noDigest.lastIndexOf(':');
      return colon > noDigest.lastIndexOf('/') ? noDigest.substring(colon + 1) : "";
    }
  }

  /**
   * A replacement of {@code length} characters at {@code offset} in the original content.
   *
   * @param offset the 0-based index of the first replaced character (UTF-16 units)
   * @param length how many characters are replaced
   * @param replacement the new characters, including any quotes the value needs
   */
  public record Edit(int offset, int length, String replacement) {
    /** Validates the bounds. */
    public Edit {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("edit offset and length must be >= 0");
      }
      Objects.requireNonNull(replacement, "replacement");
    }
  }

  /** Validates that no component is null. */
  public Change {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(oldValue, "oldValue");
    Objects.requireNonNull(newValue, "newValue");
    Objects.requireNonNull(edit, "edit");
  }

  /** The version part of the old value: the tag of an image reference, or the value itself. */
  public String oldVersion() {
    return field.version(oldValue);
  }

  /** The version part of the new value: the tag of an image reference, or the value itself. */
  public String newVersion() {
    return field.version(newValue);
  }
}
