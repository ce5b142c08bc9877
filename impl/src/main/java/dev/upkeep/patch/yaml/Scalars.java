package dev.upkeep.patch.yaml;

import java.util.regex.Pattern;

/** Writes a new value in the quoting style of the value it replaces. */
final class Scalars {

  /**
   * Plain scalars that YAML 1.1 or 1.2 readers (kubectl, Helm, Flux) take for something other than
   * a string: null, booleans, numbers in every base, sexagesimals, infinities.
   */
  private static final Pattern NOT_A_STRING =
      Pattern.compile(
          "~|null|Null|NULL"
              + "|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
              + "|on|On|ON|off|Off|OFF"
              + "|[-+]?[0-9][0-9_]*"
              + "|[-+]?0[0-7_]+|0o[0-7]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+"
              + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?"
              + "|[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
              + "|[-+]?[0-9][0-9_]*(?:\\.[0-9_]*)?[eE][-+]?[0-9]+"
              + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");

  private Scalars() {}

  /**
   * The text that replaces a scalar written in {@code style} whose value was {@code oldValue}.
   * Quotes are kept; a plain value that would no longer read back as the same kind of thing gets
   * double quotes.
   */
  static String render(String newValue, MarkerScan.Style style, String oldValue, boolean inFlow) {
    switch (style) {
      case SINGLE_QUOTED:
        return "'" + newValue.replace("'", "''") + "'";
      case DOUBLE_QUOTED:
        return doubleQuoted(newValue);
      default:
        boolean needsQuotes =
            !plainSafe(newValue, inFlow) || (notAString(newValue) && !notAString(oldValue));
        return needsQuotes ? doubleQuoted(newValue) : newValue;
    }
  }

  static boolean notAString(String plain) {
    return plain.isEmpty() || NOT_A_STRING.matcher(plain).matches();
  }

  /** Whether {@code value} reads back as itself when written as a plain scalar. */
  static boolean plainSafe(String value, boolean inFlow) {
    if (value.isEmpty()
        || value.charAt(0) == ' '
        || value.charAt(value.length() - 1) == ' '
        || value.endsWith(":")
        || value.contains(": ")
        || value.contains(" #")
        || value.contains("\t")) {
      return false;
    }
    char first = value.charAt(0);
    if ("#,[]{}&*!|>'\"%@`".indexOf(first) >= 0) {
      return false;
    }
    if ((first == '-' || first == '?' || first == ':')
        && (value.length() == 1 || " ,[]{}".indexOf(value.charAt(1)) >= 0)) {
      return false;
    }
    if (value.startsWith("---") || value.startsWith("...")) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20
          || c == 0x7f
          || c == '\u0085'
          || c == '\u2028'
          || c == '\u2029'
          || c == '\uFEFF') {
        return false;
      }
      if (inFlow && ",[]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  static String doubleQuoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }
}
