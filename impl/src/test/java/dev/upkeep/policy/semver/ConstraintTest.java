package dev.upkeep.policy.semver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tables of Masterminds semver v3 {@code constraints_test.go}, carried over row by row.
 * Versions here are read with Masterminds' lenient {@code NewVersion} (so {@code "1"} is 1.0.0), as
 * in the Go tests; tags as Flux reads them are covered by {@code SemverPolicyTest}.
 */
class ConstraintTest {

  static SemVersion version(String v) {
    SemVersion parsed = SemVersion.parseLenient(v, v, false);
    assertThat(parsed).as("version %s", v).isNotNull();
    return parsed;
  }

  static boolean check(String constraint, String version) {
    return ConstraintParser.parse(constraint).test(version(version));
  }

  /** {@code TestConstraintCheck}: single comparisons. */
  static Stream<Arguments> constraintCheck() {
    return Stream.of(
        arguments("=2.0.0", "1.2.3", false),
        arguments("=2.0.0", "2.0.0", true),
        arguments("=2.0", "1.2.3", false),
        arguments("=2.0", "2.0.0", true),
        arguments("=2.0", "2.0.1", true),
        arguments("4.1", "4.1.0", true),
        arguments("!=4.1.0", "4.1.0", false),
        arguments("!=4.1.0", "4.1.1", true),
        arguments("!=4.1", "4.1.0", false),
        arguments("!=4.1", "4.1.1", false),
        arguments("!=4.1", "5.1.0-alpha.1", false),
        arguments("!=4.1-alpha", "4.1.0", true),
        arguments("!=4.1", "5.1.0", true),
        arguments("<11", "0.1.0", true),
        arguments("<11", "11.1.0", false),
        arguments("<1.1", "0.1.0", true),
        arguments("<1.1", "1.1.0", false),
        arguments("<1.1", "1.1.1", false),
        arguments("<=11", "1.2.3", true),
        arguments("<=11", "12.2.3", false),
        arguments("<=11", "11.2.3", true),
        arguments("<=1.1", "1.2.3", false),
        arguments("<=1.1", "0.1.0", true),
        arguments("<=1.1", "1.1.0", true),
        arguments("<=1.1", "1.1.1", true),
        arguments(">1.1", "4.1.0", true),
        arguments(">1.1", "1.1.0", false),
        arguments(">0", "0", false),
        arguments(">0", "1", true),
        arguments(">0", "0.0.1-alpha", false),
        arguments(">0.0", "0.0.1-alpha", false),
        arguments(">0-0", "0.0.1-alpha", false),
        arguments(">0.0-0", "0.0.1-alpha", false),
        arguments(">0", "0.0.0-alpha", false),
        arguments(">0-0", "0.0.0-alpha", false),
        arguments(">0.0.0-0", "0.0.0-alpha", true),
        arguments(">1.2.3-alpha.1", "1.2.3-alpha.2", true),
        arguments(">1.2.3-alpha.1", "1.3.3-alpha.2", true),
        arguments(">11", "11.1.0", false),
        arguments(">11.1", "11.1.0", false),
        arguments(">11.1", "11.1.1", false),
        arguments(">11.1", "11.2.1", true),
        arguments(">=11", "11.1.2", true),
        arguments(">=11.1", "11.1.2", true),
        arguments(">=11.1", "11.0.2", false),
        arguments(">=1.1", "4.1.0", true),
        arguments(">=1.1", "1.1.0", true),
        arguments(">=1.1", "0.0.9", false),
        arguments(">=0", "0.0.1-alpha", false),
        arguments(">=0.0", "0.0.1-alpha", false),
        arguments(">=0-0", "0.0.1-alpha", true),
        arguments(">=0.0-0", "0.0.1-alpha", true),
        arguments(">=0", "0.0.0-alpha", false),
        arguments(">=0-0", "0.0.0-alpha", true),
        arguments(">=0.0.0-0", "0.0.0-alpha", true),
        arguments(">=0.0.0-0", "1.2.3", true),
        arguments(">=0.0.0-0", "3.4.5-beta.1", true),
        arguments("<0", "0.0.0-alpha", false),
        arguments("<0-z", "0.0.0-alpha", true),
        arguments(">=0", "0", true),
        arguments("=0", "1", false),
        arguments("*", "1", true),
        arguments("*", "4.5.6", true),
        arguments("*", "1.2.3-alpha.1", false),
        arguments("*-0", "1.2.3-alpha.1", true),
        arguments("2.*", "1", false),
        arguments("2.*", "3.4.5", false),
        arguments("2.*", "2.1.1", true),
        arguments("2.1.*", "2.1.1", true),
        arguments("2.1.*", "2.2.1", false),
        arguments("2", "1", false),
        arguments("2", "3.4.5", false),
        arguments("2", "2.1.1", true),
        arguments("2.1", "2.1.1", true),
        arguments("2.1", "2.2.1", false),
        arguments("~1.2.3", "1.2.4", true),
        arguments("~1.2.3", "1.3.4", false),
        arguments("~1.2", "1.2.4", true),
        arguments("~1.2", "1.3.4", false),
        arguments("~1", "1.2.4", true),
        arguments("~1", "2.3.4", false),
        arguments("~0.2.3", "0.2.5", true),
        arguments("~0.2.3", "0.3.5", false),
        arguments("~1.2.3-beta.2", "1.2.3-beta.4", true),
        arguments("~1.2.3-beta.2", "1.2.4-beta.2", true),
        arguments("~1.2.3-beta.2", "1.3.4-beta.2", false),
        arguments("^1.2.3", "1.8.9", true),
        arguments("^1.2.3", "2.8.9", false),
        arguments("^1.2.3", "1.2.1", false),
        arguments("^1.1.0", "2.1.0", false),
        arguments("^1.2.0", "2.2.1", false),
        arguments("^1.2.0", "1.2.1-alpha.1", false),
        arguments("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
        arguments("^1.2.0-alpha.0", "1.2.1-alpha.0", true),
        arguments("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
        arguments("^1.2", "1.8.9", true),
        arguments("^1.2", "2.8.9", false),
        arguments("^1", "1.8.9", true),
        arguments("^1", "2.8.9", false),
        arguments("^0.2.3", "0.2.5", true),
        arguments("^0.2.3", "0.5.6", false),
        arguments("^0.2", "0.2.5", true),
        arguments("^0.2", "0.5.6", false),
        arguments("^0.0.3", "0.0.3", true),
        arguments("^0.0.3", "0.0.4", false),
        arguments("^0.0", "0.0.3", true),
        arguments("^0.0", "0.1.4", false),
        arguments("^0.0", "1.0.4", false),
        arguments("^0", "0.2.3", true),
        arguments("^0", "1.1.4", false),
        arguments("^0.2.3-beta.2", "0.2.3-beta.4", true),
        arguments("^0.2.3-beta.2", "0.2.4-beta.2", true),
        arguments("^0.2.3-beta.2", "0.3.4-beta.2", false),
        arguments("^0.2.3-beta.2", "0.2.3-beta.2", true));
  }

  @ParameterizedTest(name = "\"{0}\" accepts {1}: {2}")
  @MethodSource
  void constraintCheck(String constraint, String version, boolean expected) {
    assertThat(check(constraint, version)).isEqualTo(expected);
  }

  /**
   * {@code TestConstraintsCheck}, plus the rows of {@code TestConstraintsValidate} (including the
   * cases its message table rejects) that the first table lacks.
   */
  static Stream<Arguments> constraintsCheck() {
    return Stream.of(
        arguments("*", "1.2.3", true),
        arguments("~0.0.0", "1.2.3", true),
        arguments("0.x.x", "1.2.3", false),
        arguments("0.0.x", "1.2.3", false),
        arguments("0.0.0", "1.2.3", false),
        arguments("^0.0.0", "1.2.3", false),
        arguments("= 2.0", "1.2.3", false),
        arguments("= 2.0", "2.0.0", true),
        arguments("4.1", "4.1.0", true),
        arguments("4.1.x", "4.1.3", true),
        arguments("1.x", "1.4", true),
        arguments("!=4.1", "4.1.0", false),
        arguments("!=4.1-alpha", "4.1.0-alpha", false),
        arguments("!=4.1-alpha", "4.1.1-alpha", false),
        arguments("!=4.1-alpha", "4.1.0", true),
        arguments("!=4.1", "5.1.0", true),
        arguments("!=4.x", "5.1.0", true),
        arguments("!=4.x", "4.1.0", false),
        arguments("!=4.1.x", "4.2.0", true),
        arguments("!=4.2.x", "4.2.3", false),
        arguments(">1.1", "4.1.0", true),
        arguments(">1.1", "1.1.0", false),
        arguments("<1.1", "0.1.0", true),
        arguments("<1.1", "1.1.0", false),
        arguments("<1.1", "1.1.1", false),
        arguments("<1.x", "1.1.1", false),
        arguments("<1.x", "0.1.1", true),
        arguments("<1.x", "2.0.0", false),
        arguments("<1.1.x", "1.2.1", false),
        arguments("<1.1.x", "1.1.500", false),
        arguments("<1.1.x", "1.0.500", true),
        arguments("<1.2.x", "1.1.1", true),
        arguments(">=1.1", "4.1.0", true),
        arguments(">=1.1", "4.1.0-beta", false),
        arguments(">=1.1", "1.1.0", true),
        arguments(">=1.1", "0.0.9", false),
        arguments("<=1.1", "0.1.0", true),
        arguments("<=1.1", "0.1.0-alpha", false),
        arguments("<=1.1-a", "0.1.0-alpha", true),
        arguments("<=1.1", "1.1.0", true),
        arguments("<=1.x", "1.1.0", true),
        arguments("<=2.x", "3.0.0", false),
        arguments("<=1.1", "1.1.1", true),
        arguments("<=1.1.x", "1.2.500", false),
        arguments("<=4.5", "3.4.0", true),
        arguments("<=4.5", "3.7.0", true),
        arguments("<=4.5", "4.6.3", false),
        arguments(">1.1, <2", "1.1.1", false),
        arguments(">1.1, <2", "1.2.1", true),
        arguments(">1.1, <3", "4.3.2", false),
        arguments(">=1.1, <2, !=1.2.3", "1.2.3", false),
        arguments(">1.1 <2", "1.1.1", false),
        arguments(">1.1 <2", "1.2.1", true),
        arguments(">1.1    <3", "4.3.2", false),
        arguments(">=1.1    <2    !=1.2.3", "1.2.3", false),
        arguments(">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
        arguments(">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
        arguments(">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
        arguments(">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
        arguments(">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
        arguments(">=1.1 <2 !=1.2.3", "1.2.3", false),
        arguments(">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
        arguments(">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
        arguments(">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
        arguments(">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
        arguments(">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
        arguments("> 1.1, <     2", "1.1.1", false),
        arguments(">   1.1, <2", "1.2.1", true),
        arguments(">1.1, <  3", "4.3.2", false),
        arguments(">= 1.1, <     2, !=1.2.3", "1.2.3", false),
        arguments("> 1.1 < 2", "1.1.1", false),
        arguments(">1.1 < 2", "1.2.1", true),
        arguments("> 1.1    <3", "4.3.2", false),
        arguments(">=1.1    < 2    != 1.2.3", "1.2.3", false),
        arguments(">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
        arguments(">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
        arguments(">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
        arguments(">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
        arguments(">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
        arguments(">= 1.1 <2 != 1.2.3", "1.2.3", false),
        arguments(">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
        arguments(">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
        arguments(">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
        arguments(">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
        arguments(">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
        arguments("1.1 - 2", "1.1.1", true),
        arguments("1.5.0 - 4.5", "3.7.0", true),
        arguments("1.1-3", "4.3.2", false),
        arguments("^1.1", "1.1.1", true),
        arguments("^1.1", "4.3.2", false),
        arguments("^1.x", "1.1.1", true),
        arguments("^2.x", "1.1.1", false),
        arguments("^1.x", "2.1.1", false),
        arguments("^1.x", "1.1.1-beta1", false),
        arguments("^1.1.2-alpha", "1.2.1-beta1", true),
        arguments("^1.2.x-alpha", "1.1.1-beta1", false),
        arguments("^0.0.1", "0.0.1", true),
        arguments("^0.0.1", "0.3.1", false),
        arguments("~*", "2.1.1", true),
        arguments("~1", "2.1.1", false),
        arguments("~1", "1.3.5", true),
        arguments("~1", "1.4", true),
        arguments("~1.x", "2.1.1", false),
        arguments("~1.x", "1.3.5", true),
        arguments("~1.x", "1.4", true),
        arguments("~1.1", "1.1.1", true),
        arguments("~1.1", "1.1.1-alpha", false),
        arguments("~1.1-alpha", "1.1.1-beta", true),
        arguments("~1.1.1-beta", "1.1.1-alpha", false),
        arguments("~1.1.1-beta", "1.1.1", true),
        arguments("~1.2.3", "1.2.5", true),
        arguments("~1.2.3", "1.2.2", false),
        arguments("~1.2.3", "1.3.2", false),
        arguments("~1.1", "1.2.3", false),
        arguments("~1.3", "2.4.5", false),
        arguments("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
        arguments("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
        arguments("<2.x", "1.1.1", true),
        arguments("<=2.x", "3.1.0", false),
        arguments("^1.1", "1.1.1-alpha", false),
        arguments("^1.1.1-alpha", "1.1.1-beta", true),
        arguments("^1.1.1-beta", "1.1.1-alpha", false),
        arguments("^0.0.1", "0.1.3", false),
        arguments("~1", "1.3.5-beta", false),
        arguments("~1.x", "1.3.5-beta", false),
        arguments("~1.3.6-alpha", "1.3.5-beta", false),
        arguments("~1.3.5-alpha", "1.3.5-beta", true),
        arguments("~1.3.5-beta", "1.3.5-alpha", false),
        arguments("2.x", "1.2.3", false),
        arguments("2", "1.2.3", false),
        arguments("<1.x", "2.1.1", false),
        arguments("<=1.1", "1.2.1", false),
        arguments("1.1 - 3", "4.3.2", false),
        arguments("^1.12.7", "1.6.6", false),
        arguments("^0.2", "0.3.0", false),
        arguments("^0.2", "0.1.1", false),
        arguments("^0.0.3", "0.1.1", false),
        arguments("^0.0.3", "0.0.2", false),
        arguments("~1", "2.1.2", false),
        arguments("> 1.2.3", "1.2.3-beta.1", false),
        arguments("!= 1.2.5, ^2, <= 1.1.x", "1.2.3", false));
  }

  @ParameterizedTest(name = "\"{0}\" accepts {1}: {2}")
  @MethodSource
  void constraintsCheck(String constraint, String version, boolean expected) {
    assertThat(check(constraint, version)).isEqualTo(expected);
  }

  /** {@code TestParseConstraint}: operator and operand of a single comparison. */
  static Stream<Arguments> parseConstraint() {
    return Stream.of(
        arguments(">= 1.2", Atom.Op.GREATER_OR_EQUAL, "1.2.0"),
        arguments("1.0", Atom.Op.TILDE_OR_EQUAL, "1.0.0"),
        arguments("<= 1.2", Atom.Op.LESS_OR_EQUAL, "1.2.0"),
        arguments("=< 1.2", Atom.Op.LESS_OR_EQUAL, "1.2.0"),
        arguments("=> 1.2", Atom.Op.GREATER_OR_EQUAL, "1.2.0"),
        arguments("v1.2", Atom.Op.TILDE_OR_EQUAL, "1.2.0"),
        arguments("=1.5", Atom.Op.TILDE_OR_EQUAL, "1.5.0"),
        arguments("> 1.3", Atom.Op.GREATER, "1.3.0"),
        arguments("< 1.4.1", Atom.Op.LESS, "1.4.1"),
        arguments("< 40.50.10", Atom.Op.LESS, "40.50.10"),
        arguments("~> 1.2", Atom.Op.TILDE, "1.2.0"),
        arguments("^1", Atom.Op.CARET, "1.0.0"),
        arguments("!=4.1-alpha", Atom.Op.NOT_EQUAL, "4.1.0-alpha"));
  }

  @ParameterizedTest(name = "\"{0}\" is {1} {2}")
  @MethodSource
  void parseConstraint(String text, Atom.Op op, String operand) {
    Constraint c = ConstraintParser.parse(text);
    assertThat(c.alternatives()).isEqualTo(1);
    assertThat(c.comparisons(0)).isEqualTo(1);
    assertThat(c.atom(0, 0).op).isEqualTo(op);
    assertThat(c.atom(0, 0).con).hasToString(operand);
  }

  /** {@code TestNewConstraint}: alternatives and comparisons in the first one. */
  static Stream<Arguments> newConstraint() {
    return Stream.of(
        arguments(">= 1.1", 1, 1),
        arguments(">40.50.60, < 50.70", 1, 2),
        arguments("2.0", 1, 1),
        arguments("v2.3.5-20161202202307-sha.e8fc5e5", 1, 1),
        arguments(">= 1.2.3 < 2.0", 1, 2),
        arguments(">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2),
        arguments(">= 1.2.3, < 2.0", 1, 2),
        arguments(">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2),
        arguments("3 - 4 || => 3.0, < 4", 2, 2),
        arguments("12.3.34 ~1.2.3", 1, 2),
        arguments("1.0.0 - 2.0.0, <=2.0.0", 1, 3),
        arguments("2 - 3 4.0.0 - 5.1", 1, 4),
        arguments("2 - 3, 4.0.0 - 5.1", 1, 4));
  }

  @ParameterizedTest(name = "\"{0}\" has {1} alternatives, {2} comparisons")
  @MethodSource
  void newConstraint(String text, int alternatives, int comparisons) {
    Constraint c = ConstraintParser.parse(text);
    assertThat(c.alternatives()).isEqualTo(alternatives);
    assertThat(c.comparisons(0)).isEqualTo(comparisons);
  }

  @ParameterizedTest(name = "\"{0}\" is invalid")
  @ValueSource(
      strings = {
        // TestParseConstraint, TestNewConstraint
        "foo",
        ">= bar",
        "BAR >= 1.2.3",
        "12.3.4.1234",
        "12.23.4.1234",
        "12.3.34.1234",
        "12.3.34~ 1.2.3",
        // Flux image-reflector-controller TestNewSemVer
        "1.0.0p",
        "1x",
        "x1",
        "-1",
        "a",
        "",
        // image-reflector-controller TestFactory_PolicerFromSpec
        "*-*",
        // An empty alternative, a dangling comma or operator
        " ",
        "1.2 ||",
        "|| 1.2",
        "1.2,",
        ">=",
        "1.2.3-",
        "1.2.3+",
        "V1.2.3",
        // A hyphen range glued to an operator or to the previous comparison by blanks only
        ">1 - 2",
        ">1.5 1 - 2",
        // Numbers beyond 64 bits, prerelease numbers with leading zeros
        "18446744073709551616",
        ">1.2.3-01",
        // Java whitespace that is not Go whitespace, non-ASCII
        "1.2.3\u000b",
        "\u22651.0"
      })
  void rejectsWhatMastermindsRejects(String text) {
    assertThatThrownBy(() -> ConstraintParser.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid constraint ");
  }

  @ParameterizedTest(name = "\"{0}\" is valid")
  @ValueSource(
      strings = {
        // Flux image-reflector-controller TestNewSemVer
        "1.0.x",
        "^1.0",
        "=1.0.0",
        "~1.0",
        ">=1.0",
        ">0,<2.0",
        // Blanks of every kind Go knows, commas with blanks
        "\t>=1.0\n<2\r",
        ">= 1.0 ,  <2",
        ">1.5, 1 - 2",
        "18446744073709551615.0.0",
        "01.02.03",
        // After a wildcard, the rest of the operand is ignored, as in Masterminds
        "1.x.5",
        "x.|"
      })
  void acceptsWhatMastermindsAccepts(String text) {
    assertThatCode(() -> ConstraintParser.parse(text)).doesNotThrowAnyException();
  }

  @Nested
  class HyphenRanges {

    @Test
    void needBlanksAroundTheDash() {
      // "1.1-3" is 1.1 with prerelease "3", not a range.
      assertThat(check("1.1-3", "2.0.0")).isFalse();
      assertThat(check("1.1 - 3", "2.0.0")).isTrue();
    }

    @Test
    void includeBothEndsWithPartialUpperBounds() {
      assertThat(check("1.1 - 2", "2.99.0")).isTrue();
      assertThat(check("1.2.3 - 2.0", "2.0.9")).isTrue();
      assertThat(check("1.2.3 - 2.0", "2.1.0")).isFalse();
      assertThat(check("1.2.3 - 2.0", "1.2.2")).isFalse();
    }

    @Test
    void combineWithAlternatives() {
      assertThat(check("1 - 2 || 4 - 5", "3.0.0")).isFalse();
      assertThat(check("1 - 2 || 4 - 5", "5.3.0")).isTrue();
    }
  }

  @Nested
  class Prereleases {

    @Test
    void areAcceptedAnywhereInAGroupThatNamesOne() {
      assertThat(check("^1.2.3-beta.2", "1.5.0-alpha")).isTrue();
      assertThat(check(">=1.2.3-beta.2, <2", "1.9.0-rc.1")).isTrue();
    }

    @Test
    void areNotAcceptedByAnotherAlternative() {
      assertThat(check(">=1.0.0-0 <1.1 || >=2", "2.1.0-rc.1")).isFalse();
      assertThat(check(">=1.0.0-0 <1.1 || >=2", "1.0.5-rc.1")).isTrue();
    }

    @Test
    void orderNumbersBelowTextAndNumerically() {
      assertThat(check(">1.0.0-2", "1.0.0-10")).isTrue();
      assertThat(check(">1.0.0-alpha", "1.0.0-10")).isFalse();
      assertThat(check(">1.0.0-alpha", "1.0.0-alpha.1")).isTrue();
      assertThat(check(">1.0.0-alpha.1", "1.0.0-alpha")).isFalse();
    }
  }

  @Nested
  class ErrorMessages {

    private String message(String text) {
      try {
        ConstraintParser.parse(text);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
      throw new AssertionError("no error for " + text);
    }

    @Test
    void pointAtTheUnexpectedPart() {
      assertThat(message(">=1.2.x.y"))
          .isEqualTo("invalid constraint \">=1.2.x.y\": unexpected \".y\" at position 7");
      assertThat(message(">= bar"))
          .isEqualTo("invalid constraint \">= bar\": unexpected \"bar\" at position 3");
      assertThat(message(">=1.0 <2 foo"))
          .isEqualTo("invalid constraint \">=1.0 <2 foo\": unexpected \"foo\" at position 9");
      assertThat(message("1x"))
          .isEqualTo("invalid constraint \"1x\": unexpected \"1x\" at position 0");
    }

    @Test
    void sayWhereAVersionIsMissing() {
      assertThat(message(""))
          .isEqualTo("invalid constraint \"\": expected a version at position 0");
      assertThat(message(">="))
          .isEqualTo("invalid constraint \">=\": expected a version at position 2");
      assertThat(message("1.2 ||"))
          .isEqualTo("invalid constraint \"1.2 ||\": expected a version at position 6");
    }

    @Test
    void explainNumbersThatCannotBeRead() {
      assertThat(message(">1.2.3-01"))
          .isEqualTo(
              "invalid constraint \">1.2.3-01\": unexpected \"01\" at position 7"
                  + " (numeric prerelease identifiers must not start with 0)");
      assertThat(message("18446744073709551616.0.0"))
          .isEqualTo(
              "invalid constraint \"18446744073709551616.0.0\": unexpected"
                  + " \"18446744073709551616\" at position 0"
                  + " (numbers must not exceed 18446744073709551615)");
    }

    @Test
    void namePositionsInTheTextAsWritten() {
      // After the hyphen range is rewritten, positions still refer to the original text.
      assertThat(message("1 - 2 >=3.x.y"))
          .isEqualTo("invalid constraint \"1 - 2 >=3.x.y\": unexpected \".y\" at position 11");
      assertThat(message(">1 - 2"))
          .isEqualTo(
              "invalid constraint \">1 - 2\": unexpected hyphen range \"1 - 2\" at position 1");
    }

    @Test
    void escapeControlCharacters() {
      assertThat(message("1.2\n?"))
          .isEqualTo("invalid constraint \"1.2\\n?\": unexpected \"?\" at position 4");
    }

    @Test
    void rejectNullTooLongAndTooManyAlternatives() {
      assertThatThrownBy(() -> ConstraintParser.parse(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("constraint is null; expected a semver range such as \"1.2.x\"");
      assertThat(message("1".repeat(513)))
          .isEqualTo("invalid constraint of 513 characters: at most 512 are allowed");
      assertThat(message("1 ||".repeat(32) + "1"))
          .isEqualTo(
              "invalid constraint \""
                  + "1 ||".repeat(32)
                  + "1\": 33 || alternatives, at most 32 are allowed");
    }
  }
}
