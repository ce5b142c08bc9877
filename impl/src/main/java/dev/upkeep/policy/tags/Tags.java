package dev.upkeep.policy.tags;

import dev.upkeep.policy.Rejection;
import java.util.Collection;

/** Checks and messages shared by the policies of this package. */
final class Tags {

  private Tags() {}

  static void require(Collection<String> tags) {
    if (tags == null) {
      throw new IllegalArgumentException("tags is null; expected a list of tags (may be empty)");
    }
  }

  static Rejection nullTag() {
    return new Rejection("", Rejection.Reason.NOT_A_VERSION, "a null tag is not a tag");
  }

  /** Double-quotes {@code s}, escaping quotes, backslashes and control characters. */
  static String quote(String s) {
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
    }
    if (plain) {
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
