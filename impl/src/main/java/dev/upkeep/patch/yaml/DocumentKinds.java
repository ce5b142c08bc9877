package dev.upkeep.patch.yaml;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leaves out the documents of a YAML stream that a reader has no use for, before it parses the
 * rest: by each document's own {@code kind:}, read from the text. Readers that look for a few kinds
 * (Flux objects, HelmReleases and the ConfigMaps their values come from) skip the
 * CustomResourceDefinitions and Deployments that fill a Flux installation's files.
 */
public final class DocumentKinds {

  /** A document's own {@code kind:}, a key at the start of a line, as block YAML writes it. */
  private static final Pattern ROOT_KIND =
      Pattern.compile("(?m)^kind:[ \\t]*([\"']?)([A-Za-z][A-Za-z0-9]*)\\1[ \\t]*(#.*)?$");

  /** A document marker alone on its line ({@code ---} or {@code ...}, perhaps a comment). */
  private static final Pattern MARKER = Pattern.compile("(---|\\.\\.\\.)[ \\t]*(#.*)?");

  /**
   * {@code content} with every document whose own {@code kind} is none of {@code kinds} left blank,
   * each of its lines kept as an empty line (its line ends as they were), so that a parse of the
   * rest finds the same documents at the same lines. A document is left blank only when exactly one
   * of its lines starts with {@code kind:} and names a kind not in {@code kinds}; a document whose
   * kind is unclear (no such line, two, flow style) is kept, and a text with directives ({@code %})
   * or with content on a marker line is returned as it is.
   *
   * @param content a YAML stream: one or more documents
   * @param kinds the kinds whose documents a reader looks at
   * @return {@code content} itself when nothing was left blank, else a text with as many lines
   */
  public static String keep(String content, Set<String> kinds) {
    StringBuilder out = null;
    int docStart = 0;
    int pos = 0;
    while (pos <= content.length()) {
      int end = content.indexOf('\n', pos);
      int next = end < 0 ? content.length() + 1 : end + 1;
      int lineEnd = end < 0 ? content.length() : end;
      if (lineEnd > pos && content.charAt(lineEnd - 1) == '\r') {
        lineEnd--;
      }
      boolean last = end < 0;
      boolean marker = false;
      if (lineEnd > pos) {
        char c = content.charAt(pos);
        if (c == '%') {
          return content;
        }
        if (c == '-' || c == '.') {
          String line = content.substring(pos, lineEnd);
          if (line.startsWith("---") || line.startsWith("...")) {
            if (!MARKER.matcher(line).matches()) {
              return content;
            }
            marker = true;
          }
        }
      }
      if (marker || last) {
        int docEnd = marker ? pos : content.length();
        if (otherKind(content, docStart, docEnd, kinds)) {
          if (out == null) {
            out = new StringBuilder(content.length()).append(content, 0, docStart);
          }
          blank(content, docStart, docEnd, out);
        } else if (out != null) {
          out.append(content, docStart, docEnd);
        }
        if (marker && out != null) {
          out.append(content, pos, Math.min(next, content.length()));
        }
        docStart = Math.min(next, content.length());
      }
      pos = next;
    }
    return out == null ? content : out.toString();
  }

  /** Whether {@code content[from, to)} names exactly one own kind, and not one of {@code kinds}. */
  private static boolean otherKind(String content, int from, int to, Set<String> kinds) {
    Matcher m = ROOT_KIND.matcher(content).region(from, to);
    if (!m.find()) {
      return false;
    }
    String kind = m.group(2);
    return !m.find() && !kinds.contains(kind);
  }

  /** Appends {@code content[from, to)} with every line emptied and every line end kept. */
  private static void blank(String content, int from, int to, StringBuilder out) {
    for (int i = from; i < to; i++) {
      char c = content.charAt(i);
      if (c == '\n' || c == '\r') {
        out.append(c);
      }
    }
  }

  private DocumentKinds() {}
}
