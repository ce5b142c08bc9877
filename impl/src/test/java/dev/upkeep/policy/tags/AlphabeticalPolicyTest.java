package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.upkeep.policy.Decision;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AlphabeticalPolicyTest {

  private static final List<String> CALVER = List.of("16.04", "16.04.1", "16.10", "20.04", "20.10");
  private static final List<String> NAMES =
      List.of("xenial", "yakkety", "zesty", "artful", "bionic");
  private static final List<String> STAMPS =
      List.of("1606234201", "1606364286", "1606334092", "1606334284", "1606334201");

  /** Flux image-reflector-controller {@code TestAlphabetical_Latest}. */
  static Stream<Arguments> fluxLatest() {
    return Stream.of(
        arguments("ASC", CALVER, "20.10"),
        arguments("DESC", CALVER, "16.04"),
        arguments("", NAMES, "zesty"),
        arguments("DESC", NAMES, "artful"),
        arguments("ASC", STAMPS, "1606364286"),
        arguments("DESC", STAMPS, "1606234201"),
        arguments(
            "ASC",
            List.of(
                "rel-1606234201",
                "rel-1606364286",
                "rel-1606334092",
                "rel-1606334284",
                "rel-1606334201"),
            "rel-1606364286"),
        arguments("ASC", List.of(), null));
  }

  @ParameterizedTest(name = "{0} over {1} selects {2}")
  @MethodSource
  void fluxLatest(String order, List<String> tags, String expected) {
    assertThat(AlphabeticalPolicy.of(order).select(tags)).isEqualTo(Optional.ofNullable(expected));
  }

  @Nested
  class Orders {

    @Test
    void fluxSpellingsMapToTheFactories() {
      assertThat(AlphabeticalPolicy.of("")).isSameAs(AlphabeticalPolicy.ascending());
      assertThat(AlphabeticalPolicy.of("ASC")).isSameAs(AlphabeticalPolicy.ascending());
      assertThat(AlphabeticalPolicy.of("DESC")).isSameAs(AlphabeticalPolicy.descending());
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid", "asc", " ASC"})
    void otherOrdersAreRejectedWithTheValueQuoted(String order) {
      assertThatThrownBy(() -> AlphabeticalPolicy.of(order))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid alphabetical order \"" + order + "\": expected \"ASC\" or \"DESC\"");
    }
  }

  @Test
  void comparesBytesNotUtf16Units() {
    // U+FF5E is below U+1F600 in UTF-8 (and code points), but above its surrogates in UTF-16.
    assertThat(AlphabeticalPolicy.ascending().select(List.of("\uFF5E", "\uD83D\uDE00")))
        .contains("\uD83D\uDE00");
    assertThat(AlphabeticalPolicy.ascending().select(List.of("Z", "a", "B"))).contains("a");
  }

  @Test
  void downgradeFollowsTheOrder() {
    assertThat(AlphabeticalPolicy.ascending().isDowngrade("20.10", "20.04")).isTrue();
    assertThat(AlphabeticalPolicy.ascending().isDowngrade("20.04", "20.10")).isFalse();
    assertThat(AlphabeticalPolicy.descending().isDowngrade("20.04", "20.10")).isTrue();
  }

  @Test
  void nullListIsRejectedAndNullTagsAreReported() {
    assertThatThrownBy(() -> AlphabeticalPolicy.ascending().select(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tags is null; expected a list of tags (may be empty)");
    Decision d = AlphabeticalPolicy.ascending().decide(Arrays.asList("a", null, "b"));
    assertThat(d.selected()).contains("b");
    assertThat(d.considered()).isEqualTo(3);
    assertThat(d.rejections()).hasSize(1);
  }

  @Test
  void describesItsOrder() {
    assertThat(AlphabeticalPolicy.ascending().describe()).isEqualTo("alphabetical ascending");
    assertThat(AlphabeticalPolicy.descending()).hasToString("alphabetical descending");
  }
}
