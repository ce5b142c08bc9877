package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection;
import dev.upkeep.policy.Rejection.Reason;
import dev.upkeep.policy.VersionPolicy;
import dev.upkeep.policy.semver.SemverPolicy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TagFilterTest {

  /** Flux image-reflector-controller {@code TestRegexFilter}, seen through a policy. */
  @Nested
  class FluxRegexFilter {

    @Test
    void noPatternKeepsEveryTag() {
      assertThat(TagFilter.any().then(AlphabeticalPolicy.ascending()).select(List.of("a")))
          .contains("a");
    }

    @Test
    void patternKeepsMatchingTags() {
      Decision d =
          TagFilter.pattern("^ver")
              .then(AlphabeticalPolicy.ascending())
              .decide(List.of("ver1", "ver2", "ver3", "rel1"));
      assertThat(d.selected()).contains("ver3");
      assertThat(d.rejections())
          .containsExactly(
              new Rejection("rel1", Reason.FILTERED, "\"rel1\" does not match \"^ver\""));
    }

    /** image-reflector-controller {@code TestImagePolicyReconciler_filterTags}. */
    @Test
    void controllerCaseSelectsTheTagWhoseExtractedVersionWins() {
      VersionPolicy p =
          TagFilter.pattern("^test-(.*)$").extract("$1").then(SemverPolicy.of(">=0.x"));
      assertThat(
              p.select(
                  List.of(
                      "test-0.1.0",
                      "test-0.1.1",
                      "dev-0.2.0",
                      "1.0.0",
                      "1.0.1",
                      "1.0.2",
                      "1.1.0-alpha")))
          .contains("test-0.1.1");
      assertThatThrownBy(() -> TagFilter.pattern("^test-(.*"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid tag pattern \"^test-(.*\"");
    }

    @Test
    void extractOrdersTheGroupButSelectsTheTag() {
      VersionPolicy p =
          TagFilter.pattern("ver(\\d+)").extract("$1").then(NumericalPolicy.ascending());
      assertThat(p.select(List.of("ver1", "ver20", "ver3", "rel1"))).contains("ver20");
    }
  }

  @Nested
  class NamedGroups {

    @Test
    void goNamedGroupsExtractByName() {
      VersionPolicy p =
          TagFilter.pattern("^main-[a-fA-F0-9]+-(?P<ts>.*)")
              .extract("$ts")
              .then(NumericalPolicy.ascending());
      assertThat(
              p.select(
                  List.of(
                      "main-4f2a1c-1700000100",
                      "main-9be31d-1700000200",
                      "main-0aa001-1600000300",
                      "v1.2.3")))
          .contains("main-9be31d-1700000200");
    }

    @Test
    void namesGoAllowsButJavaDoesNotWork() {
      VersionPolicy p =
          TagFilter.pattern("^(?P<build_id>[0-9]+)-(?<2nd>[a-z]+)$")
              .extract("${2nd}-$build_id")
              .then(AlphabeticalPolicy.ascending());
      assertThat(p.select(List.of("1-b", "2-a", "3-c"))).contains("3-c");
      assertThat(
              TagFilter.pattern("^(?P<build_id>[0-9]+)-(?<2nd>[a-z]+)$")
                  .extract("${2nd}-$build_id")
                  .then(AlphabeticalPolicy.descending())
                  .select(List.of("1-b", "2-a", "3-c")))
          .contains("2-a");
    }

    @Test
    void semverOverExtractedVersions() {
      VersionPolicy p =
          TagFilter.pattern("^app-(?P<version>.*)-alpine$")
              .extract("$version")
              .then(SemverPolicy.of("1.x"));
      assertThat(
              p.select(
                  List.of("app-1.2.0-alpine", "app-1.10.0-alpine", "app-2.0.0-alpine", "1.99.0")))
          .contains("app-1.10.0-alpine");
      assertThat(p.isDowngrade("app-1.10.0-alpine", "app-1.2.0-alpine")).isTrue();
      assertThat(p.isDowngrade("app-1.2.0-alpine", "app-1.10.0-alpine")).isFalse();
      assertThat(p.isDowngrade("1.10.0", "app-1.2.0-alpine")).isFalse();
    }
  }

  /** source-controller OCIRepository {@code spec.ref.semverFilter}: a regex before semver. */
  @Test
  void ociRepositorySemverFilterSelectsTheLatestReleaseCandidate() {
    VersionPolicy p = TagFilter.pattern(".*-rc.*").exclude().then(SemverPolicy.of(">= 6.1.x-0"));
    assertThat(
            p.select(List.of("6.1.0", "6.1.5", "6.2.0-rc.1", "6.2.0", "6.3.0-rc.2", "6.0.0-rc.9")))
        .contains("6.3.0-rc.2");
  }

  @Nested
  class Expansion {

    private String expand(String pattern, String tag, String template) {
      return GoRegex.compile(pattern, "tag pattern").expandFirstMatch(tag, template);
    }

    @Test
    void followsGoExpandRules() {
      assertThat(expand("(a)(b)", "ab", "$2$1")).isEqualTo("ba");
      // "$1x" names group "1x", which does not exist: it expands to nothing.
      assertThat(expand("(a)(b)", "ab", "$1x")).isEqualTo("");
      assertThat(expand("(a)(b)", "ab", "${1}x")).isEqualTo("ax");
      assertThat(expand("(a)", "a", "$$1")).isEqualTo("$1");
      assertThat(expand("(a)", "a", "cost $")).isEqualTo("cost $");
      assertThat(expand("(a)", "a", "${1")).isEqualTo("${1");
      assertThat(expand("(a)|(b)", "b", "[$1][$2]")).isEqualTo("[][b]");
      assertThat(expand("(a)", "a", "$01")).isEqualTo("");
      assertThat(expand("(a)", "zzz", "$1")).isNull();
    }

    @Test
    void findsThePatternAnywhereUnlessAnchored() {
      assertThat(expand("v(\\d+)", "release-v12-final", "$1")).isEqualTo("12");
      assertThat(expand("^v(\\d+)$", "release-v12-final", "$1")).isNull();
    }

    @Test
    void translatesGoClassSyntax() {
      assertThat(expand("^([[:digit:]]+)", "123abc", "$1")).isEqualTo("123");
      assertThat(expand("^([[:^digit:]]+)", "abc123", "$1")).isEqualTo("abc");
      assertThat(expand("^([[a]+)", "[a[b", "$1")).isEqualTo("[a[");
      assertThat(expand("^([a&&b]+)", "a&&b", "$1")).isEqualTo("a&&b");
    }
  }

  @Nested
  class Exclusions {

    @Test
    void defaultDropsCosignSignatures() {
      Decision d =
          TagFilter.any()
              .then(AlphabeticalPolicy.ascending())
              .decide(List.of("1.0.0", "sha256-4f2a.sig", "0.9.0"));
      assertThat(d.selected()).contains("1.0.0");
      assertThat(d.rejections())
          .containsExactly(
              new Rejection(
                  "sha256-4f2a.sig",
                  Reason.EXCLUDED,
                  "\"sha256-4f2a.sig\" matches exclusion \"^.*\\\\.sig$\""));
      assertThat(TagFilter.any().exclusions()).containsExactly(TagFilter.DEFAULT_EXCLUSION);
    }

    @Test
    void excludeReplacesTheDefault() {
      VersionPolicy p = TagFilter.any().exclude("^latest$").then(AlphabeticalPolicy.ascending());
      assertThat(p.select(List.of("latest", "sha256-4f2a.sig", "1.0.0")))
          .contains("sha256-4f2a.sig");
      assertThat(
              TagFilter.any()
                  .exclude()
                  .then(AlphabeticalPolicy.ascending())
                  .select(List.of("z.sig", "a")))
          .contains("z.sig");
    }

    @Test
    void numericalSurvivesSignatureTagsOnlyWithTheDefaultExclusion() {
      List<String> tags = List.of("1700000100", "sha256-4f2a.sig", "1700000200");
      assertThat(TagFilter.any().then(NumericalPolicy.ascending()).select(tags))
          .contains("1700000200");
      assertThatThrownBy(() -> NumericalPolicy.ascending().select(tags))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Results {

    @Test
    void equalExtractedValuesPickTheBytewiseSmallestTagWhateverTheOrderAsFluxDoes() {
      // Flux's filter maps each value to the last tag of its bytewise descending list
      VersionPolicy p =
          TagFilter.pattern("^[a-z]+-(\\d+)$").extract("$1").then(NumericalPolicy.ascending());
      assertThat(p.select(List.of("a-5", "b-5", "c-4"))).contains("a-5");
      assertThat(p.select(List.of("b-5", "a-5", "c-4"))).contains("a-5");
    }

    @Test
    void innerRejectionsNameTheOriginalTags() {
      Decision d =
          TagFilter.pattern("^v(?P<v>.*)$")
              .extract("$v")
              .then(SemverPolicy.of("1.x"))
              .decide(List.of("v1.0.0", "v2.0.0", "x1.0.0"));
      assertThat(d.selected()).contains("v1.0.0");
      assertThat(d.considered()).isEqualTo(3);
      assertThat(d.rejections())
          .extracting(Rejection::tag, Rejection::reason)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("x1.0.0", Reason.FILTERED),
              org.assertj.core.groups.Tuple.tuple("v2.0.0", Reason.OUT_OF_RANGE));
      assertThat(d.rejections().get(1).detail())
          .isEqualTo("\"2.0.0\" is outside \"1.x\" (extracted from \"v2.0.0\")");
    }

    @Test
    void innerFailuresSayWhereTheValueCameFrom() {
      VersionPolicy p =
          TagFilter.pattern("^r-(.*)$").extract("$1").then(NumericalPolicy.ascending());
      assertThatThrownBy(() -> p.select(List.of("r-1", "r-x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("tag \"x\" is not a number")
          .hasMessageEndingWith("(values extracted with \"$1\" from tags matching \"^r-(.*)$\")");
    }

    @Test
    void nullAndEmptyInputsGiveClearResults() {
      VersionPolicy p = TagFilter.any().then(AlphabeticalPolicy.ascending());
      assertThat(p.select(List.of())).isEmpty();
      assertThat(p.decide(Arrays.asList("a", null)).count(Reason.NOT_A_VERSION)).isEqualTo(1);
      assertThatThrownBy(() -> p.select(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesThePolicyAndTheFilter() {
      assertThat(
              TagFilter.pattern("^main-(?P<ts>\\d+)$")
                  .extract("$ts")
                  .then(NumericalPolicy.ascending())
                  .describe())
          .isEqualTo(
              "numerical ascending of tags matching \"^main-(?P<ts>\\\\d+)$\" extracting \"$ts\"");
      assertThat(TagFilter.any().exclude().then(SemverPolicy.of("1.x")).describe())
          .isEqualTo("semver 1.x without exclusions");
    }
  }

  @Nested
  class Validation {

    @Test
    void invalidPatternsAreRejectedWithThePatternQuoted() {
      assertThatThrownBy(() -> TagFilter.pattern("ver(\\d+"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid tag pattern \"ver(\\\\d+\": ");
      assertThatThrownBy(() -> TagFilter.any().exclude("[a-"))
          .hasMessageStartingWith("invalid exclusion \"[a-\": ");
      assertThatThrownBy(() -> TagFilter.pattern("(?P<a>x)(?P<a>y)"))
          .hasMessage("invalid tag pattern \"(?P<a>x)(?P<a>y)\": duplicate group name \"a\"");
      assertThatThrownBy(() -> TagFilter.pattern("[[:nope:]]"))
          .hasMessage("invalid tag pattern \"[[:nope:]]\": unknown character class [:nope:]");
    }

    @Test
    void nullsAndExtractWithoutPatternAreRejected() {
      assertThatThrownBy(() -> TagFilter.pattern(null))
          .hasMessage("tag pattern is null; expected a regular expression");
      assertThatThrownBy(() -> TagFilter.any().extract("$1"))
          .hasMessage("extract \"$1\" needs a pattern with groups to extract from");
      assertThatThrownBy(() -> TagFilter.any().then(null))
          .hasMessage("policy is null; expected the policy to filter tags for");
      assertThatThrownBy(() -> TagFilter.any().exclude((String) null))
          .hasMessage("exclusion is null; expected a regular expression");
    }

    @Test
    void filtersAreImmutableValues() {
      TagFilter base = TagFilter.pattern("^v");
      TagFilter extracted = base.extract("$0");
      assertThat(base.extractTemplate()).isEmpty();
      assertThat(extracted.extractTemplate()).contains("$0");
      assertThat(base.extract("")).isEqualTo(base);
      assertThat(base.exclude()).isNotEqualTo(base);
    }
  }
}
