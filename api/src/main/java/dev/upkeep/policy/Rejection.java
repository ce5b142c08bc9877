package dev.upkeep.policy;

import java.util.Objects;

/**
 * Why one tag was not a candidate.
 *
 * @param tag the tag as the registry spells it
 * @param reason the kind of reason
 * @param detail a lowercase sentence for people, such as {@code 1.3.0 is outside "1.2.x"}
 */
public record Rejection(String tag, Reason reason, String detail) {

  /** Kinds of reasons a tag is not chosen. */
  public enum Reason {
    /** The tag is not a full MAJOR.MINOR.PATCH version (or not a number, for numerical order). */
    NOT_A_VERSION,
    /** The version is outside the constraint. */
    OUT_OF_RANGE,
    /** A prerelease, and the constraint names none. */
    PRERELEASE,
    /** Removed by an exclusion pattern such as {@code ^.*\.sig$}. */
    EXCLUDED,
    /** Did not match the tag filter's pattern. */
    FILTERED,
    /** Would move the pinned value to an older version. */
    DOWNGRADE
  }

  /** Validates that no component is null. */
  public Rejection {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
