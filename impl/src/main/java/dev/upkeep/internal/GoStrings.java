package dev.upkeep.internal;

/**
 * Strings as Go treats them, for matching Flux exactly: byte-wise ordering and quoting in messages.
 * Not part of the public API: shared by the semver and tag policies of this module, which is why it
 * is public at all.
 */
public final class GoStrings {
  private GoStrings() {}

  /** Compares as Go compares strings: by their UTF-8 bytes, which is code point order. */
  public static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Surrogates (code points above U+FFFF) sort after every other char in UTF-8.
        boolean sx = Character.isSurrogate(x);
        boolean sy = Character.isSurrogate(y);
        if (sx != sy) {
          return sx ? 1 : -1;
        }
        return x < y ? -1 : 1;
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /** Whether {@link #quote} must escape something in {@code s}. */
  public static boolean needsEscape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
        if (c < 0x80 || !printable(s.codePointAt(i))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Double-quotes {@code s} as Go's {@code strconv.Quote} (and {@code %q}) does: quotes and
   * backslashes escaped, {@code \\a \\b \\f \\n \\r \\t \\v} for those controls, {@code \\xNN} for
   * the other ASCII ones, {@code \\uNNNN} or {@code \\UNNNNNNNN} for characters Go does not print
   * (spaces other than the ASCII one, format and private-use characters); the rest as it is.
   */
  public static String quote(String s) {
    if (!needsEscape(s)) {
      return '"' + s + '"';
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case 7:
          b.append("\\a");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        case 0x0b:
          b.append("\\v");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
          } else if (c >= 0x80 && !printable(c)) {
            b.append(String.format(java.util.Locale.ROOT, c > 0xffff ? "\\U%08x" : "\\u%04x", c));
          } else {
            b.appendCodePoint(c);
          }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Go's {@code unicode.IsPrint} for a character above ASCII: a letter, mark, number, punctuation
   * or symbol.
   */
  private static boolean printable(int c) {
    switch (Character.getType(c)) {
      case Character.SPACE_SEPARATOR:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
        return false;
      default:
        return true;
    }
  }
}
