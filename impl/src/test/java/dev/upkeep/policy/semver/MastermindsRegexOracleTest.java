package dev.upkeep.policy.semver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Differential test: our hand-written parser against Masterminds v3's original, regex-based {@code
 * NewConstraint} ({@code validConstraintRegex}, {@code findConstraintRegex}, {@code
 * constraintRegex}, {@code rewriteRange}), rebuilt here from its patterns, over random constraint
 * texts. Both must accept and reject the same texts and read the same comparisons.
 */
class MastermindsRegexOracleTest {

  private static final String WS = "[\\t\\n\\f\\r ]";
  private static final String OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
  private static final String CV =
      "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?"
          + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
          + "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
  private static final Pattern CONSTRAINT =
      Pattern.compile("^" + WS + "*(" + OPS + ")" + WS + "*(" + CV + ")" + WS + "*$");
  private static final Pattern RANGE =
      Pattern.compile(WS + "*(" + CV + ")" + WS + "+-" + WS + "+(" + CV + ")" + WS + "*");
  private static final Pattern FIND = Pattern.compile("(" + OPS + ")" + WS + "*(" + CV + ")");
  private static final Pattern VALID =
      Pattern.compile(
          "^(" + WS + "*(" + OPS + ")" + WS + "*(" + CV + ")" + WS + "*)((?:" + WS + "+|," + WS
              + "*)(" + OPS + ")" + WS + "*(" + CV + ")" + WS + "*)*$");

  /** The comparisons Masterminds reads, or null when it rejects the text. */
  static List<List<String>> oracle(String c) {
    Matcher r = RANGE.matcher(c);
    String o = c;
    while (r.find()) {
      o =
          o.replaceFirst(
              Pattern.quote(r.group()), ">= " + r.group(1) + ", <= " + r.group(11) + " ");
    }
    List<List<String>> groups = new ArrayList<>();
    for (String v : o.split("\\|\\|", -1)) {
      if (!VALID.matcher(v).matches()) {
        return null;
      }
      List<String> atoms = new ArrayList<>();
      Matcher f = FIND.matcher(v);
      while (f.find()) {
        String atom = atom(f.group());
        if (atom == null) {
          return null;
        }
        atoms.add(atom);
      }
      groups.add(atoms);
    }
    return groups;
  }

  /** Masterminds' {@code parseConstraint}, described as op|major.minor.patch-pre|flags. */
  private static String atom(String s) {
    Matcher m = CONSTRAINT.matcher(s);
    if (!m.matches()) {
      return null;
    }
    String ver = m.group(2);
    String flags = "";
    String pre = m.group(6) == null ? "" : m.group(6);
    String minor = m.group(4) == null ? "" : m.group(4);
    String patch = m.group(5) == null ? "" : m.group(5);
    if (isX(m.group(3))) {
      ver = "0.0.0" + pre;
      flags = "dirty";
    } else if (minor.isEmpty() || isX(minor.substring(1))) {
      ver = m.group(3) + ".0.0" + pre;
      flags = "dirty,minor";
    } else if (patch.isEmpty() || isX(patch.substring(1))) {
      ver = m.group(3) + minor + ".0" + pre;
      flags = "dirty,patch";
    }
    SemVersion v = SemVersion.parseLenient(ver, ver, false);
    if (v == null) {
      return null;
    }
    return Atom.op(m.group(1))
        + "|"
        + SemVersion.of(v.major, v.minor, v.patch, v.pre)
        + "|"
        + flags;
  }

  private static boolean isX(String s) {
    return s.equals("x") || s.equals("X") || s.equals("*");
  }

  static List<List<String>> ours(String c) {
    Constraint parsed;
    try {
      parsed = ConstraintParser.parse(c);
    } catch (IllegalArgumentException e) {
      return null;
    }
    List<List<String>> groups = new ArrayList<>();
    for (int g = 0; g < parsed.alternatives(); g++) {
      List<String> atoms = new ArrayList<>();
      for (int i = 0; i < parsed.comparisons(g); i++) {
        Atom a = parsed.atom(g, i);
        String flags =
            a.dirty ? (a.minorDirty ? "dirty,minor" : a.patchDirty ? "dirty,patch" : "dirty") : "";
        atoms.add(a.op + "|" + a.con + "|" + flags);
      }
      groups.add(atoms);
    }
    return groups;
  }

  private static final String[] PIECES = {
    "1", "2", "0", "10", ".", ".", "x", "*", "X", "-", "+", "v", " ", " ", ",", "||", "|", ">", "<",
    "=", "~", "^", "!", "a", "rc", "01", " - ", "\t", ".0"
  };

  @Test
  void acceptsRejectsAndReadsConstraintsAsMastermindsRegexesDo() {
    SplittableRandom r = new SplittableRandom(2026);
    int valid = 0;
    for (int i = 0; i < 60_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + r.nextInt(9);
      for (int k = 0; k < n; k++) {
        b.append(PIECES[r.nextInt(PIECES.length)]);
      }
      String c = b.toString();
      List<List<String>> expected = oracle(c);
      assertThat(ours(c)).as("constraint \"%s\"", c).isEqualTo(expected);
      if (expected != null) {
        valid++;
      }
    }
    // The generator must reach valid constraints often enough for the comparison to mean something.
    assertThat(valid).isGreaterThan(3_000);
  }

  @Test
  void agreesOnTheTablesOwnConstraints() {
    for (String c :
        List.of(
            ">= 1.2.3 < 2.0 || => 3.0 < 4",
            "1.0.0 - 2.0.0 <=2.0.0",
            "2 - 3 4.0.0 - 5.1",
            ">1.5 1 - 2",
            ">1.5, 1 - 2",
            "12.3.34~ 1.2.3",
            "x.|",
            "^1.2.x-alpha")) {
      assertThat(ours(c)).as(c).isEqualTo(oracle(c));
    }
  }
}
