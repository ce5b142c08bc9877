package dev.upkeep.markdown;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes values that come from repositories, registries and forges (file names, tags, policy names,
 * messages, release notes) into GitHub-flavoured Markdown so that they show as the text they are:
 * no markup, no HTML, no links or images, no table cells split, no {@code @mention} that pings
 * anyone and no {@code #123} that links an issue. Every Markdown renderer escapes through here.
 *
 * <p>Public and supported, as {@code dev.upkeep.json.Json} is: the API's reports, the
 * implementation's {@code verify} report and users' own renderers and {@code ChangeRequestOpener}
 * implementations need it. Thread-safe: the static methods keep no state.
 *
 * <p>Mentions and references are broken with a zero-width space ({@code &#8203;}) after the
 * {@code @} or {@code #}: forges find them in the rendered text, where a backslash escape is gone.
 */
public final class Markdown {
  private static final String ZERO_WIDTH = "&#8203;";
  private static final Pattern LIST_MARKER = Pattern.compile("^(\\d+)([.)])");
  private static final Pattern BACKTICKS = Pattern.compile("`+");

  private Markdown() {}

  /** {@code value} as inline text: safe in a paragraph, a list item, a heading or a table cell. */
  public static String text(String value) {
    StringBuilder out = escape(value, true);
    if (out.length() > 0 && "-+=".indexOf(out.charAt(0)) >= 0) {
      out.insert(0, '\\');
    }
    Matcher list = LIST_MARKER.matcher(out);
    if (list.find()) {
      out.insert(list.start(2), '\\');
    }
    return out.toString();
  }

  /**
   * {@code value} as an inline code span, for paragraphs and list items; empty for an empty value.
   * Line breaks become spaces.
   */
  public static String code(String value) {
    String v = value.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
    if (v.isEmpty()) {
      return "";
    }
    String fence = "`".repeat(longestRun(v) + 1);
    boolean pad = v.startsWith("`") || v.endsWith("`") || (v.startsWith(" ") && v.endsWith(" "));
    String space = pad ? " " : "";
    return fence + space + v + space + fence;
  }

  /**
   * {@code value} as an inline code span in a table cell. A value holding {@code |} is written as
   * escaped text instead: a pipe in a code span splits the cell unless escaped, and an escape right
   * after a backslash in the value would not hold.
   */
  public static String codeCell(String value) {
    return value.indexOf('|') >= 0 ? text(value) : code(value);
  }

  /** {@code value} as text inside raw HTML, such as a {@code <summary>} element. */
  public static String html(String value) {
    return escape(value, false).toString();
  }

  /**
   * Line breaks as spaces, HTML as entities, mentions, references and URLs broken, and every
   * character with a meaning in Markdown escaped: with a backslash in Markdown text, as a numeric
   * character reference in HTML (with quotes too).
   */
  private static StringBuilder escape(String value, boolean markdown) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\r', '\n' -> out.append(' ');
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '@' -> out.append('@').append(ZERO_WIDTH);
        case '#' -> out.append(nextIsDigit(value, i) ? "#" + ZERO_WIDTH : markdown ? "\\#" : "#");
        case ':' -> out.append(value.startsWith("//", i + 1) ? ":" + ZERO_WIDTH : ":");
        case '"' -> out.append(markdown ? "\"" : "&quot;");
        case '\'' -> out.append(markdown ? "'" : "&#39;");
        case '\\', '`', '*', '_', '[', ']', '(', ')', '!', '|', '~', '{', '}', '$' -> {
          // In HTML as numeric references, so that a forge that reads Markdown inside HTML
          // still sees no link, emphasis or cell.
          if (markdown) {
            out.append('\\').append(c);
          } else {
            out.append("&#").append((int) c).append(';');
          }
        }
        default -> out.append(c);
      }
    }
    return out;
  }

  /**
   * {@code value} as a fenced code block (ending with a line break) whose fence is longer than any
   * run of backticks in it, so nothing inside can close it; {@code language} is the info string,
   * letters and digits only.
   */
  public static String codeBlock(String language, String value) {
    String fence = "`".repeat(Math.max(3, longestRun(value) + 1));
    String info = language.replaceAll("[^A-Za-z0-9]", "");
    String body = value.isEmpty() || value.endsWith("\n") ? value : value + "\n";
    return fence + info + "\n" + body + fence + "\n";
  }

  private static boolean nextIsDigit(String value, int i) {
    return i + 1 < value.length() && Character.isDigit(value.charAt(i + 1));
  }

  private static int longestRun(String value) {
    int longest = 0;
    Matcher m = BACKTICKS.matcher(value);
    while (m.find()) {
      longest = Math.max(longest, m.end() - m.start());
    }
    return longest;
  }
}
