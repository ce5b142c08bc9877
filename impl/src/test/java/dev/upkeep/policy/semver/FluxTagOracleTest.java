package dev.upkeep.policy.semver;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Differential test: our tag scanner against Flux's {@code version.ParseVersion} rebuilt from its
 * parts (three dot-separated parts, then Masterminds' loose version regex, 64-bit unsigned numbers
 * and the prerelease leading-zero rule), with Helm's {@code _} replaced by {@code +} first.
 */
class FluxTagOracleTest {

  private static final Pattern LOOSE =
      Pattern.compile(
          "^v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?"
              + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
              + "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?$");
  private static final BigInteger MAX = new BigInteger("18446744073709551615");

  /** major.minor.patch-pre+build as Flux reads {@code tag}, or null. */
  static String oracle(String tag) {
    // Go's strings.SplitN(tag, ".", 3) must give three parts.
    if (tag.split("\\.", 3).length != 3) {
      return null;
    }
    Matcher m = LOOSE.matcher(tag.replace('_', '+'));
    if (!m.matches()) {
      return null;
    }
    BigInteger[] core = new BigInteger[3];
    for (int i = 0; i < 3; i++) {
      String g = m.group(i + 1);
      core[i] =
          g == null ? BigInteger.ZERO : new BigInteger(g.startsWith(".") ? g.substring(1) : g);
      if (core[i].compareTo(MAX) > 0) {
        return null;
      }
    }
    String pre = m.group(5) == null ? "" : m.group(5);
    for (String part : pre.isEmpty() ? new String[0] : pre.split("\\.")) {
      if (part.length() > 1 && part.charAt(0) == '0' && part.chars().allMatch(Character::isDigit)) {
        return null;
      }
    }
    String build = m.group(8) == null ? "" : m.group(8);
    return core[0]
        + "."
        + core[1]
        + "."
        + core[2]
        + (pre.isEmpty() ? "" : "-" + pre)
        + (build.isEmpty() ? "" : "+" + build);
  }

  private static String pick(SplittableRandom r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static String randomTag(SplittableRandom r) {
    StringBuilder b = new StringBuilder(pick(r, "", "", "", "v", "V", " "));
    int segments = 1 + r.nextInt(4);
    for (int k = 0; k < segments; k++) {
      if (k > 0) {
        b.append('.');
      }
      b.append(
          pick(
              r,
              "0",
              "1",
              "2",
              "01",
              "10",
              "18446744073709551615",
              "18446744073709551616",
              "x",
              ""));
    }
    for (String sep : new String[] {"-", "+"}) {
      if (r.nextBoolean()) {
        b.append(sep.equals("+") ? pick(r, "+", "_") : sep);
        int ids = 1 + r.nextInt(3);
        for (int k = 0; k < ids; k++) {
          if (k > 0) {
            b.append('.');
          }
          b.append(pick(r, "rc", "0", "01", "1", "a-b", "", "\u00e9", "-", "_"));
        }
      }
    }
    return b.append(pick(r, "", "", "", " ", ".")).toString();
  }

  @Test
  void readsTagsAsFluxParseVersionDoes() {
    SplittableRandom r = new SplittableRandom(11);
    int versions = 0;
    for (int i = 0; i < 100_000; i++) {
      String tag = randomTag(r);
      SemVersion ours = SemVersion.parse(tag);
      String expected = oracle(tag);
      assertThat(ours == null ? null : ours.toString()).as("tag \"%s\"", tag).isEqualTo(expected);
      if (expected != null) {
        versions++;
      }
    }
    assertThat(versions).isGreaterThan(2_000);
  }
}
