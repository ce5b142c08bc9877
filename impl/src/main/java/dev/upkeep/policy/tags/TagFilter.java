package dev.upkeep.policy.tags;

import dev.upkeep.internal.GoStrings;
import dev.upkeep.policy.VersionPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which tags a policy sees, as Flux's {@code ImagePolicy.spec.filterTags} and {@code
 * ImageRepository.spec.exclusionList} decide it; {@link #then} wraps any {@link VersionPolicy}.
 *
 * <pre>{@code
 * VersionPolicy policy =
 *     TagFilter.pattern("^main-[a-f0-9]+-(?P<ts>[0-9]+)")
 *         .extract("$ts")
 *         .then(NumericalPolicy.ascending());
 * policy.select(List.of("main-4f2a1c-1700000100", "main-9be31d-1700000200", "v1.2.3"));
 * // -> Optional[main-9be31d-1700000200]
 * }</pre>
 *
 * <p>In order: a tag that matches an exclusion is dropped ({@code EXCLUDED}); the default exclusion
 * list is Flux's {@code ^.*\.sig$}, which hides cosign signature tags, and {@link #exclude}
 * replaces it. A tag in which the pattern is not found (Go semantics: found anywhere, anchor it
 * with {@code ^...$} to match the whole tag) is dropped ({@code FILTERED}). With {@link #extract},
 * the policy orders the extracted values ({@code $name}, {@code ${name}}, {@code $1}, expanded as
 * Go's {@code Regexp.Expand} does) but the original tag is what gets selected. When several tags
 * give the same value, the bytewise-smallest tag stands for it, whatever the order of the tags: the
 * one Flux selects, whose image-reflector-controller lists tags bytewise descending and maps each
 * value to the last tag that gave it.
 *
 * <p>Patterns are Go (RE2) syntax, including {@code (?P<name>...)} groups. A {@code TagFilter} is
 * immutable and thread-safe; each method returns a new one.
 */
public final class TagFilter {

  /** Flux's default exclusion: cosign signature tags. */
  public static final String DEFAULT_EXCLUSION = "^.*\\.sig$";

  private static final List<GoRegex> DEFAULT_EXCLUSIONS =
      List.of(GoRegex.compile(DEFAULT_EXCLUSION, "exclusion"));

  private final GoRegex pattern;
  private final String extract;
  private final List<GoRegex> exclusions;

  private TagFilter(GoRegex pattern, String extract, List<GoRegex> exclusions) {
    this.pattern = pattern;
    this.extract = extract;
    this.exclusions = exclusions;
  }

  /**
   * Keeps the tags in which {@code regex} (Go syntax) is found.
   *
   * @throws IllegalArgumentException when {@code regex} is null or invalid; the message quotes it
   */
  public static TagFilter pattern(String regex) {
    return new TagFilter(GoRegex.compile(regex, "tag pattern"), null, DEFAULT_EXCLUSIONS);
  }

  /** Keeps every tag, except those the exclusions drop. */
  public static TagFilter any() {
    return new TagFilter(null, null, DEFAULT_EXCLUSIONS);
  }

  /**
   * Orders the value expanded from {@code template} instead of the tag: {@code $1} or {@code $name}
   * for a group of the pattern. An empty template means the tag itself, as in Flux.
   *
   * @throws IllegalArgumentException when {@code template} is null, or when there is no pattern
   */
  public TagFilter extract(String template) {
    if (template == null) {
      throw new IllegalArgumentException("extract template is null; expected such as \"$1\"");
    }
    if (pattern == null) {
      throw new IllegalArgumentException(
          "extract " + GoStrings.quote(template) + " needs a pattern with groups to extract from");
    }
    return new TagFilter(pattern, template.isEmpty() ? null : template, exclusions);
  }

  /**
   * Replaces the exclusion list (Go syntax patterns; a tag matching any is dropped). No argument
   * removes every exclusion, including the default {@value #DEFAULT_EXCLUSION}.
   *
   * @throws IllegalArgumentException when a pattern is null or invalid
   */
  public TagFilter exclude(String... regexes) {
    if (regexes == null) {
      throw new IllegalArgumentException("exclusions are null; expected regular expressions");
    }
    return exclude(Arrays.asList(regexes));
  }

  /** Like {@link #exclude(String...)}, from a list. */
  public TagFilter exclude(List<String> regexes) {
    if (regexes == null) {
      throw new IllegalArgumentException("exclusions are null; expected regular expressions");
    }
    List<GoRegex> compiled = new ArrayList<>(regexes.size());
    for (String regex : regexes) {
      compiled.add(GoRegex.compile(regex, "exclusion"));
    }
    return new TagFilter(pattern, extract, List.copyOf(compiled));
  }

  /**
   * {@code policy} applied to the tags this filter keeps (or their extracted values), selecting the
   * original tag.
   *
   * @throws IllegalArgumentException when {@code policy} is null
   */
  public VersionPolicy then(VersionPolicy policy) {
    if (policy == null) {
      throw new IllegalArgumentException("policy is null; expected the policy to filter tags for");
    }
    return new FilteredPolicy(this, policy);
  }

  /** The pattern as given, if any. */
  public Optional<String> pattern() {
    return pattern == null ? Optional.empty() : Optional.of(pattern.source);
  }

  /** The extract template, if any. */
  public Optional<String> extractTemplate() {
    return Optional.ofNullable(extract);
  }

  /** The exclusion patterns as given. */
  public List<String> exclusions() {
    List<String> out = new ArrayList<>(exclusions.size());
    for (GoRegex r : exclusions) {
      out.add(r.source);
    }
    return List.copyOf(out);
  }

  /** The exclusion that drops {@code tag}, or null. */
  String exclusionOf(String tag) {
    for (GoRegex r : exclusions) {
      if (r.find(tag)) {
        return r.source;
      }
    }
    return null;
  }

  /**
   * What the policy orders for {@code tag}: the tag, its extracted value, or null when filtered.
   */
  String valueOf(String tag) {
    if (pattern == null) {
      return tag;
    }
    if (extract == null) {
      return pattern.find(tag) ? tag : null;
    }
    return pattern.expandFirstMatch(tag, extract);
  }

  /** A phrase for {@code describe()}, such as {@code of tags matching "^v" extracting "$1"}. */
  String describe() {
    StringBuilder b = new StringBuilder();
    if (pattern != null) {
      b.append(" of tags matching ").append(GoStrings.quote(pattern.source));
    }
    if (extract != null) {
      b.append(" extracting ").append(GoStrings.quote(extract));
    }
    if (!exclusions().equals(List.of(DEFAULT_EXCLUSION))) {
      b.append(exclusions.isEmpty() ? " without exclusions" : " excluding " + exclusions());
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TagFilter)) {
      return false;
    }
    TagFilter t = (TagFilter) o;
    return pattern().equals(t.pattern())
        && Objects.equals(extract, t.extract)
        && exclusions().equals(t.exclusions());
  }

  @Override
  public int hashCode() {
    return Objects.hash(pattern(), extract, exclusions());
  }

  @Override
  public String toString() {
    return "TagFilter" + describe();
  }
}
