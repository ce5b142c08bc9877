package dev.upkeep.policy.tags;

import java.util.regex.Pattern;

/**
 * Go's {@code strconv.ParseFloat(s, 64)}, which Flux's numerical policy uses: decimal and
 * hexadecimal floats, {@code Inf}/{@code Infinity}/{@code NaN} in any case. Unlike Java's {@link
 * Double#parseDouble}, no blanks, no {@code d}/{@code f} suffix, and a finite literal that
 * overflows is an error rather than infinity.
 */
final class GoFloat {

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Pattern HEX =
      Pattern.compile("[+-]?0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+");
  private static final Pattern INFINITY = Pattern.compile("[+-]?(?i:inf|infinity)");
  private static final Pattern NAN = Pattern.compile("(?i:nan)");

  private GoFloat() {}

  /** The value, or null when Go would return an error. */
  static Double parse(String s) {
    if (s.indexOf('_') >= 0) {
      // Go's literal syntax: an underscore may separate digits (and follow a base prefix)
      if (!underscoresBetweenDigits(s)) {
        return null;
      }
      s = s.replace("_", "");
    }
    if (DECIMAL.matcher(s).matches() || HEX.matcher(s).matches()) {
      double d = Double.parseDouble(s);
      return Double.isInfinite(d) ? null : d;
    }
    if (INFINITY.matcher(s).matches()) {
      return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (NAN.matcher(s).matches()) {
      return Double.NaN;
    }
    return null;
  }

  /**
   * Go's {@code strconv.underscoreOK}: every underscore follows a digit (or a base prefix) and is
   * followed by one.
   */
  private static boolean underscoresBetweenDigits(String s) {
    int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
    char saw = '^';
    boolean hex = false;
    if (s.length() >= i + 2 && s.charAt(i) == '0' && "bBoOxX".indexOf(s.charAt(i + 1)) >= 0) {
      hex = Character.toLowerCase(s.charAt(i + 1)) == 'x';
      i += 2;
      saw = '0'; // the base prefix counts as a digit
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9' || hex && "abcdefABCDEF".indexOf(c) >= 0) {
        saw = '0';
      } else if (c == '_') {
        if (saw != '0') {
          return false;
        }
        saw = '_';
      } else if (saw == '_') {
        return false;
      } else {
        saw = '!';
      }
    }
    return saw != '_';
  }
}
