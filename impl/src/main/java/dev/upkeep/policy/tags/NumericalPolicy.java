package dev.upkeep.policy.tags;

import dev.upkeep.internal.GoStrings;
import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection;
import dev.upkeep.policy.VersionPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Flux's numerical ImagePolicy: every tag is read as a number (Go's {@code ParseFloat}, so {@code
 * 1606364286}, {@code -27.85}, {@code 1e3} all count). Ascending selects the highest number,
 * descending the lowest.
 *
 * <p>As in Flux, one tag that is not a number fails the whole selection with an {@link
 * IllegalArgumentException} naming that tag: wrap the policy in a {@link TagFilter} whose pattern
 * keeps only numeric tags (or extracts the number from each tag). Among tags of equal value ({@code
 * 1}, {@code 01}, {@code 1.0}) the bytewise-smallest wins, whatever the order of the tags: what
 * Flux picks, whose image-reflector-controller stores the tags bytewise descending and keeps the
 * last of equal values. One difference: {@code NaN} is never selected (it is reported as not a
 * version), where Flux's comparisons with it make the pick depend on where it sorts.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class NumericalPolicy implements VersionPolicy {

  private static final NumericalPolicy ASCENDING = new NumericalPolicy(Order.ASCENDING);
  private static final NumericalPolicy DESCENDING = new NumericalPolicy(Order.DESCENDING);

  private final Order order;

  private NumericalPolicy(Order order) {
    this.order = order;
  }

  /** Selects the highest number (Flux's default, {@code ASC}). */
  public static NumericalPolicy ascending() {
    return ASCENDING;
  }

  /** Selects the lowest number ({@code DESC}). */
  public static NumericalPolicy descending() {
    return DESCENDING;
  }

  /**
   * The policy for Flux's {@code order} value: {@code ASC}, {@code DESC} or empty (which means
   * {@code ASC}).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static NumericalPolicy of(String order) {
    return Order.parse(order, "numerical") == Order.ASCENDING ? ASCENDING : DESCENDING;
  }

  /**
   * The selected tag, or empty when there are no tags.
   *
   * @throws IllegalArgumentException when {@code tags} is null, or when a tag is not a number (the
   *     message quotes it), as Flux fails
   */
  @Override
  public Optional<String> select(Collection<String> tags) {
    return decide(tags, null);
  }

  /**
   * Like {@link #select}; {@code NaN} and null tags are reported as not versions.
   *
   * @throws IllegalArgumentException when {@code tags} is null or a tag is not a number
   */
  @Override
  public Decision decide(Collection<String> tags) {
    List<Rejection> rejections = new ArrayList<>();
    Optional<String> selected = decide(tags, rejections);
    return new Decision(selected, tags.size(), rejections);
  }

  private Optional<String> decide(Collection<String> tags, List<Rejection> rejections) {
    Tags.require(tags);
    String best = null;
    double bestValue = 0;
    for (String tag : tags) {
      if (tag == null) {
        if (rejections != null) {
          rejections.add(Tags.nullTag());
        }
        continue;
      }
      Double value = GoFloat.parse(tag);
      if (value == null) {
        throw new IllegalArgumentException(
            "tag "
                + GoStrings.quote(tag)
                + " is not a number; numerical order needs every tag to be one"
                + " (keep only numeric tags with a TagFilter pattern)");
      }
      double v = value;
      if (Double.isNaN(v)) {
        if (rejections != null) {
          rejections.add(
              new Rejection(tag, Rejection.Reason.NOT_A_VERSION, GoStrings.quote(tag) + " is NaN"));
        }
        continue;
      }
      if (best == null || ranksAbove(v, tag, bestValue, best)) {
        best = tag;
        bestValue = v;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * True when both are numbers and {@code to} ranks below {@code from} in this policy's order.
   * Values that are not numbers are never a downgrade.
   */
  @Override
  public boolean isDowngrade(String from, String to) {
    if (from == null || to == null) {
      return false;
    }
    Double a = GoFloat.parse(from);
    Double b = GoFloat.parse(to);
    if (a == null || b == null || a.isNaN() || b.isNaN()) {
      return false;
    }
    return order == Order.ASCENDING ? b < a : b > a;
  }

  /** {@code numerical ascending} or {@code numerical descending}. */
  @Override
  public String describe() {
    return "numerical " + order.word();
  }

  @Override
  public String toString() {
    return describe();
  }

  private boolean ranksAbove(double v, String tag, double bestValue, String best) {
    if (v == bestValue) {
      // Flux's database lists tags bytewise descending and its policy keeps the last of equal
      // values: the bytewise-smallest tag
      return GoStrings.compare(tag, best) < 0;
    }
    return order == Order.ASCENDING ? v > bestValue : v < bestValue;
  }
}
