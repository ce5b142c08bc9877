package dev.upkeep;

import java.util.ArrayList;
import java.util.List;

/**
 * Unified diffs for patched manifests. A patch replaces values inside lines and never adds or
 * removes a line break, so lines pair up one to one; when they do not (a custom patcher), the whole
 * file becomes one hunk. Not part of the public API.
 */
final class LineDiff {
  private static final int CONTEXT = 3;

  private LineDiff() {}

  /** The unified diff of {@code before} and {@code after} for {@code file}, or "" if equal. */
  static String unified(String file, String before, String after) {
    if (before.equals(after)) {
      return "";
    }
    List<String> a = lines(before);
    List<String> b = lines(after);
    StringBuilder out = new StringBuilder();
    out.append("--- a/").append(file).append('\n');
    out.append("+++ b/").append(file).append('\n');
    if (a.size() != b.size()) {
      hunk(out, a, b, 0, a.size(), 0, b.size());
      return out.toString();
    }
    int n = a.size();
    int i = 0;
    while (i < n) {
      if (a.get(i).equals(b.get(i))) {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      // Extend the hunk while the next difference is within two contexts.
      int last = i;
      for (int j = i; j < n && j <= last + 2 * CONTEXT; j++) {
        if (!a.get(j).equals(b.get(j))) {
          last = j;
        }
      }
      end = Math.min(n, last + CONTEXT + 1);
      hunk(out, a, b, start, end, start, end);
      i = end;
    }
    return out.toString();
  }

  private static void hunk(
      StringBuilder out, List<String> a, List<String> b, int aFrom, int aTo, int bFrom, int bTo) {
    out.append("@@ -")
        .append(range(aFrom, aTo))
        .append(" +")
        .append(range(bFrom, bTo))
        .append(" @@\n");
    if (a.size() != b.size()) {
      a.subList(aFrom, aTo).forEach(l -> line(out, '-', l));
      b.subList(bFrom, bTo).forEach(l -> line(out, '+', l));
      return;
    }
    for (int k = aFrom; k < aTo; k++) {
      if (a.get(k).equals(b.get(k))) {
        line(out, ' ', a.get(k));
      } else {
        line(out, '-', a.get(k));
        line(out, '+', b.get(k));
      }
    }
  }

  private static String range(int from, int to) {
    int count = to - from;
    return (count == 0 ? from : from + 1) + (count == 1 ? "" : "," + count);
  }

  private static void line(StringBuilder out, char sign, String text) {
    out.append(sign).append(text);
    if (!text.endsWith("\n")) {
      out.append("\n\\ No newline at end of file\n");
    }
  }

  /** Splits keeping each line's terminator, so CRLF and a missing final newline survive. */
  static List<String> lines(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        out.add(s.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }
}
