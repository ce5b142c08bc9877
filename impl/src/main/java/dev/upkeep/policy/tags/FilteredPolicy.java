package dev.upkeep.policy.tags;

import dev.upkeep.internal.GoStrings;
import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection;
import dev.upkeep.policy.VersionPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A policy that sees only what a {@link TagFilter} keeps, and selects the original tag. */
final class FilteredPolicy implements VersionPolicy {

  private final TagFilter filter;
  private final VersionPolicy policy;

  FilteredPolicy(TagFilter filter, VersionPolicy policy) {
    this.filter = filter;
    this.policy = policy;
  }

  @Override
  public Optional<String> select(Collection<String> tags) {
    Tags.require(tags);
    Candidates c = candidates(tags, null);
    return inner(() -> policy.select(c.values)).map(c.tagByValue::get);
  }

  @Override
  public Decision decide(Collection<String> tags) {
    Tags.require(tags);
    List<Rejection> rejections = new ArrayList<>();
    Candidates c = candidates(tags, rejections);
    Decision inner = inner(() -> policy.decide(c.values));
    for (Rejection r : inner.rejections()) {
      List<String> originals = c.tagsByValue.get(r.tag());
      if (originals == null) {
        rejections.add(r);
        continue;
      }
      for (String tag : originals) {
        String detail =
            tag.equals(r.tag())
                ? r.detail()
                : r.detail() + " (extracted from " + GoStrings.quote(tag) + ")";
        rejections.add(new Rejection(tag, r.reason(), detail));
      }
    }
    return new Decision(inner.selected().map(c.tagByValue::get), tags.size(), rejections);
  }

  /** Compares the values the filter gives; a tag the filter drops is never a downgrade. */
  @Override
  public boolean isDowngrade(String from, String to) {
    if (from == null || to == null) {
      return false;
    }
    String a = filter.valueOf(from);
    String b = filter.valueOf(to);
    return a != null && b != null && policy.isDowngrade(a, b);
  }

  @Override
  public String describe() {
    return policy.describe() + filter.describe();
  }

  @Override
  public String toString() {
    return describe();
  }

  private Candidates candidates(Collection<String> tags, List<Rejection> rejections) {
    Candidates c = new Candidates();
    for (String tag : tags) {
      if (tag == null) {
        if (rejections != null) {
          rejections.add(Tags.nullTag());
        }
        continue;
      }
      String exclusion = filter.exclusionOf(tag);
      if (exclusion != null) {
        if (rejections != null) {
          rejections.add(
              new Rejection(
                  tag,
                  Rejection.Reason.EXCLUDED,
                  GoStrings.quote(tag) + " matches exclusion " + GoStrings.quote(exclusion)));
        }
        continue;
      }
      String value = filter.valueOf(tag);
      if (value == null) {
        if (rejections != null) {
          rejections.add(
              new Rejection(
                  tag,
                  Rejection.Reason.FILTERED,
                  GoStrings.quote(tag)
                      + " does not match "
                      + GoStrings.quote(filter.pattern().orElseThrow())));
        }
        continue;
      }
      c.add(value, tag, rejections != null);
    }
    return c;
  }

  private <T> T inner(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      if (filter.extractTemplate().isEmpty()) {
        throw e;
      }
      throw new IllegalArgumentException(
          e.getMessage()
              + " (values extracted with "
              + GoStrings.quote(filter.extractTemplate().get())
              + " from tags matching "
              + GoStrings.quote(filter.pattern().orElseThrow())
              + ")",
          e);
    }
  }

  /** Distinct values in first-seen order, each with the tag that stands for it. */
  private static final class Candidates {
    final List<String> values = new ArrayList<>();
    final Map<String, String> tagByValue = new HashMap<>();
    final Map<String, List<String>> tagsByValue = new HashMap<>();

    void add(String value, String tag, boolean keepAll) {
      String previous = tagByValue.putIfAbsent(value, tag);
      if (previous == null) {
        values.add(value);
      } else if (GoStrings.compare(tag, previous) < 0) {
        // tags that extract the same value: Flux's filter keeps the last of its bytewise
        // descending list, the bytewise-smallest tag
        tagByValue.put(value, tag);
      }
      if (keepAll) {
        tagsByValue.computeIfAbsent(value, v -> new ArrayList<>(1)).add(tag);
      }
    }
  }
}
