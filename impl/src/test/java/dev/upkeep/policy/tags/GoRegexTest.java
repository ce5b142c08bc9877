package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GoRegex} against Go's own {@code regexp}: each expected value is what go1.19.8 printed for
 * {@code re.ExpandString(nil, template, s, re.FindStringSubmatchIndex(s))}, as Flux's
 * image-reflector-controller extracts a tag ({@code <nomatch>} when the pattern does not match).
 */
class GoRegexTest {

  static Stream<Arguments> expandsTheFirstMatchAsGoDoes() {
    return Stream.of(
        Arguments.of(
            "^main-[a-f0-9]+-(?P<ts>[0-9]+)", "$ts", "main-4f2a1c-1700000100", "1700000100"),
        Arguments.of("^v(\\d+)\\.(\\d+)", "$1x", "v1.2", ""),
        Arguments.of("^v(\\d+)\\.(\\d+)", "${1}x", "v1.2", "1x"),
        Arguments.of("(\\d+)", "$$", "7", "$"),
        Arguments.of("(?P<a_b>\\d+)", "$a_b", "x12", "12"),
        Arguments.of("[[:alpha:]]+", "$0", "123abc", "abc"),
        Arguments.of("a.b", "$0", "a\nb", "<nomatch>"),
        Arguments.of("[a[]", "$0", "[", "["),
        Arguments.of("(?i)ABC", "$0", "xabcx", "abc"),
        Arguments.of("^(\\d+)$", "$1", "12a", "<nomatch>"),
        Arguments.of("(\\d)", "$2", "5", ""),
        Arguments.of("(?P<ts>\\d+)", "${ts}-$ts", "a1b", "1-1"),
        Arguments.of("(\\d+)", "$", "7", "$"),
        Arguments.of("(\\d+)", "${1", "7", "${1"),
        Arguments.of("\\pL+", "$0", "é1", "é"),
        Arguments.of("(a)|(b)", "[$1][$2]", "b", "[][b]"),
        Arguments.of("\\d{2,}", "$0", "a123", "123"),
        Arguments.of("(?s)a.b", "$0", "a\nb", "a\nb"),
        Arguments.of("\\Qa.b\\E", "$0", "a.b", "a.b"),
        Arguments.of("^[\\w-]+$", "$0", "ab-c", "ab-c"),
        Arguments.of("(?P<major>\\d+)\\.(?P<minor>\\d+)", "$major$minor", "1.2", "12"),
        Arguments.of("(\\d+)", "$10", "5", ""),
        Arguments.of("^(\\d+)-(\\w+)$", "$2.$1", "12-ab", "ab.12"),
        Arguments.of("(?P<1st>\\d)", "$1st", "7", "7"),
        Arguments.of("^([a-z]+)-(\\d+)$", "$1-$2-${2}0", "rc-4", "rc-4-40"),
        Arguments.of("[^[:digit:]]+", "$0", "12ab34", "ab"),
        Arguments.of("x*", "[$0]", "abc", "[]"),
        Arguments.of("(?m)^b$", "$0", "a\nb\nc", "b"),
        Arguments.of("\\x41", "$0", "zA", "A"),
        Arguments.of("[\\d&&]", "$0", "&", "&"));
  }

  @ParameterizedTest
  @MethodSource
  void expandsTheFirstMatchAsGoDoes(String pattern, String template, String s, String go) {
    String expanded = GoRegex.compile(pattern, "tag pattern").expandFirstMatch(s, template);
    assertThat(expanded == null ? "<nomatch>" : expanded).isEqualTo(go);
  }
}
