package dev.upkeep.flux;

import dev.upkeep.ConfigurationException;
import dev.upkeep.internal.GoStrings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions of {@link GoTemplate}: Go's own and the Sprig ones Flux commit message templates
 * use, with Go's argument order (a piped value comes last) and Go's way of printing values.
 */
final class GoFunctions {

  private GoFunctions() {}

  /** Calls {@code name} (one of {@link GoTemplate#FUNCTIONS}) with {@code args}. */
  static Object call(String name, List<Object> args) {
    switch (name) {
      case "and":
        return andOr(args, false);
      case "or":
        return andOr(args, true);
      case "not":
        return !GoTemplate.truthy(one(name, args));
      case "len":
        return length(one(name, args));
      case "index":
        return index(args);
      case "print":
        return sprint(args, false);
      case "println":
        return sprint(args, true);
      case "printf":
        return sprintf(args);
      case "eq":
        atLeast(name, args, 2);
        for (Object other : args.subList(1, args.size())) {
          if (compare(args.get(0), other, true) == 0) {
            return true;
          }
        }
        return false;
      case "ne":
        return compare(two(name, args, 0), args.get(1), true) != 0;
      case "lt":
        return compare(two(name, args, 0), args.get(1), false) < 0;
      case "le":
        return compare(two(name, args, 0), args.get(1), false) <= 0;
      case "gt":
        return compare(two(name, args, 0), args.get(1), false) > 0;
      case "ge":
        return compare(two(name, args, 0), args.get(1), false) >= 0;
      default:
        return sprig(name, args);
    }
  }

  private static Object sprig(String name, List<Object> args) {
    switch (name) {
      case "upper":
        return str(name, one(name, args)).toUpperCase(Locale.ROOT);
      case "lower":
        return str(name, one(name, args)).toLowerCase(Locale.ROOT);
      case "title":
        return title(str(name, one(name, args)));
      case "trim":
        return str(name, one(name, args)).strip();
      case "toString":
        {
          // Sprig's strval: fmt's %v, so nil is "<nil>"
          Object v = one(name, args);
          return v == null ? "<nil>" : text(v);
        }
      case "trimPrefix":
        {
          String prefix = str(name, two(name, args, 0));
          String s = str(name, args.get(1));
          return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
        }
      case "trimSuffix":
        {
          String suffix = str(name, two(name, args, 0));
          String s = str(name, args.get(1));
          return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
        }
      case "contains":
      case "hasPrefix":
      case "hasSuffix":
        {
          // Sprig's order: the part first, the string last (so that a pipe gives the string)
          String part = str(name, two(name, args, 0));
          String s = str(name, args.get(1));
          return name.equals("contains")
              ? s.contains(part)
              : name.equals("hasPrefix") ? s.startsWith(part) : s.endsWith(part);
        }
      case "default":
        return GoTemplate.truthy(two(name, args, 1)) ? args.get(1) : args.get(0);
      case "quote":
      case "squote":
        {
          List<String> out = new ArrayList<>();
          for (Object a : args) {
            if (a != null) {
              out.add(name.equals("quote") ? GoStrings.quote(text(a)) : "'" + text(a) + "'");
            }
          }
          return String.join(" ", out);
        }
      case "join":
        {
          String sep = str(name, two(name, args, 0));
          Object list = args.get(1);
          if (!(list instanceof Collection<?>)) {
            return text(list);
          }
          List<String> parts = new ArrayList<>();
          for (Object o : (Collection<?>) list) {
            parts.add(text(o));
          }
          return String.join(sep, parts);
        }
      case "replace":
        if (args.size() != 3) {
          throw arity(name, 3, args.size());
        }
        return str(name, args.get(2)).replace(str(name, args.get(0)), str(name, args.get(1)));
      case "trunc":
        {
          long n = number(name, two(name, args, 0));
          String s = str(name, args.get(1));
          if (n < 0) {
            return -n >= s.length() ? s : s.substring(s.length() + (int) n);
          }
          return n >= s.length() ? s : s.substring(0, (int) n);
        }
      default:
        throw new ConfigurationException(
            "function \"" + name + "\" is not supported in commit message template");
    }
  }

  private static Object one(String name, List<Object> args) {
    if (args.size() != 1) {
      throw arity(name, 1, args.size());
    }
    return args.get(0);
  }

  private static Object two(String name, List<Object> args, int which) {
    if (args.size() != 2) {
      throw arity(name, 2, args.size());
    }
    return args.get(which);
  }

  private static void atLeast(String name, List<Object> args, int n) {
    if (args.size() < n) {
      throw arity(name, n, args.size());
    }
  }

  private static ConfigurationException arity(String name, int want, int got) {
    return new ConfigurationException(
        "wrong number of args for "
            + name
            + ": want "
            + want
            + " got "
            + got
            + " in commit message template");
  }

  /** Go's {@code and}/{@code or}: the first argument that decides, or the last. */
  private static Object andOr(List<Object> args, boolean or) {
    atLeast(or ? "or" : "and", args, 1);
    for (Object a : args) {
      if (GoTemplate.truthy(a) == or) {
        return a;
      }
    }
    return args.get(args.size() - 1);
  }

  private static long length(Object v) {
    if (v instanceof Map<?, ?>) {
      return ((Map<?, ?>) v).size();
    }
    if (v instanceof Collection<?>) {
      return ((Collection<?>) v).size();
    }
    if (v instanceof String) {
      // Go counts a string's bytes
      return ((String) v).getBytes(StandardCharsets.UTF_8).length;
    }
    throw new ConfigurationException(
        "len of " + GoTemplate.print(v) + " is not defined in commit message template");
  }

  private static Object index(List<Object> args) {
    atLeast("index", args, 1);
    Object v = args.get(0);
    for (Object key : args.subList(1, args.size())) {
      if (v instanceof Map<?, ?>) {
        Object found = ((Map<?, ?>) v).get(text(key));
        v = found == null ? "" : found;
      } else if (v instanceof List<?>) {
        long i = number("index", key);
        List<?> list = (List<?>) v;
        if (i < 0 || i >= list.size()) {
          throw new ConfigurationException(
              "index out of range: " + i + " in commit message template");
        }
        v = list.get((int) i);
      } else {
        throw new ConfigurationException(
            "can't index " + GoTemplate.print(v) + " in commit message template");
      }
    }
    return v;
  }

  /** Go's {@code fmt.Sprint}: spaces between operands when neither is a string. */
  private static String sprint(List<Object> args, boolean line) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      boolean space =
          i > 0 && (line || !(args.get(i - 1) instanceof String || args.get(i) instanceof String));
      out.append(space ? " " : "").append(fmt(args.get(i)));
    }
    return line ? out.append('\n').toString() : out.toString();
  }

  /** Go's {@code fmt.Sprintf} for the verbs {@code %s %v %d %q %t %%}. */
  private static String sprintf(List<Object> args) {
    atLeast("printf", args, 1);
    String format = str("printf", args.get(0));
    StringBuilder out = new StringBuilder();
    int next = 1;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 1 >= format.length()) {
        out.append("%!(NOVERB)");
        break;
      }
      char verb = format.charAt(++i);
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if ("svdqt".indexOf(verb) < 0) {
        throw new ConfigurationException(
            "printf verb %"
                + verb
                + " is not supported in commit message template (%s %v %d %q"
                + " %t are)");
      }
      if (next >= args.size()) {
        out.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      Object a = args.get(next++);
      boolean fits =
          verb == 'v'
              || verb == 's' && !(a instanceof Number || a instanceof Boolean)
              || verb == 'q' && !(a instanceof Boolean)
              || verb == 'd' && a instanceof Number
              || verb == 't' && a instanceof Boolean;
      if (a == null && verb != 'v') {
        out.append("%!").append(verb).append("(<nil>)");
      } else if (!fits) {
        // Go's way of saying the verb does not fit the value: %!s(int=5)
        out.append("%!").append(verb).append('(').append(goType(a)).append('=');
        out.append(fmt(a)).append(')');
      } else {
        out.append(
            verb != 'q'
                ? fmt(a)
                : a instanceof Number
                    ? quoteRune(((Number) a).longValue())
                    : GoStrings.quote(fmt(a)));
      }
    }
    if (next < args.size()) {
      // Go names each operand it did not use with its type: %!(EXTRA string=x, int=1)
      out.append("%!(EXTRA ");
      for (int i = next; i < args.size(); i++) {
        Object a = args.get(i);
        out.append(i > next ? ", " : "");
        out.append(a == null ? "<nil>" : goType(a) + "=" + fmt(a));
      }
      out.append(')');
    }
    return out.toString();
  }

  /** Go's {@code %q} of an integer: the character, single-quoted ({@code strconv.QuoteRune}). */
  private static String quoteRune(long n) {
    int c = n < 0 || n > Character.MAX_CODE_POINT || n >= 0xD800 && n <= 0xDFFF ? 0xFFFD : (int) n;
    switch (c) {
      case '\'':
        return "'\\''";
      case '\\':
        return "'\\\\'";
      case 7:
        return "'\\a'";
      case '\b':
        return "'\\b'";
      case '\f':
        return "'\\f'";
      case '\n':
        return "'\\n'";
      case '\r':
        return "'\\r'";
      case '\t':
        return "'\\t'";
      case 11:
        return "'\\v'";
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      return String.format("'\\x%02x'", c);
    }
    if (c < 0x7F || !Character.isISOControl(c) && Character.isDefined(c)) {
      return "'" + new String(Character.toChars(c)) + "'";
    }
    return String.format(c > 0xFFFF ? "'\\U%08x'" : "'\\u%04x'", c);
  }

  /** Sprig's {@code title}, Go's {@code strings.Title}: a word starts after any separator. */
  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int prev = ' ';
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      out.appendCodePoint(separator(prev) ? Character.toTitleCase(c) : c);
      prev = c;
      i += Character.charCount(c);
    }
    return out.toString();
  }

  /** Go's {@code strings.isSeparator}: not a letter, digit or underscore (in ASCII, any other). */
  private static boolean separator(int c) {
    if (c <= 0x7F) {
      return !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_');
    }
    if (Character.isLetter(c) || Character.isDigit(c)) {
      return false;
    }
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * Go's comparison: numbers by value, strings and booleans by equality or order; {@code eq} may
   * compare anything of one kind, the others only numbers and strings.
   */
  private static int compare(Object a, Object b, boolean equality) {
    if (equality && (a == null || b == null)) {
      // Go's eq: the invalid value (a missing key) equals only itself, without an error
      return a == b ? 0 : 1;
    }
    if (a instanceof Number && b instanceof Number) {
      return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
    }
    if (a instanceof String && b instanceof String) {
      return ((String) a).compareTo((String) b);
    }
    if (equality && a instanceof Boolean && b instanceof Boolean) {
      return a.equals(b) ? 0 : 1;
    }
    throw new ConfigurationException(
        "incompatible types for comparison: "
            + GoTemplate.print(a)
            + " and "
            + GoTemplate.print(b)
            + " in commit message template");
  }

  private static long number(String name, Object v) {
    if (v instanceof Number) {
      return ((Number) v).longValue();
    }
    throw new ConfigurationException(
        name + " expects a number, got " + GoTemplate.print(v) + " in commit message template");
  }

  /** A string argument: Go refuses the invalid value (a missing key) and any other type. */
  private static String str(String name, Object v) {
    if (v instanceof String) {
      return (String) v;
    }
    throw new ConfigurationException(
        (v == null
                ? "invalid value; expected string"
                : "wrong type for value; expected string; got " + goType(v))
            + " for "
            + name
            + " in commit message template");
  }

  /** The Go type of a value, as fmt and template errors name it. */
  private static String goType(Object v) {
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Number) {
      return "int";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    return v instanceof Map<?, ?> ? "map" : v instanceof Collection<?> ? "slice" : "struct";
  }

  /** How fmt's %v prints a value: as a template prints it, but nil is {@code <nil>}. */
  private static String fmt(Object v) {
    return v == null ? "<nil>" : GoTemplate.print(v);
  }

  private static String text(Object v) {
    return v == null ? "" : GoTemplate.print(v);
  }
}
