package dev.upkeep.policy;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the newest allowed tag from an artifact's tags.
 *
 * <p>Implementations must be immutable and thread-safe. They never throw for a tag they do not
 * understand (such a tag is simply not a candidate), except where the policy's definition says
 * otherwise (Flux's numerical policy fails on a non-numeric tag); they throw {@link
 * IllegalArgumentException} when {@code tags} is null.
 */
public interface VersionPolicy {

  /**
   * The chosen tag, exactly as given in {@code tags}, or empty when no tag is allowed.
   *
   * @throws IllegalArgumentException when {@code tags} is null
   */
  Optional<String> select(Collection<String> tags);

  /**
   * Like {@link #select}, but also says why every other tag was not chosen. The default
   * implementation records no reasons; policies override it to explain themselves.
   */
  default Decision decide(Collection<String> tags) {
    Optional<String> selected = select(tags);
    return new Decision(selected, tags.size(), List.of());
  }

  /**
   * Whether moving a pinned value from {@code from} to {@code to} would go to an older version. The
   * pipeline does not apply such a change unless the policy was registered with {@code
   * allowDowngrade}. Policies that cannot order versions answer false.
   */
  default boolean isDowngrade(String from, String to) {
    return false;
  }

  /** A short human description of the policy, such as {@code semver 1.2.x}. */
  default String describe() {
    return toString();
  }
}
