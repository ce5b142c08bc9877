package dev.upkeep.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoStringsTest {

  /** Each expected value is what go1.19.8's {@code fmt.Sprintf("%q", s)} printed. */
  static Stream<Arguments> quotesAsGoDoes() {
    return Stream.of(
        Arguments.of("\u0001", "\"\\x01\""),
        Arguments.of("\u007f", "\"\\x7f\""),
        Arguments.of("a\u000bb", "\"a\\vb\""),
        Arguments.of("\u0007\b\f", "\"\\a\\b\\f\""),
        Arguments.of("é", "\"é\""),
        Arguments.of("\u2028", "\"\\u2028\""),
        Arguments.of("\u0085", "\"\\u0085\""),
        Arguments.of("\u00a0", "\"\\u00a0\""),
        Arguments.of("😀", "\"😀\""),
        Arguments.of("\udb40\udc01", "\"\\U000e0001\""),
        Arguments.of("\t\n\r\"\\", "\"\\t\\n\\r\\\"\\\\\""),
        Arguments.of("plain", "\"plain\""),
        Arguments.of("ü\u200bx", "\"ü\\u200bx\""),
        Arguments.of("\ufeff", "\"\\ufeff\""));
  }

  @ParameterizedTest
  @MethodSource
  void quotesAsGoDoes(String s, String go) {
    assertThat(GoStrings.quote(s)).isEqualTo(go);
  }
}
