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
 * Flux's alphabetical ImagePolicy: tags ordered by their bytes (as Go's {@code sort.Strings} does).
 * Ascending selects the last tag in that order ({@code 20.10} over {@code 16.04}, {@code zesty}
 * over {@code artful}); descending selects the first.
 *
 * <p>Every tag is a candidate. Combine with {@link TagFilter} to keep only some tags, or to order a
 * part extracted from each tag. Instances are immutable and thread-safe.
 */
public final class AlphabeticalPolicy implements VersionPolicy {

  private static final AlphabeticalPolicy ASCENDING = new AlphabeticalPolicy(Order.ASCENDING);
  private static final AlphabeticalPolicy DESCENDING = new AlphabeticalPolicy(Order.DESCENDING);

  private final Order order;

  private AlphabeticalPolicy(Order order) {
    this.order = order;
  }

  /** Selects the alphabetically last tag (Flux's default, {@code ASC}). */
  public static AlphabeticalPolicy ascending() {
    return ASCENDING;
  }

  /** Selects the alphabetically first tag ({@code DESC}). */
  public static AlphabeticalPolicy descending() {
    return DESCENDING;
  }

  /**
   * The policy for Flux's {@code order} value: {@code ASC}, {@code DESC} or empty (which means
   * {@code ASC}).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static AlphabeticalPolicy of(String order) {
    return Order.parse(order, "alphabetical") == Order.ASCENDING ? ASCENDING : DESCENDING;
  }

  /**
   * The selected tag, or empty when there are no tags. Null elements are skipped.
   *
   * @throws IllegalArgumentException when {@code tags} is null
   */
  @Override
  public Optional<String> select(Collection<String> tags) {
    Tags.require(tags);
    String best = null;
    for (String tag : tags) {
      if (tag != null && (best == null || ranksAbove(tag, best))) {
        best = tag;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Like {@link #select}; only null elements are rejected, every other tag is a candidate. */
  @Override
  public Decision decide(Collection<String> tags) {
    Tags.require(tags);
    List<Rejection> rejections = new ArrayList<>();
    for (String tag : tags) {
      if (tag == null) {
        rejections.add(Tags.nullTag());
      }
    }
    return new Decision(select(tags), tags.size(), rejections);
  }

  /** True when {@code to} ranks below {@code from} in this policy's order. */
  @Override
  public boolean isDowngrade(String from, String to) {
    return from != null && to != null && ranksAbove(from, to);
  }

  /** {@code alphabetical ascending} or {@code alphabetical descending}. */
  @Override
  public String describe() {
    return "alphabetical " + order.word();
  }

  @Override
  public String toString() {
    return describe();
  }

  private boolean ranksAbove(String a, String b) {
    int d = GoStrings.compare(a, b);
    return order == Order.ASCENDING ? d > 0 : d < 0;
  }
}
