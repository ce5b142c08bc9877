package dev.upkeep.policy.semver;

/**
 * A version read the way Flux reads a tag ({@code fluxcd/pkg/version.ParseVersion}, which is
 * Masterminds semver v3's lenient {@code NewVersion} behind a "three dot-separated parts" check).
 *
 * <p>Numbers are unsigned 64-bit values held in a {@code long} and compared with {@link
 * Long#compareUnsigned}: that covers every number Masterminds accepts (it parses with {@code
 * ParseUint(s, 10, 64)}) without {@link java.math.BigInteger}. A larger number makes the tag not a
 * version, as in Flux.
 *
 * <p>Scanning is hand-written (no regex, no exception on a bad tag) because a registry can hold
 * 100,000 tags and most of them are not versions.
 */
final class SemVersion implements Comparable<SemVersion> {

  final long major;
  final long minor;
  final long patch;

  /** Dot-separated prerelease identifiers without the {@code -}, or {@code ""}. */
  final String pre;

  /** Build metadata without the {@code +}, or {@code ""}. Never part of ordering. */
  final String build;

  /** The tag exactly as given. */
  final String tag;

  private SemVersion(long major, long minor, long patch, String pre, String build, String tag) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.pre = pre;
    this.build = build;
    this.tag = tag;
  }

  /** A constraint operand; {@code pre} is already validated. */
  static SemVersion of(long major, long minor, long patch, String pre) {
    return new SemVersion(major, minor, patch, pre, "", "");
  }

  /**
   * Reads {@code tag} as Flux does, or returns null when it is not a version. Helm stores {@code +}
   * as {@code _} in OCI tags, so {@code _} is read as {@code +}.
   */
  static SemVersion parse(String tag) {
    if (countDots(tag) < 2) {
      return null;
    }
    return parseLenient(tag, tag, true);
  }

  /**
   * Masterminds' lenient {@code NewVersion}: optional {@code v}, one to three numeric segments
   * (leading zeros allowed), then prerelease and build identifiers. Returns null when invalid.
   */
  static SemVersion parseLenient(String s, String tag, boolean underscoreIsPlus) {
    int n = s.length();
    int i = 0;
    if (i < n && s.charAt(i) == 'v') {
      i++;
    }
    // Build metadata: everything after the first '+' (or '_' for Helm OCI tags).
    int plus = -1;
    for (int k = i; k < n; k++) {
      char c = s.charAt(k);
      if (c == '+' || (underscoreIsPlus && c == '_')) {
        plus = k;
        break;
      }
    }
    int coreAndPreEnd = plus < 0 ? n : plus;
    String build = "";
    if (plus >= 0) {
      if (!validIdentifiers(s, plus + 1, n)) {
        return null;
      }
      build = s.substring(plus + 1);
    }
    // Prerelease: everything after the first '-' that is left.
    int dash = -1;
    for (int k = i; k < coreAndPreEnd; k++) {
      if (s.charAt(k) == '-') {
        dash = k;
        break;
      }
    }
    int coreEnd = dash < 0 ? coreAndPreEnd : dash;
    String pre = "";
    if (dash >= 0) {
      if (!validIdentifiers(s, dash + 1, coreAndPreEnd)
          || hasLeadingZeroNumber(s, dash + 1, coreAndPreEnd)) {
        return null;
      }
      pre = s.substring(dash + 1, coreAndPreEnd);
    }
    long[] core = new long[3];
    int seg = 0;
    int start = i;
    for (int k = i; k <= coreEnd; k++) {
      if (k == coreEnd || s.charAt(k) == '.') {
        if (seg > 2 || k == start) {
          return null;
        }
        if (!fitsUnsigned(s, start, k)) {
          return null;
        }
        core[seg++] = parseUnsigned(s, start, k);
        start = k + 1;
      } else if (!isDigit(s.charAt(k))) {
        return null;
      }
    }
    return new SemVersion(core[0], core[1], core[2], pre, build, tag);
  }

  /** Whether this is a prerelease. */
  boolean isPrerelease() {
    return !pre.isEmpty();
  }

  /** Masterminds' {@code Compare}: numbers, then prerelease; build metadata ignored. */
  @Override
  public int compareTo(SemVersion o) {
    int d = Long.compareUnsigned(major, o.major);
    if (d != 0) {
      return d;
    }
    d = Long.compareUnsigned(minor, o.minor);
    if (d != 0) {
      return d;
    }
    d = Long.compareUnsigned(patch, o.patch);
    if (d != 0) {
      return d;
    }
    return comparePrerelease(pre, o.pre);
  }

  /** The normalized text, {@code 1.2.3-rc.1+b}, as Masterminds prints it. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(24);
    b.append(Long.toUnsignedString(major))
        .append('.')
        .append(Long.toUnsignedString(minor))
        .append('.')
        .append(Long.toUnsignedString(patch));
    if (!pre.isEmpty()) {
      b.append('-').append(pre);
    }
    if (!build.isEmpty()) {
      b.append('+').append(build);
    }
    return b.toString();
  }

  static int comparePrerelease(String a, String b) {
    if (a.isEmpty() || b.isEmpty()) {
      // No prerelease ranks above any prerelease.
      return a.isEmpty() ? (b.isEmpty() ? 0 : 1) : -1;
    }
    int ia = 0;
    int ib = 0;
    while (ia < a.length() || ib < b.length()) {
      int ea = partEnd(a, ia);
      int eb = partEnd(b, ib);
      int d = comparePart(a, ia, ea, b, ib, eb);
      if (d != 0) {
        return d;
      }
      ia = ea + 1;
      ib = eb + 1;
    }
    return 0;
  }

  private static int partEnd(String s, int from) {
    if (from >= s.length()) {
      return s.length();
    }
    int dot = s.indexOf('.', from);
    return dot < 0 ? s.length() : dot;
  }

  /**
   * Masterminds' {@code comparePrePart}: a missing part ranks lower; numbers (up to 2^64-1) compare
   * as numbers and rank below text; text compares bytewise.
   */
  private static int comparePart(String a, int as, int ae, String b, int bs, int be) {
    int la = Math.max(0, ae - as);
    int lb = Math.max(0, be - bs);
    if (la == lb && a.regionMatches(as, b, bs, la)) {
      return 0;
    }
    if (la == 0) {
      return -1;
    }
    if (lb == 0) {
      return 1;
    }
    boolean na = isUnsignedNumber(a, as, ae);
    boolean nb = isUnsignedNumber(b, bs, be);
    if (!na && !nb) {
      for (int k = 0; k < Math.min(la, lb); k++) {
        int d = a.charAt(as + k) - b.charAt(bs + k);
        if (d != 0) {
          return d > 0 ? 1 : -1;
        }
      }
      return la > lb ? 1 : -1;
    }
    if (!nb) {
      return -1;
    }
    if (!na) {
      return 1;
    }
    return Long.compareUnsigned(parseUnsigned(a, as, ae), parseUnsigned(b, bs, be)) > 0 ? 1 : -1;
  }

  /** Digits only and at most 2^64-1, like {@code parseIdentifierNum}. */
  private static boolean isUnsignedNumber(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!isDigit(s.charAt(k))) {
        return false;
      }
    }
    return fitsUnsigned(s, from, to);
  }

  private static final String MAX_UNSIGNED = "18446744073709551615";

  /** Whether the digits in range (leading zeros allowed) are at most 2^64-1. */
  static boolean fitsUnsigned(String s, int from, int to) {
    int k = from;
    while (k < to - 1 && s.charAt(k) == '0') {
      k++;
    }
    int len = to - k;
    if (len != MAX_UNSIGNED.length()) {
      return len < MAX_UNSIGNED.length();
    }
    for (int j = 0; j < len; j++) {
      int d = s.charAt(k + j) - MAX_UNSIGNED.charAt(j);
      if (d != 0) {
        return d < 0;
      }
    }
    return true;
  }

  /** The unsigned value of digits that {@link #fitsUnsigned fit}; wraps like Go's uint64. */
  static long parseUnsigned(String s, int from, int to) {
    long value = 0;
    for (int k = from; k < to; k++) {
      value = value * 10 + (s.charAt(k) - '0');
    }
    return value;
  }

  /** Dot-separated, non-empty identifiers of {@code [0-9A-Za-z-]}. */
  static boolean validIdentifiers(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    int partStart = from;
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c == '.') {
        if (k == partStart) {
          return false;
        }
        partStart = k + 1;
      } else if (!isIdentifierChar(c)) {
        return false;
      }
    }
    return partStart < to;
  }

  /** A numeric prerelease identifier such as {@code 01} is not allowed. */
  static boolean hasLeadingZeroNumber(String s, int from, int to) {
    int partStart = from;
    for (int k = from; k <= to; k++) {
      if (k == to || s.charAt(k) == '.') {
        if (k - partStart > 1 && s.charAt(partStart) == '0' && allDigits(s, partStart, k)) {
          return true;
        }
        partStart = k + 1;
      }
    }
    return false;
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!isDigit(s.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isIdentifierChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  }

  private static int countDots(String s) {
    int dots = 0;
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == '.') {
        dots++;
      }
    }
    return dots;
  }
}
