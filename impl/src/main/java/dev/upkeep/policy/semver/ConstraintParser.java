package dev.upkeep.policy.semver;

import dev.upkeep.internal.GoStrings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a constraint exactly as Masterminds semver v3 {@code NewConstraint} does, but reports the
 * offending part and its position instead of {@code improper constraint}.
 *
 * <p>The steps are Masterminds' own, in order: hyphen ranges ({@code A - B}, blanks required around
 * the dash) are rewritten textually to {@code >= A, <= B }; the text is split on {@code ||}; each
 * part is split into comparisons separated by blanks or a single comma; each comparison is an
 * optional operator and a version whose parts may be {@code x}, {@code X} or {@code *}. Keeping the
 * textual rewrite (with a map back to the original positions) is what makes odd inputs such as
 * {@code ">1.5 1 - 2"} fail exactly where Masterminds fails.
 */
final class ConstraintParser {

  static final int MAX_LENGTH = 512;
  static final int MAX_ALTERNATIVES = 32;

  // Go's \s is [\t\n\f\r ]; Java's would also take \u000B.
  private static final String WS = "[\\t\\n\\f\\r ]";
  private static final String SEG = "[0-9|x|X|\\*]";
  private static final String IDENTS = "[0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*";
  private static final String CV =
      "v?("
          + SEG
          + "+)(\\."
          + SEG
          + "+)?(\\."
          + SEG
          + "+)?(-("
          + IDENTS
          + "))?(\\+("
          + IDENTS
          + "))?";
  private static final Pattern RANGE =
      Pattern.compile(WS + "*(" + CV + ")" + WS + "+-" + WS + "+(" + CV + ")" + WS + "*");
  private static final int RANGE_LOW = 1;
  private static final int RANGE_HIGH = 11;

  private final String original;
  private String text;
  // For each char of the rewritten text: its position in the original text.
  private int[] origin;
  // For each char of the rewritten text: -1, or the index of the hyphen range that produced it.
  private int[] synthetic;
  private final List<String> ranges = new ArrayList<>();

  private ConstraintParser(String original) {
    this.original = original;
  }

  /** Parses {@code constraint} or throws {@link IllegalArgumentException} naming the bad part. */
  static Constraint parse(String constraint) {
    if (constraint == null) {
      throw new IllegalArgumentException(
          "constraint is null; expected a semver range such as \"1.2.x\"");
    }
    if (constraint.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "invalid constraint of "
              + constraint.length()
              + " characters: at most "
              + MAX_LENGTH
              + " are allowed");
    }
    ConstraintParser parser = new ConstraintParser(constraint);
    parser.rewriteRanges();
    return parser.parseAlternatives();
  }

  private void rewriteRanges() {
    // Each rewrite adds at most 9 characters (">= ", ", <= ", " ") per 3 it consumes.
    StringBuilder out = new StringBuilder(original.length() + 16);
    int[] from = new int[original.length() * 4 + 16];
    int[] range = new int[from.length];
    int last = 0;
    Matcher m = RANGE.matcher(original);
    while (m.find()) {
      for (int k = last; k < m.start(); k++) {
        emit(out, from, range, original.charAt(k), k, -1);
      }
      int index = ranges.size();
      ranges.add(original.substring(m.start(RANGE_LOW), m.end(RANGE_HIGH)));
      int at = m.start(RANGE_LOW);
      emitSynthetic(out, from, range, ">= ", at, index);
      for (int k = m.start(RANGE_LOW); k < m.end(RANGE_LOW); k++) {
        emit(out, from, range, original.charAt(k), k, -1);
      }
      emitSynthetic(out, from, range, ", <= ", at, index);
      for (int k = m.start(RANGE_HIGH); k < m.end(RANGE_HIGH); k++) {
        emit(out, from, range, original.charAt(k), k, -1);
      }
      emit(out, from, range, ' ', m.end(RANGE_HIGH), -1);
      last = m.end();
    }
    for (int k = last; k < original.length(); k++) {
      emit(out, from, range, original.charAt(k), k, -1);
    }
    text = out.toString();
    origin = Arrays.copyOf(from, text.length());
    synthetic = Arrays.copyOf(range, text.length());
  }

  private static void emitSynthetic(
      StringBuilder out, int[] from, int[] range, String s, int at, int index) {
    for (int k = 0; k < s.length(); k++) {
      emit(out, from, range, s.charAt(k), at, index);
    }
  }

  private static void emit(StringBuilder out, int[] from, int[] range, char c, int at, int index) {
    from[out.length()] = at;
    range[out.length()] = index;
    out.append(c);
  }

  private Constraint parseAlternatives() {
    List<List<Atom>> groups = new ArrayList<>();
    int start = 0;
    while (true) {
      int bar = text.indexOf("||", start);
      int end = bar < 0 ? text.length() : bar;
      groups.add(parseGroup(start, end));
      if (bar < 0) {
        break;
      }
      start = bar + 2;
    }
    if (groups.size() > MAX_ALTERNATIVES) {
      throw new IllegalArgumentException(
          "invalid constraint "
              + GoStrings.quote(original)
              + ": "
              + groups.size()
              + " || alternatives, at most "
              + MAX_ALTERNATIVES
              + " are allowed");
    }
    return new Constraint(groups);
  }

  /** Masterminds' {@code handSplitGroup}: comparisons separated by blanks or one comma. */
  private List<Atom> parseGroup(int start, int end) {
    List<Atom> atoms = new ArrayList<>();
    int rest = parseAtom(start, end, atoms);
    while (rest < end) {
      int q = skipBlanks(rest, end);
      if (q == end) {
        break;
      }
      if (text.charAt(q) == ',') {
        rest = parseAtom(q + 1, end, atoms);
      } else if (q == rest) {
        throw unexpected(q, null);
      } else {
        rest = parseAtom(q, end, atoms);
      }
    }
    return atoms;
  }

  /** Reads one comparison starting at {@code i} (after blanks); returns where it ends. */
  private int parseAtom(int i, int end, List<Atom> atoms) {
    int opStart = skipBlanks(i, end);
    int opEnd = operatorEnd(opStart, end);
    String op = text.substring(opStart, opEnd);
    int v = skipBlanks(opEnd, end);
    int k = v;
    if (k < end && text.charAt(k) == 'v') {
      k++;
    }
    if (v >= end) {
      throw expectedVersion(end);
    }
    if (k >= end || !isSegmentChar(text.charAt(k))) {
      throw unexpected(v, null);
    }
    int[] seg = new int[6];
    Arrays.fill(seg, -1);
    int count = 0;
    while (count < 3) {
      int segStart = k;
      while (k < end && isSegmentChar(text.charAt(k))) {
        k++;
      }
      seg[count * 2] = segStart;
      seg[count * 2 + 1] = k;
      count++;
      if (count < 3 && k < end && text.charAt(k) == '.') {
        if (k + 1 >= end || !isSegmentChar(text.charAt(k + 1))) {
          throw unexpected(k, null);
        }
        k++;
      } else {
        break;
      }
    }
    int preStart = -1;
    int preEnd = -1;
    if (k < end && text.charAt(k) == '-') {
      int identEnd = identifiersEnd(k + 1, end);
      if (identEnd == k + 1) {
        throw unexpected(k, null);
      }
      preStart = k + 1;
      preEnd = identEnd;
      k = identEnd;
    }
    if (k < end && text.charAt(k) == '+') {
      int identEnd = identifiersEnd(k + 1, end);
      if (identEnd == k + 1) {
        throw unexpected(k, null);
      }
      k = identEnd;
    }
    atoms.add(toAtom(op, seg, preStart, preEnd));
    return k;
  }

  /** Masterminds' {@code parseConstraint}: fills wildcards and missing parts with 0. */
  private Atom toAtom(String opText, int[] seg, int preStart, int preEnd) {
    String pre = preStart < 0 ? "" : text.substring(preStart, preEnd);
    if (preStart >= 0) {
      checkPrerelease(preStart, preEnd);
    }
    Atom.Op op = Atom.op(opText);
    if (isWildcard(seg[0], seg[1])) {
      return new Atom(op, SemVersion.of(0, 0, 0, pre), true, false, false);
    }
    long major = number(seg[0], seg[1]);
    if (seg[2] < 0 || isWildcard(seg[2], seg[3])) {
      return new Atom(op, SemVersion.of(major, 0, 0, pre), true, true, false);
    }
    long minor = number(seg[2], seg[3]);
    if (seg[4] < 0 || isWildcard(seg[4], seg[5])) {
      return new Atom(op, SemVersion.of(major, minor, 0, pre), true, false, true);
    }
    long patch = number(seg[4], seg[5]);
    return new Atom(op, SemVersion.of(major, minor, patch, pre), false, false, false);
  }

  private long number(int from, int to) {
    for (int k = from; k < to; k++) {
      if (!SemVersion.isDigit(text.charAt(k))) {
        throw unexpected(from, to, null);
      }
    }
    if (!SemVersion.fitsUnsigned(text, from, to)) {
      throw unexpected(from, to, "numbers must not exceed 18446744073709551615");
    }
    return SemVersion.parseUnsigned(text, from, to);
  }

  private void checkPrerelease(int from, int to) {
    int partStart = from;
    for (int k = from; k <= to; k++) {
      if (k == to || text.charAt(k) == '.') {
        if (SemVersion.hasLeadingZeroNumber(text, partStart, k)) {
          throw unexpected(partStart, k, "numeric prerelease identifiers must not start with 0");
        }
        partStart = k + 1;
      }
    }
  }

  private boolean isWildcard(int from, int to) {
    if (to - from != 1) {
      return false;
    }
    char c = text.charAt(from);
    return c == 'x' || c == 'X' || c == '*';
  }

  /** The longest operator at {@code i}; a version never starts with an operator character. */
  private int operatorEnd(int i, int end) {
    if (i + 1 < end) {
      String two = text.substring(i, i + 2);
      switch (two) {
        case "!=":
        case ">=":
        case "=>":
        case "<=":
        case "=<":
        case "~>":
          return i + 2;
        default:
          break;
      }
    }
    if (i < end) {
      switch (text.charAt(i)) {
        case '=':
        case '>':
        case '<':
        case '~':
        case '^':
          return i + 1;
        default:
          break;
      }
    }
    return i;
  }

  /** Dot-separated identifiers from {@code i}; a dot not followed by one is left unread. */
  private int identifiersEnd(int i, int end) {
    int k = i;
    if (k >= end || !SemVersion.isIdentifierChar(text.charAt(k))) {
      return i;
    }
    while (k < end && SemVersion.isIdentifierChar(text.charAt(k))) {
      k++;
    }
    while (k + 1 < end
        && text.charAt(k) == '.'
        && SemVersion.isIdentifierChar(text.charAt(k + 1))) {
      k++;
      while (k < end && SemVersion.isIdentifierChar(text.charAt(k))) {
        k++;
      }
    }
    return k;
  }

  private int skipBlanks(int i, int end) {
    while (i < end && isBlank(text.charAt(i))) {
      i++;
    }
    return i;
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  }

  // Masterminds' segment class [0-9|x|X|\*] also admits '|'; such a segment never parses as a
  // number, but after a wildcard it is ignored ("x.|" is a valid constraint there too).
  private static boolean isSegmentChar(char c) {
    return SemVersion.isDigit(c) || c == 'x' || c == 'X' || c == '*' || c == '|';
  }

  private IllegalArgumentException expectedVersion(int pos) {
    int at = pos < text.length() ? origin[pos] : original.length();
    return new IllegalArgumentException(
        "invalid constraint "
            + GoStrings.quote(original)
            + ": expected a version at position "
            + at);
  }

  private IllegalArgumentException unexpected(int pos, String why) {
    return unexpected(pos, -1, why);
  }

  private IllegalArgumentException unexpected(int pos, int to, String why) {
    if (pos >= text.length()) {
      return expectedVersion(pos);
    }
    StringBuilder msg =
        new StringBuilder("invalid constraint ").append(GoStrings.quote(original)).append(": ");
    int at = origin[pos];
    if (synthetic[pos] >= 0) {
      msg.append("unexpected hyphen range ")
          .append(GoStrings.quote(ranges.get(synthetic[pos])))
          .append(" at position ")
          .append(at);
    } else {
      String token;
      if (to > pos && synthetic[to - 1] < 0) {
        token = original.substring(at, origin[to - 1] + 1);
      } else {
        token = tokenAt(at);
      }
      msg.append("unexpected ").append(GoStrings.quote(token)).append(" at position ").append(at);
    }
    if (why != null) {
      msg.append(" (").append(why).append(')');
    }
    return new IllegalArgumentException(msg.toString());
  }

  private String tokenAt(int at) {
    if (at >= original.length()) {
      return "";
    }
    int k = at;
    while (k < original.length() && !isBlank(original.charAt(k)) && original.charAt(k) != ',') {
      k++;
    }
    return k == at ? original.substring(at, at + 1) : original.substring(at, k);
  }
}
