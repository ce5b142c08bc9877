package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumericalPolicyTest {

  /** Flux image-reflector-controller {@code TestNumerical_Latest}, each list in 10 orders. */
  static Stream<Arguments> fluxLatest() {
    return Stream.of(
        arguments(
            "", List.of("-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91"), "73"),
        arguments(
            "DESC", List.of("5", "-8", "-78", "25", "70", "-4", "80", "92", "-20", "-24"), "-78"),
        arguments(
            "ASC",
            List.of(
                "47.40896403322944",
                "-27.8520927455902",
                "-27.930666514224427",
                "-31.352485948094568",
                "-50.41072694704882",
                "-21.962849842263736",
                "24.71884721436865",
                "-39.99177354004344",
                "53.47333823144817",
                "3.2008658570411086"),
            "53.47333823144817"),
        arguments(
            "DESC",
            List.of(
                "-65.27202780220686",
                "57.82948329142309",
                "22.40184684363291",
                "-86.36934305697784",
                "-90.29082099756083",
                "-12.041712603564264",
                "77.70488240399305",
                "-38.98425003883552",
                "16.06867070412028",
                "53.735674335181216"),
            "-90.29082099756083"),
        arguments(
            "ASC",
            List.of("1606234201", "1606364286", "1606334092", "1606334284", "1606334201"),
            "1606364286"),
        arguments(
            "DESC",
            List.of("1606234201", "1606364286", "1606334092", "1606334284", "1606334201"),
            "1606234201"),
        arguments("ASC", List.of("1"), "1"),
        arguments("DESC", List.of("1"), "1"),
        arguments("ASC", List.of(), null));
  }

  @ParameterizedTest(name = "{0} over {1} selects {2}")
  @MethodSource
  void fluxLatest(String order, List<String> tags, String expected) {
    List<String> shuffled = new ArrayList<>(tags);
    for (int seed = 0; seed < 10; seed++) {
      Collections.shuffle(shuffled, new Random(seed));
      assertThat(NumericalPolicy.of(order).select(shuffled))
          .isEqualTo(Optional.ofNullable(expected));
    }
  }

  @Test
  void aTagThatIsNotANumberFailsTheSelectionNamingIt() {
    assertThatThrownBy(() -> NumericalPolicy.ascending().select(List.of("0", "1a", "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tag \"1a\" is not a number; numerical order needs every tag to be one"
                + " (keep only numeric tags with a TagFilter pattern)");
    assertThatThrownBy(() -> NumericalPolicy.ascending().decide(List.of("1", "latest")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"latest\"");
  }

  @ParameterizedTest(name = "{0} is a number as Go reads it")
  @ValueSource(
      strings = {"007", "1.", ".5", "+3", "-2e3", "1E-2", "0x1p4", "Inf", "-infinity", "1_000"})
  void goFloatSyntaxIsAccepted(String tag) {
    assertThat(NumericalPolicy.ascending().select(List.of(tag))).contains(tag);
  }

  @ParameterizedTest(name = "{0} is not a number as Go reads it")
  @ValueSource(
      strings = {
        " 1", "1 ", "1d", "1f", "1__000", "_1", "1_", ".", "", "0x10", "1e400", "٣", "1,5"
      })
  void whatGoRejectsIsNotANumber(String tag) {
    assertThatThrownBy(() -> NumericalPolicy.ascending().select(List.of("1", tag)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tag \"");
  }

  @Test
  void equalValuesGoToTheBytewiseSmallestTagWhateverTheOrderAsInFlux() {
    // image-reflector-controller lists tags bytewise descending and keeps the last equal value
    assertThat(NumericalPolicy.ascending().select(List.of("1.0", "1", "01"))).contains("01");
    assertThat(NumericalPolicy.ascending().select(List.of("01", "1", "1.0"))).contains("01");
    assertThat(NumericalPolicy.descending().select(List.of("1", "1.0", "2"))).contains("1");
    assertThat(NumericalPolicy.ascending().select(List.of("1e1", "10", "2"))).contains("10");
  }

  @Test
  void nanIsNeverSelectedAndIsReported() {
    Decision d = NumericalPolicy.ascending().decide(List.of("NaN", "3", "nan"));
    assertThat(d.selected()).contains("3");
    assertThat(d.count(Reason.NOT_A_VERSION)).isEqualTo(2);
  }

  @Test
  void downgradeFollowsTheOrder() {
    assertThat(NumericalPolicy.ascending().isDowngrade("10", "9")).isTrue();
    assertThat(NumericalPolicy.ascending().isDowngrade("9", "10")).isFalse();
    assertThat(NumericalPolicy.descending().isDowngrade("9", "10")).isTrue();
    assertThat(NumericalPolicy.ascending().isDowngrade("x", "1")).isFalse();
  }

  @Test
  void ordersAndNullsAreCheckedWithMessages() {
    assertThatThrownBy(() -> NumericalPolicy.of("up"))
        .hasMessage("invalid numerical order \"up\": expected \"ASC\" or \"DESC\"");
    assertThatThrownBy(() -> NumericalPolicy.of(null))
        .hasMessage("numerical order is null; expected \"ASC\" or \"DESC\"");
    assertThatThrownBy(() -> NumericalPolicy.descending().decide(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(NumericalPolicy.descending().describe()).isEqualTo("numerical descending");
  }
}
