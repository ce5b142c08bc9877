package dev.upkeep.policy.semver;

import dev.upkeep.internal.GoStrings;
import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection;
import dev.upkeep.policy.VersionPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Selects the highest tag that satisfies a semver constraint, exactly as Flux does for {@code
 * OCIRepository.spec.ref.semver} and {@code ImagePolicy.spec.policy.semver.range}.
 *
 * <p>Constraints have the meaning of Masterminds semver v3: {@code ||} alternatives; AND by comma
 * or blanks; hyphen ranges ({@code 1.1 - 2}); {@code ~} and {@code ^} (with the 0.x and 0.0.x
 * cases); {@code x}, {@code X} and {@code *} wildcards; partial versions ({@code >1.1} means {@code
 * >=1.2.0}, {@code <=1.2} includes 1.2.x, {@code !=4.1} excludes 4.1.x); a {@code v} prefix.
 * Prereleases are candidates only for an AND group that names a prerelease itself; build metadata
 * never matters.
 *
 * <p>Tags are read as Flux reads them: a tag needs at least two dots and must then be a lenient
 * semver ({@code v} prefix, leading zeros in the numbers, unsigned 64-bit numbers). {@code _} is
 * read as {@code +} because Helm stores chart versions that way in OCI tags. Other tags are not
 * candidates (never an error). Among equal versions (differing in {@code v}, leading zeros or build
 * metadata) the bytewise-greatest tag wins, whatever the input order. The tag is returned exactly
 * as given.
 *
 * <p>Instances are immutable and thread-safe. Selection is one pass over the tags, with no sorting.
 */
public final class SemverPolicy implements VersionPolicy {

  private final String constraintText;
  private final Constraint constraint;
  // Detail suffixes, built once: decide() may explain 100,000 tags.
  private final String outsideSuffix;
  private final String prereleaseSuffix;

  private SemverPolicy(String constraintText, Constraint constraint) {
    this.constraintText = constraintText;
    this.constraint = constraint;
    this.outsideSuffix = " is outside " + GoStrings.quote(constraintText);
    this.prereleaseSuffix =
        " is a prerelease and " + GoStrings.quote(constraintText) + " names none";
  }

  /**
   * A policy for {@code constraint}, such as {@code 1.2.x}, {@code ^1.4}, {@code >=1.2.0 <2.0.0} or
   * {@code 1.1 - 2 || >=3.0.0-rc.1}.
   *
   * @throws IllegalArgumentException when the constraint is null or invalid; the message quotes the
   *     constraint and points at the offending part, such as {@code invalid constraint ">=1.2.x.y":
   *     unexpected ".y" at position 7}
   */
  public static SemverPolicy of(String constraint) {
    return new SemverPolicy(constraint, ConstraintParser.parse(constraint));
  }

  /** The constraint as given to {@link #of}. */
  public String constraint() {
    return constraintText;
  }

  /**
   * The highest tag that satisfies the constraint, exactly as given, or empty.
   *
   * @throws IllegalArgumentException when {@code tags} is null
   */
  @Override
  public Optional<String> select(Collection<String> tags) {
    requireTags(tags);
    SemVersion best = null;
    for (String tag : tags) {
      if (tag == null) {
        continue;
      }
      SemVersion v = SemVersion.parse(tag);
      if (v != null && constraint.test(v) && (best == null || beats(v, best))) {
        best = v;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.tag);
  }

  /**
   * Like {@link #select}, and says why every other tag is not a candidate: {@code NOT_A_VERSION},
   * {@code PRERELEASE} (the constraint names none) or {@code OUT_OF_RANGE}. Tags that satisfy the
   * constraint but lost to a higher one are not listed. A null element is reported as not a
   * version.
   *
   * @throws IllegalArgumentException when {@code tags} is null
   */
  @Override
  public Decision decide(Collection<String> tags) {
    requireTags(tags);
    List<Rejection> rejections = new ArrayList<>();
    SemVersion best = null;
    for (String tag : tags) {
      if (tag == null) {
        rejections.add(
            new Rejection("", Rejection.Reason.NOT_A_VERSION, "a null tag is not a version"));
        continue;
      }
      SemVersion v = SemVersion.parse(tag);
      if (v == null) {
        rejections.add(new Rejection(tag, Rejection.Reason.NOT_A_VERSION, notAVersion(tag)));
        continue;
      }
      switch (constraint.verdict(v)) {
        case ACCEPTED:
          if (best == null || beats(v, best)) {
            best = v;
          }
          break;
        case PRERELEASE:
          rejections.add(
              new Rejection(tag, Rejection.Reason.PRERELEASE, detail(tag, prereleaseSuffix)));
          break;
        default:
          rejections.add(
              new Rejection(tag, Rejection.Reason.OUT_OF_RANGE, detail(tag, outsideSuffix)));
      }
    }
    return new Decision(
        best == null ? Optional.empty() : Optional.of(best.tag), tags.size(), rejections);
  }

  /**
   * True when both are versions (read like tags) and {@code to} is lower than {@code from}. Equal
   * versions, or a value that is not a version, are never a downgrade.
   */
  @Override
  public boolean isDowngrade(String from, String to) {
    if (from == null || to == null) {
      return false;
    }
    SemVersion a = SemVersion.parse(from);
    SemVersion b = SemVersion.parse(to);
    return a != null && b != null && b.compareTo(a) < 0;
  }

  /** {@code semver } followed by the constraint, such as {@code semver 1.2.x}. */
  @Override
  public String describe() {
    return "semver " + constraintText;
  }

  @Override
  public String toString() {
    return describe();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemverPolicy && ((SemverPolicy) o).constraintText.equals(constraintText);
  }

  @Override
  public int hashCode() {
    return constraintText.hashCode();
  }

  /** Higher version, or the same version with the bytewise-greater tag. */
  private static boolean beats(SemVersion v, SemVersion best) {
    int d = v.compareTo(best);
    return d > 0 || (d == 0 && GoStrings.compare(v.tag, best.tag) > 0);
  }

  private static void requireTags(Collection<String> tags) {
    if (tags == null) {
      throw new IllegalArgumentException("tags is null; expected a list of tags (may be empty)");
    }
  }

  private static String notAVersion(String tag) {
    return detail(tag, " is not a MAJOR.MINOR.PATCH version");
  }

  /** The quoted tag and {@code rest}, built as one string: there may be 100,000 of them. */
  private static String detail(String tag, String rest) {
    return GoStrings.needsEscape(tag) ? GoStrings.quote(tag) + rest : "\"" + tag + "\"" + rest;
  }
}
