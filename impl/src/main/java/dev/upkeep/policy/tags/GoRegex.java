package dev.upkeep.policy.tags;

import dev.upkeep.internal.GoStrings;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Go (RE2) regular expression, as Flux writes {@code filterTags.pattern} and {@code
 * exclusionList}, run on {@link java.util.regex}. The syntax the two differ on is translated: named
 * groups {@code (?P<name>...)} and {@code (?<name>...)} (Go allows {@code _} and leading digits in
 * names; Java does not, so names are tracked here), POSIX classes {@code [[:alpha:]]}, and {@code
 * [} or {@code &&} inside a class, which are literal in Go. {@code .} does not match a newline, as
 * in Go.
 */
final class GoRegex {

  private static final Map<String, String> POSIX = new HashMap<>();

  static {
    for (String name :
        new String[] {
          "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
          "space", "upper", "xdigit"
        }) {
      String java = name.equals("xdigit") ? "XDigit" : name.equals("ascii") ? "ASCII" : cap(name);
      POSIX.put(name, java);
    }
  }

  final String source;
  final Pattern pattern;
  final Map<String, Integer> names;
  final int groups;

  private GoRegex(String source, Pattern pattern, Map<String, Integer> names, int groups) {
    this.source = source;
    this.pattern = pattern;
    this.names = names;
    this.groups = groups;
  }

  /**
   * Compiles {@code source}.
   *
   * @param what how the message names it, such as {@code tag pattern}
   * @throws IllegalArgumentException when null or invalid; the message quotes it
   */
  static GoRegex compile(String source, String what) {
    if (source == null) {
      throw new IllegalArgumentException(what + " is null; expected a regular expression");
    }
    Map<String, Integer> names = new HashMap<>();
    StringBuilder out = new StringBuilder(source.length() + 8);
    int groups = translate(source, out, names, what);
    try {
      Pattern p = Pattern.compile(out.toString(), Pattern.UNIX_LINES);
      return new GoRegex(source, p, Collections.unmodifiableMap(names), groups);
    } catch (PatternSyntaxException e) {
      throw invalid(what, source, e.getDescription());
    }
  }

  boolean find(String s) {
    return pattern.matcher(s).find();
  }

  /**
   * Go's {@code Regexp.ExpandString} over the first match in {@code s}: {@code $1}, {@code $name},
   * {@code ${name}}, {@code $$}; an unknown or unmatched group expands to nothing; a malformed
   * reference is kept as text. Returns null when {@code s} does not match.
   */
  String expandFirstMatch(String s, String template) {
    Matcher m = pattern.matcher(s);
    if (!m.find()) {
      return null;
    }
    StringBuilder dst = new StringBuilder();
    int i = 0;
    while (true) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        break;
      }
      dst.append(template, i, dollar);
      i = dollar + 1;
      if (i < template.length() && template.charAt(i) == '$') {
        dst.append('$');
        i++;
        continue;
      }
      int[] ref = reference(template, i);
      if (ref == null) {
        dst.append('$');
        continue;
      }
      String name = template.substring(ref[0], ref[1]);
      i = ref[2];
      int group = number(name);
      if (group < 0) {
        Integer named = names.get(name);
        group = named == null ? -1 : named;
      }
      if (group >= 0 && group <= m.groupCount() && m.start(group) >= 0) {
        dst.append(s, m.start(group), m.end(group));
      }
    }
    dst.append(template, i, template.length());
    return dst.toString();
  }

  /** Go's {@code extract}: {name start, name end, rest} or null when malformed. */
  private static int[] reference(String t, int i) {
    boolean brace = i < t.length() && t.charAt(i) == '{';
    int start = brace ? i + 1 : i;
    int k = start;
    while (k < t.length()) {
      int cp = t.codePointAt(k);
      if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
        break;
      }
      k += Character.charCount(cp);
    }
    if (k == start) {
      return null;
    }
    int end = k;
    if (brace) {
      if (k >= t.length() || t.charAt(k) != '}') {
        return null;
      }
      k++;
    }
    return new int[] {start, end, k};
  }

  /** A group number, or -1 when {@code name} is not one (leading zeros are not). */
  private static int number(String name) {
    if (name.length() > 1 && name.charAt(0) == '0') {
      return -1;
    }
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        return -1;
      }
      num = num * 10 + (c - '0');
    }
    return num;
  }

  private static int translate(
      String s, StringBuilder out, Map<String, Integer> names, String what) {
    int groups = 0;
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 < n && s.charAt(i + 1) == 'Q') {
          int e = s.indexOf("\\E", i + 2);
          int stop = e < 0 ? n : e + 2;
          out.append(s, i, stop);
          i = stop;
        } else {
          int stop = Math.min(n, i + 2);
          out.append(s, i, stop);
          i = stop;
        }
      } else if (c == '[') {
        i = translateClass(s, i, out, what);
      } else if (c == '(') {
        int nameStart = -1;
        if (s.startsWith("(?P<", i)) {
          nameStart = i + 4;
        } else if (s.startsWith("(?<", i) && !s.startsWith("(?<=", i) && !s.startsWith("(?<!", i)) {
          nameStart = i + 3;
        }
        if (nameStart >= 0) {
          int close = s.indexOf('>', nameStart);
          if (close < 0) {
            throw invalid(what, s, "unterminated group name");
          }
          String name = s.substring(nameStart, close);
          if (name.isEmpty()
              || !name.chars().allMatch(ch -> ch == '_' || Character.isLetterOrDigit(ch))) {
            throw invalid(what, s, "invalid group name \"" + name + "\"");
          }
          groups++;
          if (names.putIfAbsent(name, groups) != null) {
            throw invalid(what, s, "duplicate group name \"" + name + "\"");
          }
          out.append('(');
          i = close + 1;
        } else {
          if (!s.startsWith("(?", i)) {
            groups++;
          }
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return groups;
  }

  /** Copies a bracketed class starting at {@code i}; returns the index after it. */
  private static int translateClass(String s, int i, StringBuilder out, String what) {
    int n = s.length();
    out.append('[');
    i++;
    if (i < n && s.charAt(i) == '^') {
      out.append('^');
      i++;
    }
    if (i < n && s.charAt(i) == ']') {
      out.append("\\]");
      i++;
    }
    while (i < n) {
      char c = s.charAt(i);
      if (c == ']') {
        out.append(']');
        return i + 1;
      } else if (c == '\\') {
        int stop = Math.min(n, i + 2);
        out.append(s, i, stop);
        i = stop;
      } else if (c == '[' && s.startsWith("[:", i)) {
        int close = s.indexOf(":]", i + 2);
        if (close < 0) {
          out.append("\\[");
          i++;
          continue;
        }
        String name = s.substring(i + 2, close);
        boolean negated = name.startsWith("^");
        String java = POSIX.get(negated ? name.substring(1) : name);
        if (name.equals("word") || name.equals("^word")) {
          out.append(negated ? "\\W" : "\\w");
        } else if (java == null) {
          throw invalid(what, s, "unknown character class [:" + name + ":]");
        } else {
          out.append(negated ? "\\P{" : "\\p{").append(java).append('}');
        }
        i = close + 2;
      } else if (c == '[' || c == '&') {
        out.append('\\').append(c);
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    // Unterminated: let Java report it.
    return i;
  }

  private static IllegalArgumentException invalid(String what, String source, String why) {
    return new IllegalArgumentException(
        "invalid " + what + " " + GoStrings.quote(source) + ": " + why.toLowerCase(Locale.ROOT));
  }

  private static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
