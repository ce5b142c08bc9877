package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GoFloat} against Go's own {@code strconv.ParseFloat(s, 64)}, which Flux's numerical policy
 * runs on every tag: each expected value is what go1.19.8 printed ({@code strconv.FormatFloat(f,
 * 'g', -1, 64)}, or {@code ERR} for an error).
 */
class GoFloatTest {

  static Stream<Arguments> parsesAsGoDoes() {
    return Stream.of(
        Arguments.of("1", "1"),
        Arguments.of("1.5", "1.5"),
        Arguments.of("1e3", "1000"),
        Arguments.of("0x1p-2", "0.25"),
        Arguments.of("inf", "+Inf"),
        Arguments.of("Infinity", "+Inf"),
        Arguments.of("-INF", "-Inf"),
        Arguments.of("+Inf", "+Inf"),
        Arguments.of("NaN", "NaN"),
        Arguments.of("nan", "NaN"),
        Arguments.of("+NaN", "ERR"),
        Arguments.of("-nan", "ERR"),
        Arguments.of("1_000", "1000"),
        Arguments.of("0x1_0p0", "16"),
        Arguments.of("0x_10p0", "16"),
        Arguments.of("+1", "1"),
        Arguments.of("-0", "-0"),
        Arguments.of(" 1", "ERR"),
        Arguments.of("1.", "1"),
        Arguments.of(".5", "0.5"),
        Arguments.of("0x10", "ERR"),
        Arguments.of("1e", "ERR"),
        Arguments.of("1e+", "ERR"),
        Arguments.of("1E5", "100000"),
        Arguments.of("١", "ERR"),
        Arguments.of("0x1.8p1", "3"),
        Arguments.of("0x.8p1", "1"),
        Arguments.of("0xp1", "ERR"),
        Arguments.of("1e400", "ERR"),
        Arguments.of("-1e400", "ERR"),
        Arguments.of("1e-400", "0"),
        Arguments.of("00012", "12"),
        Arguments.of("1.2.3", "ERR"),
        Arguments.of("v1", "ERR"),
        Arguments.of("1d", "ERR"),
        Arguments.of("1f", "ERR"),
        Arguments.of("", "ERR"),
        Arguments.of("+", "ERR"),
        Arguments.of(".", "ERR"),
        Arguments.of("0b101", "ERR"),
        Arguments.of("0o17", "ERR"),
        Arguments.of("0x1P+2", "4"),
        Arguments.of("infinit", "ERR"),
        Arguments.of("infinityy", "ERR"),
        Arguments.of("1__0", "ERR"),
        Arguments.of("0x1p1_0", "1024"));
  }

  @ParameterizedTest
  @MethodSource
  void parsesAsGoDoes(String s, String go) {
    Double parsed = GoFloat.parse(s);
    assertThat(parsed == null ? "ERR" : format(parsed)).isEqualTo(go);
  }

  /** Go's {@code 'g', -1} for the values here: shortest form, Inf with its sign. */
  private static String format(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
