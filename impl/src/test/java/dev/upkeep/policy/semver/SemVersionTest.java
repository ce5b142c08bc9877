package dev.upkeep.policy.semver;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.zafarkhaja.semver.Version;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemVersionTest {

  private static SemVersion tag(String t) {
    SemVersion v = SemVersion.parse(t);
    assertThat(v).as(t).isNotNull();
    return v;
  }

  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource({
    "1.0.0-alpha, 1.0.0-alpha.1",
    "1.0.0-alpha.1, 1.0.0-alpha.beta",
    "1.0.0-alpha.beta, 1.0.0-beta",
    "1.0.0-beta, 1.0.0-beta.2",
    "1.0.0-beta.2, 1.0.0-beta.11",
    "1.0.0-beta.11, 1.0.0-rc.1",
    "1.0.0-rc.1, 1.0.0",
    "1.9.0, 1.10.0",
    "9223372036854775807.0.0, 9223372036854775808.0.0",
    "1.0.0-9223372036854775808, 1.0.0-18446744073709551615",
    // Masterminds: a number beyond 64 bits is text, and text ranks above numbers.
    "1.0.0-18446744073709551615, 1.0.0-18446744073709551616",
    // Masterminds: numbers rank below any text, even text that sorts before digits.
    "1.0.0-1, 1.0.0--a",
    "1.0.0-2, 1.0.0-1a",
  })
  void ordersAsMastermindsDoes(String lower, String higher) {
    assertThat(tag(lower).compareTo(tag(higher))).isNegative();
    assertThat(tag(higher).compareTo(tag(lower))).isPositive();
  }

  @Test
  void ignoresVLeadingZerosAndBuildMetadataInOrder() {
    assertThat(tag("v01.002.3+b").compareTo(tag("1.2.3"))).isZero();
    assertThat(tag("1.2.3_build.7")).hasToString("1.2.3+build.7");
  }

  /**
   * Where jsemver can read both versions, and no prerelease identifier mixes digits and text with a
   * leading digit or {@code -} (jsemver compares {@code 1a} with {@code 2} as text; Masterminds and
   * the semver spec rank the number lower) or exceeds a {@code long}, its precedence is ours.
   */
  @Test
  void agreesWithJsemverWhereJsemverCanReadTheVersions() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      String a = randomVersion(r);
      String b = randomVersion(r);
      int ours = Integer.signum(tag(a).compareTo(tag(b)));
      int theirs = Integer.signum(Version.parse(a).compareToIgnoreBuildMetadata(Version.parse(b)));
      assertThat(ours).as("%s vs %s", a, b).isEqualTo(theirs);
    }
  }

  private static String randomVersion(SplittableRandom r) {
    StringBuilder b = new StringBuilder();
    b.append(r.nextInt(3)).append('.').append(r.nextInt(3)).append('.').append(r.nextInt(3));
    if (r.nextBoolean()) {
      b.append('-');
      int parts = 1 + r.nextInt(3);
      for (int p = 0; p < parts; p++) {
        if (p > 0) {
          b.append('.');
        }
        String[] ids = {"0", "1", "2", "10", "alpha", "beta", "rc", "a1", "Z", "x-y"};
        b.append(ids[r.nextInt(ids.length)]);
      }
    }
    if (r.nextInt(4) == 0) {
      b.append("+b").append(r.nextInt(5));
    }
    return b.toString();
  }
}
