package dev.upkeep.policy.semver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection;
import dev.upkeep.policy.Rejection.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SemverPolicyTest {

  private static Optional<String> select(String constraint, String... tags) {
    return SemverPolicy.of(constraint).select(Arrays.asList(tags));
  }

  @Nested
  class DailyForms {

    private final List<String> tags =
        List.of(
            "1.1.9",
            "1.2.0",
            "1.2.3",
            "1.2.4",
            "1.2.10",
            "1.3.0",
            "1.10.1-rc.1",
            "1.9.7",
            "2.0.0",
            "latest",
            "main-4f2a1c");

    @Test
    void exactVersionSelectsOnlyThatVersion() {
      assertThat(SemverPolicy.of("1.2.3").select(tags)).contains("1.2.3");
    }

    @Test
    void patchWildcardStaysOnTheMinor() {
      assertThat(SemverPolicy.of("1.2.x").select(tags)).contains("1.2.10");
    }

    @Test
    void minorWildcardStaysOnTheMajorAndSkipsPrereleases() {
      assertThat(SemverPolicy.of("1.x").select(tags)).contains("1.9.7");
    }

    @Test
    void bareWildcardTakesTheHighestRelease() {
      assertThat(SemverPolicy.of("x").select(tags)).contains("2.0.0");
      assertThat(SemverPolicy.of("*").select(tags)).contains("2.0.0");
    }

    @Test
    void blankSeparatedBoundsAreBothApplied() {
      assertThat(SemverPolicy.of(">=1.2.0 <2.0.0").select(tags)).contains("1.9.7");
    }

    @Test
    void nothingSatisfyingGivesEmpty() {
      assertThat(SemverPolicy.of("3.x").select(tags)).isEmpty();
    }
  }

  /** Flux image-reflector-controller {@code TestSemVer_Latest}. */
  static Stream<Arguments> fluxLatest() {
    return Stream.of(
        arguments(
            "1.0.x", List.of("1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"), "1.0.1"),
        arguments("1.0.x", List.of("v1.2.3", "v1.0.0", "v0.1.0"), "v1.0.0"),
        arguments("1.0.x", List.of("b1.2.3", "b1.0.0", "b0.1.0"), null),
        arguments("1.0.x", List.of(), null),
        arguments("1.0.x", List.of("1.2.0"), null),
        // image-reflector-controller TestImagePolicyReconciler_calculateImageFromRepoTags
        arguments(
            "1.0.x",
            List.of("0.1.0", "0.1.1", "0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"),
            "1.0.2"));
  }

  @ParameterizedTest(name = "\"{0}\" over {1} selects {2}")
  @MethodSource
  void fluxLatest(String constraint, List<String> tags, String expected) {
    assertThat(SemverPolicy.of(constraint).select(tags)).isEqualTo(Optional.ofNullable(expected));
  }

  @Nested
  class TagsAsFluxReadsThem {

    /** fluxcd/pkg {@code TestParseVersion}, plus the FIELD-NOTES cases. */
    @ParameterizedTest(name = "{0} is a version")
    @ValueSource(
        strings = {
          "v1.2.3",
          "v2025.07.03",
          "v1.2.0-x.Y.0+metadata",
          "v1.2.0-x.Y.0+metadata-width-hypen",
          "v1.2.3-rc1-with-hypen",
          "01.02.03",
          "18446744073709551615.18446744073709551615.18446744073709551615",
          // Three dot-separated parts, then Masterminds' lenient reading: 1.2.0-beta.5
          "v1.2-beta.5"
        })
    void isACandidate(String tag) {
      assertThat(select(">=0.0.0-0", tag)).contains(tag);
    }

    @ParameterizedTest(name = "{0} is not a version")
    @ValueSource(
        strings = {
          "v1.0",
          "v1",
          "v1.2.beta",
          "v1.2-5",
          "v1.2-beta5",
          "\nv1.2",
          "v1.2.3.4",
          "V1.2.3",
          "1.2",
          "1.2.3-rc.01",
          "18446744073709551616.0.0",
          "1.2.3-",
          "1.2.3+",
          "1.2.3+a..b",
          " 1.2.3",
          "1.2.3 ",
          "1.2.3\t",
          "1.2.3-é",
          "１.２.３",
          "",
          "latest",
          "sha256-0123456789abcdef.sig"
        })
    void isNotACandidate(String tag) {
      Decision d = SemverPolicy.of(">=0.0.0-0").decide(List.of(tag));
      assertThat(d.selected()).isEmpty();
      assertThat(d.rejections())
          .singleElement()
          .extracting(Rejection::reason)
          .isEqualTo(Reason.NOT_A_VERSION);
    }

    @Test
    void numbersBeyondLongAreOrderedAsUnsigned() {
      assertThat(
              select(
                  "*",
                  "9223372036854775807.0.0",
                  "9223372036854775808.0.0",
                  "18446744073709551615.0.0"))
          .contains("18446744073709551615.0.0");
    }

    @Test
    void helmUnderscoreIsReadAsPlusAndTheTagIsReturnedAsGiven() {
      assertThat(select("1.2.x", "1.2.2", "1.2.3_build.1")).contains("1.2.3_build.1");
      // Build metadata is ignored everywhere, including in !=.
      assertThat(select("!=1.2.3", "1.2.3_build.1")).isEmpty();
    }

    @Test
    void nullElementsAreSkipped() {
      assertThat(SemverPolicy.of("1.x").select(Arrays.asList(null, "1.0.0"))).contains("1.0.0");
    }
  }

  @Nested
  class EqualVersions {

    @Test
    void bytewiseGreatestTagWinsWhateverTheOrder() {
      List<String> tags =
          new ArrayList<>(List.of("1.0.0", "v1.0.0", "01.0.0", "1.0.0+a", "1.0.0+b"));
      for (int i = 0; i < 20; i++) {
        Collections.shuffle(tags, new java.util.Random(i));
        assertThat(SemverPolicy.of("1.x").select(tags)).contains("v1.0.0");
      }
      assertThat(select("1.x", "1.0.0+b", "1.0.0+a")).contains("1.0.0+b");
      assertThat(select("1.x", "1.0.0+a", "1.0.0+b")).contains("1.0.0+b");
      assertThat(select("1.x", "01.0.0", "1.0.0")).contains("1.0.0");
    }

    /** fluxcd/pkg {@code TestSort}: the best of that list. */
    @Test
    void fluxSortListYieldsTheVPrefixedTag() {
      assertThat(
              select(
                  ">= 1.2.0, < 1.3.0",
                  "v1.2.0",
                  "v1.2.3",
                  "v1.3.0",
                  "1.2.4",
                  "v1.1.0",
                  "something-invalid",
                  "v1.2.4",
                  "another-invalid",
                  "1.2.4"))
          .contains("v1.2.4");
    }
  }

  /** Every "constraint surprise" of FIELD-NOTES, as Flux (Masterminds v3) behaves. */
  @Nested
  class FluxSurprises {

    @Test
    void tildeZeroMatchesEverything() {
      assertThat(select("~0.0.0", "0.0.1", "7.3.1")).contains("7.3.1");
    }

    @Test
    void greaterThanPartialSkipsTheWholeMinor() {
      assertThat(select(">1.1", "1.1.9")).isEmpty();
      assertThat(select(">1.1", "1.1.9", "1.2.0")).contains("1.2.0");
    }

    @Test
    void lessOrEqualMajorIncludesAllItsMinors() {
      assertThat(select("<=2", "2.99.0", "3.0.0")).contains("2.99.0");
      assertThat(select("<=1.2", "1.2.9", "1.3.0")).contains("1.2.9");
    }

    @Test
    void equalPartialMatchesTheMinor() {
      assertThat(select("=2.0", "2.0.7", "2.1.0")).contains("2.0.7");
    }

    @Test
    void notEqualPartialExcludesTheWholeMinor() {
      assertThat(select("!=4.1", "4.1.0", "4.1.9")).isEmpty();
      assertThat(select("!=4.1", "4.1.9", "4.0.3")).contains("4.0.3");
    }

    @Test
    void dashWithoutBlanksIsAPrereleaseNotARange() {
      // "1.1-3" is ~1.1.0-3: the 1.1 line, prereleases from 1.1.0-3 on.
      assertThat(select("1.1-3", "2.0.0", "1.1.0")).contains("1.1.0");
      assertThat(select("1.1-3", "2.0.0", "1.1.0-4")).contains("1.1.0-4");
      assertThat(select("1.1 - 3", "2.0.0", "1.1.0")).contains("2.0.0");
    }

    @Test
    void aGroupNamingAPrereleaseAcceptsPrereleasesAnywhereInItsRange() {
      assertThat(select("^1.2.3-beta.2", "1.4.0", "1.5.0-alpha")).contains("1.5.0-alpha");
      assertThat(select("^1.2.3", "1.4.0", "1.5.0-alpha")).contains("1.4.0");
    }

    @Test
    void buildMetadataIsIgnoredEverywhere() {
      assertThat(select("!=1.2.3", "1.2.3+build")).isEmpty();
      assertThat(select("=1.2.3+other", "1.2.3+build")).contains("1.2.3+build");
    }

    @Test
    void emptyConstraintIsInvalid() {
      assertThatThrownBy(() -> SemverPolicy.of(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid constraint \"\": expected a version at position 0");
    }

    @Test
    void caretAndTildeOnZeroMajors() {
      assertThat(select("^0.2.3", "0.2.9", "0.3.0")).contains("0.2.9");
      assertThat(select("^0.0.3", "0.0.3", "0.0.4")).contains("0.0.3");
      assertThat(select("^0.0", "0.0.9", "0.1.0")).contains("0.0.9");
      assertThat(select("~1.2.3", "1.2.9", "1.3.0")).contains("1.2.9");
    }

    @Test
    void vPrefixInTheConstraintIsAllowed() {
      assertThat(select("v1.2.x", "1.2.5", "v1.2.4")).contains("1.2.5");
    }
  }

  @Nested
  class Decisions {

    @Test
    void explainEveryTagThatIsNotACandidate() {
      Decision d =
          SemverPolicy.of("1.2.x")
              .decide(List.of("1.2.3", "1.2.4", "1.3.0", "1.2.5-rc.1", "latest", "1.2.1"));
      assertThat(d.selected()).contains("1.2.4");
      assertThat(d.considered()).isEqualTo(6);
      assertThat(d.rejections())
          .containsExactly(
              new Rejection("1.3.0", Reason.OUT_OF_RANGE, "\"1.3.0\" is outside \"1.2.x\""),
              new Rejection(
                  "1.2.5-rc.1",
                  Reason.PRERELEASE,
                  "\"1.2.5-rc.1\" is a prerelease and \"1.2.x\" names none"),
              new Rejection(
                  "latest", Reason.NOT_A_VERSION, "\"latest\" is not a MAJOR.MINOR.PATCH version"));
    }

    @Test
    void prereleaseOutsideAGroupThatNamesOneIsOutOfRange() {
      Decision d = SemverPolicy.of(">=1.0.0-0 <1.1").decide(List.of("2.0.0-rc.1"));
      assertThat(d.count(Reason.OUT_OF_RANGE)).isEqualTo(1);
    }

    @Test
    void decideAndSelectAgree() {
      List<String> tags = List.of("1.0.0", "v1.0.0", "1.4.0-rc.1", "1.3.9", "x", "2.0.0");
      for (String c : List.of("1.x", ">=1.0.0-0", "^1.3", "2", "!=1.3.9")) {
        SemverPolicy p = SemverPolicy.of(c);
        assertThat(p.decide(tags).selected()).as(c).isEqualTo(p.select(tags));
      }
    }

    @Test
    void reportNullTagsAsNotVersions() {
      Decision d = SemverPolicy.of("1.x").decide(Arrays.asList("1.0.0", null));
      assertThat(d.selected()).contains("1.0.0");
      assertThat(d.count(Reason.NOT_A_VERSION)).isEqualTo(1);
    }
  }

  @Nested
  class Downgrades {

    private final SemverPolicy policy = SemverPolicy.of("*");

    @Test
    void lowerVersionIsADowngrade() {
      assertThat(policy.isDowngrade("1.2.3", "1.2.2")).isTrue();
      assertThat(policy.isDowngrade("v2.0.0", "1.9.9")).isTrue();
      assertThat(policy.isDowngrade("1.2.3", "1.2.3-rc.1")).isTrue();
    }

    @Test
    void higherOrEqualVersionIsNot() {
      assertThat(policy.isDowngrade("1.2.2", "1.2.3")).isFalse();
      assertThat(policy.isDowngrade("1.2.3", "v1.2.3")).isFalse();
      assertThat(policy.isDowngrade("1.2.3+b", "1.2.3+a")).isFalse();
    }

    @Test
    void valuesThatAreNotVersionsAreNeverADowngrade() {
      assertThat(policy.isDowngrade("latest", "1.0.0")).isFalse();
      assertThat(policy.isDowngrade("1.0.0", "latest")).isFalse();
      assertThat(policy.isDowngrade(null, "1.0.0")).isFalse();
    }
  }

  @Nested
  class BadInput {

    @Test
    void nullConstraintIsRejectedWithAMessage() {
      assertThatThrownBy(() -> SemverPolicy.of(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("constraint is null; expected a semver range such as \"1.2.x\"");
    }

    @Test
    void nullTagListIsRejectedWithAMessage() {
      SemverPolicy p = SemverPolicy.of("1.x");
      assertThatThrownBy(() -> p.select(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("tags is null; expected a list of tags (may be empty)");
      assertThatThrownBy(() -> p.decide(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTagListSelectsNothing() {
      Decision d = SemverPolicy.of("1.x").decide(List.of());
      assertThat(d.selected()).isEmpty();
      assertThat(d.considered()).isZero();
      assertThat(d.rejections()).isEmpty();
    }

    @Test
    void invalidConstraintNamesTheBadPart() {
      assertThatThrownBy(() -> SemverPolicy.of(">=1.2.x.y"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid constraint \">=1.2.x.y\": unexpected \".y\" at position 7");
    }
  }

  @Test
  void describesItselfWithTheConstraint() {
    assertThat(SemverPolicy.of("1.2.x").describe()).isEqualTo("semver 1.2.x");
    assertThat(SemverPolicy.of("1.2.x")).hasToString("semver 1.2.x");
    assertThat(SemverPolicy.of("1.2.x").constraint()).isEqualTo("1.2.x");
  }
}
