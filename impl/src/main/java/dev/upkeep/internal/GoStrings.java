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
      if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** Double-quotes {@code s} for a message, escaping quotes, backslashes and control characters. */
  public static String quote(String s) {
    if (!needsEscape(s)) {
      return '"' + s + '"';
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\r':
          b.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
