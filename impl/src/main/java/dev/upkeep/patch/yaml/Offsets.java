package dev.upkeep.patch.yaml;

import java.util.Arrays;

/**
 * Turns snakeyaml-engine's code-point indexes into UTF-16 offsets of the original string. They
 * differ only after a character outside the Basic Multilingual Plane (an emoji, some CJK), which
 * takes two {@code char}s but one code point.
 */
final class Offsets {

  private final String text;

  /** Code-point indexes of the supplementary characters, ascending; empty for most files. */
  private final int[] supplementary;

  Offsets(String text) {
    this.text = text;
    int[] found = new int[0];
    int count = 0;
    int codePoint = 0;
    for (int i = 0; i < text.length(); i++, codePoint++) {
      if (Character.isHighSurrogate(text.charAt(i))
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        if (count == found.length) {
          found = Arrays.copyOf(found, Math.max(8, count * 2));
        }
        found[count++] = codePoint;
        i++;
      }
    }
    this.supplementary = Arrays.copyOf(found, count);
  }

  /** The UTF-16 offset of the code point at {@code codePointIndex}. */
  int charOffset(int codePointIndex) {
    if (supplementary.length == 0) {
      return codePointIndex;
    }
    int before = Arrays.binarySearch(supplementary, codePointIndex);
    if (before < 0) {
      before = -before - 1;
    }
    return codePointIndex + before;
  }

  /**
   * The 1-based column, in {@code char}s, of the UTF-16 offset {@code offset}; a byte order mark
   * before the first line is not part of it.
   */
  int column(int offset) {
    int start = offset;
    while (start > 0 && text.charAt(start - 1) != '\n' && text.charAt(start - 1) != '\r') {
      start--;
    }
    if (start == 0 && offset > 0 && text.charAt(0) == '\uFEFF') {
      start = 1;
    }
    return offset - start + 1;
  }
}
