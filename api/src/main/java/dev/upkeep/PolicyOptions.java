package dev.upkeep;

/**
 * How a policy's selection is used.
 *
 * @param digest also resolve the selected tag's digest, for markers that pin {@code @sha256:...}
 * @param allowDowngrade let the selection move a pinned value to an older version (off by default:
 *     a registry that lost its newest tag must not roll production back)
 */
public record PolicyOptions(boolean digest, boolean allowDowngrade) {

  /** No digest, no downgrades. */
  public static PolicyOptions defaults() {
    return new PolicyOptions(false, false);
  }

  /** These options with digest resolution switched on. */
  public PolicyOptions withDigest() {
    return new PolicyOptions(true, allowDowngrade);
  }

  /** These options with downgrades allowed. */
  public PolicyOptions allowingDowngrade() {
    return new PolicyOptions(digest, true);
  }
}
