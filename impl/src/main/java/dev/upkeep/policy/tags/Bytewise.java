package dev.upkeep.policy.tags;

/** Orders strings as Go compares them: by their UTF-8 bytes, which is code point order. */
final class Bytewise {

  private Bytewise() {}

  static int compare(String a, String b) {
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
}
