package dev.upkeep.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values a hostile repository, registry or chart could hand to a Markdown renderer, and a check
 * that rendered Markdown keeps them inert: no HTML but the renderer's own {@code <details>}, no
 * links or images, no mention or issue reference, no table row with more cells than its header, no
 * code block closed early. Usable from any test framework; failures are {@link AssertionError}s.
 */
public final class HostileMarkdown {
  /** Raw HTML with a script hook. */
  public static final String HTML = "<img src=x onerror=alert(1)>";

  /** A link, and an image, to another site. */
  public static final String LINK = "[click](http://evil) ![x](http://evil/x.png)";

  /** A team mention that would notify people. */
  public static final String MENTION = "@org/team";

  /** An issue reference that would link and notify. */
  public static final String REFERENCE = "fixes #123";

  /** Extra table cells. */
  public static final String CELLS = "| x | y |";

  /** Closes the element a renderer wraps long content in. */
  public static final String CLOSE_DETAILS = "</details>";

  /** Closes a code block, then starts a heading on a new line. */
  public static final String FENCE = "```\n# heading\n````";

  /** Every value above, each on its own line. */
  public static final String ALL =
      String.join("\n", HTML, LINK, MENTION, REFERENCE, CELLS, CLOSE_DETAILS, FENCE, "`a\\|b`");

  private static final Set<String> OWN_TAGS =
      Set.of("<details>", "</details>", "<summary>", "</summary>", "<code>", "</code>");
  private static final Pattern FENCE_LINE = Pattern.compile("^(`{3,})(.*)$");
  private static final Pattern TAG = Pattern.compile("</?[A-Za-z][^>]*>?");

  private HostileMarkdown() {}

  /**
   * Checks that {@code markdown} shows hostile values as text only.
   *
   * @throws AssertionError naming the first line that is not inert
   */
  public static void assertInert(String markdown) {
    String fence = null;
    int headerCells = -1;
    int open = 0;
    String[] lines = markdown.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (fence != null) {
        // As CommonMark closes a fence: a line of at least as many backticks. Content that
        // closed it early shows up below as markup outside the block.
        if (line.strip().matches("`+") && line.strip().length() >= fence.length()) {
          fence = null;
        }
        continue;
      }
      Matcher f = FENCE_LINE.matcher(line);
      if (f.matches()) {
        fence = f.group(1);
        continue;
      }
      if (line.startsWith("|")) {
        int cells = unescapedPipes(line);
        if (headerCells < 0) {
          headerCells = cells;
        } else if (cells != headerCells) {
          fail(n, line, cells + " cell separators where the header has " + headerCells);
        }
      } else {
        headerCells = -1;
      }
      String prose = withoutCodeSpans(line);
      Matcher tag = TAG.matcher(prose);
      while (tag.find()) {
        if (!OWN_TAGS.contains(tag.group())) {
          fail(n, line, "raw HTML " + tag.group());
        }
        open += tag.group().equals("<details>") ? 1 : tag.group().equals("</details>") ? -1 : 0;
        if (open < 0) {
          fail(n, line, "closes a details element it did not open");
        }
      }
      check(n, line, prose, "(?<!\\\\)(\\\\\\\\)*\\[", "an unescaped [ (link or image)");
      check(n, line, prose, "@(?!&#8203;)", "an @ that mentions");
      check(n, line, prose, "(?<!&)#\\d", "a # that references an issue");
      check(n, line, prose, "://", "a bare URL that links");
    }
    if (fence != null) {
      throw new AssertionError("the code block fenced with " + fence + " is never closed");
    }
    if (open != 0) {
      throw new AssertionError(open + " details elements are never closed");
    }
  }

  private static void check(int n, String line, String prose, String regex, String what) {
    if (Pattern.compile(regex).matcher(prose).find()) {
      fail(n, line, what);
    }
  }

  private static void fail(int n, String line, String what) {
    throw new AssertionError("line " + (n + 1) + " is not inert, it has " + what + ": " + line);
  }

  private static int unescapedPipes(String line) {
    int count = 0;
    boolean escaped = false;
    for (char c : line.toCharArray()) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '|') {
        count++;
      }
    }
    return count;
  }

  /**
   * The line with every code span's content removed (a span is opened and closed by runs of the
   * same length).
   */
  private static String withoutCodeSpans(String line) {
    List<int[]> runs = new ArrayList<>();
    Matcher m = Pattern.compile("(?<!\\\\)`+").matcher(line);
    while (m.find()) {
      runs.add(new int[] {m.start(), m.end()});
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int i = 0; i < runs.size(); i++) {
      int[] opening = runs.get(i);
      int length = opening[1] - opening[0];
      for (int j = i + 1; j < runs.size(); j++) {
        int[] closing = runs.get(j);
        if (closing[1] - closing[0] == length) {
          out.append(line, from, opening[0]).append("CODE");
          from = closing[1];
          i = j;
          break;
        }
      }
    }
    return out.append(line.substring(from)).toString();
  }
}
