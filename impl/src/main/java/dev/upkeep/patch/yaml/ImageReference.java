package dev.upkeep.patch.yaml;

/**
 * An image reference as written in a manifest, split into name, tag and digest without judging
 * them: {@code ghcr.io/org/app:1.2.3@sha256:…} is {@code ghcr.io/org/app}, {@code 1.2.3} and {@code
 * sha256:…}. A registry port ({@code localhost:5000/app}) is part of the name.
 *
 * @param name everything before the tag and digest
 * @param tag the tag, or null when there is none
 * @param digest the digest, or null when there is none
 */
public record ImageReference(String name, String tag, String digest) {

  /** Splits {@code reference} at its last {@code @} and at a {@code :} after the last {@code /}. */
  public static ImageReference of(String reference) {
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    return new ImageReference(rest, tag, digest);
  }
}
