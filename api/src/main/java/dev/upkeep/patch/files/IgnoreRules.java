package dev.upkeep.patch.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .gitignore} semantics, as {@code git check-ignore} applies them: the patterns given to the
 * walk come first, then the ignore files from the deepest directory up to the root, each relative
 * to its directory; within one set of patterns the last that matches decides, {@code !} takes a
 * path back in, a trailing {@code /} matches directories only, a {@code /} at the start or in the
 * middle anchors the pattern to its directory (otherwise it matches the name at any depth), {@code
 * *} and {@code ?} stop at {@code /}, {@code **} crosses directories, {@code [...]} is a character
 * class and {@code \} escapes.
 */
final class IgnoreRules {

  private static final class Level {
    final String dir;
    final IgnoreNode node;

    Level(String dir, IgnoreNode node) {
      this.dir = dir;
      this.node = node;
    }
  }

  private final IgnoreNode given;
  private final List<String> ignoreFileNames;
  private final Deque<Level> levels = new ArrayDeque<>();

  IgnoreRules(List<String> patterns, List<String> ignoreFileNames) {
    this.given = parse(String.join("\n", patterns));
    this.ignoreFileNames = ignoreFileNames;
  }

  /** Reads the ignore files of {@code dir} ({@code relative} to the root, "" for the root). */
  void enter(Path dir, String relative) {
    enter(dir, relative, null);
  }

  /**
   * Like {@link #enter(Path, String)}; {@code names} are the directory's entries when already
   * listed, so that a directory without ignore files costs no file system call.
   */
  void enter(Path dir, String relative, java.util.Set<String> names) {
    StringBuilder text = new StringBuilder();
    for (String name : ignoreFileNames) {
      if (names != null && !names.contains(name)) {
        continue;
      }
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        try {
          // as git: bytes, not necessarily UTF-8 (a Latin-1 comment must not fail the walk), and
          // a byte order mark before the first pattern is skipped
          String read = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
          text.append(read.startsWith("\uFEFF") ? read.substring(1) : read).append('\n');
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }
    }
    levels.push(new Level(relative, text.length() == 0 ? null : parse(text.toString())));
  }

  /** Leaves the directory entered last. */
  void leave() {
    levels.pop();
  }

  /** Whether {@code relative} (slash-separated, from the root) is excluded. */
  boolean ignored(String relative, boolean directory) {
    Boolean verdict = given.checkIgnored(relative, directory);
    if (verdict != null) {
      return verdict;
    }
    for (Iterator<Level> it = levels.iterator(); it.hasNext(); ) {
      Level level = it.next();
      if (level.node == null) {
        continue;
      }
      String inside = level.dir.isEmpty() ? relative : relative.substring(level.dir.length() + 1);
      verdict = level.node.checkIgnored(inside, directory);
      if (verdict != null) {
        return verdict;
      }
    }
    return false;
  }

  private static IgnoreNode parse(String patterns) {
    return new IgnoreNode(patterns);
  }

  /** The patterns of one ignore file (or of the walk's excludes), in order. */
  static final class IgnoreNode {
    private final List<Rule> rules = new ArrayList<>();

    IgnoreNode(String text) {
      for (String line : text.split("\r?\n", -1)) {
        Rule r = Rule.parse(line);
        if (r != null) {
          rules.add(r);
        }
      }
    }

    /** True ignored, false taken back in, null when no pattern matches. */
    Boolean checkIgnored(String path, boolean directory) {
      for (int i = rules.size() - 1; i >= 0; i--) {
        Rule r = rules.get(i);
        if (r.matches(path, directory)) {
          return !r.negated;
        }
      }
      return null;
    }
  }

  /** One {@code .gitignore} line. */
  private static final class Rule {
    final boolean negated;
    final boolean directoryOnly;
    final boolean anchored;
    final Pattern pattern;

    private Rule(boolean negated, boolean directoryOnly, boolean anchored, Pattern pattern) {
      this.negated = negated;
      this.directoryOnly = directoryOnly;
      this.anchored = anchored;
      this.pattern = pattern;
    }

    static Rule parse(String line) {
      String p = stripTrailingBlanks(line);
      if (p.isEmpty() || p.startsWith("#")) {
        return null;
      }
      boolean negated = p.startsWith("!");
      if (negated) {
        p = p.substring(1);
      }
      boolean directoryOnly = p.endsWith("/") && !p.endsWith("\\/");
      if (directoryOnly) {
        p = p.substring(0, p.length() - 1); // one only: "d//" leaves "d/", which matches nothing
      }
      if (p.isEmpty()) {
        return null;
      }
      boolean anchored = p.indexOf('/') >= 0;
      if (p.startsWith("/")) {
        p = p.substring(1);
      }
      String regex = regex(p);
      // a pattern git's wildmatch gives up on (an unclosed "[") matches nothing
      return new Rule(
          negated,
          directoryOnly,
          anchored,
          regex == null ? null : Pattern.compile(regex, Pattern.DOTALL));
    }

    boolean matches(String path, boolean directory) {
      if (pattern == null || (directoryOnly && !directory)) {
        return false;
      }
      String subject = anchored ? path : path.substring(path.lastIndexOf('/') + 1);
      return pattern.matcher(subject).matches();
    }

    private static String stripTrailingBlanks(String line) {
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) {
        end--;
      }
      return line.substring(0, end);
    }

    /**
     * The glob as a regular expression over slash-separated paths, or null when it can match
     * nothing.
     */
    private static String regex(String glob) {
      StringBuilder out = new StringBuilder();
      int n = glob.length();
      for (int i = 0; i < n; i++) {
        char c = glob.charAt(i);
        switch (c) {
          case '*':
            if (i + 1 < n && glob.charAt(i + 1) == '*') {
              boolean atStart = i == 0 || glob.charAt(i - 1) == '/';
              int after = i + 2;
              if (atStart && after < n && glob.charAt(after) == '/') {
                out.append("(?:.*/)?"); // "**/": any number of directories, or none
                i = after;
              } else if (atStart && after == n) {
                out.append(".*"); // "/**": everything inside
                i = after - 1;
              } else {
                out.append("[^/]*");
                i++;
              }
            } else {
              out.append("[^/]*");
            }
            break;
          case '?':
            out.append("[^/]");
            break;
          case '[':
            {
              i = characterClass(glob, i, out);
              if (i < 0) {
                return null;
              }
              break;
            }
          case '\\':
            if (i + 1 >= n) {
              return null; // a trailing backslash: git matches nothing
            }
            out.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            break;
          default:
            out.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return out.toString();
    }

    private static final String[][] POSIX_CLASSES = {
      {"alnum", "\\p{Alnum}"}, {"alpha", "\\p{Alpha}"}, {"blank", "\\p{Blank}"},
      {"cntrl", "\\p{Cntrl}"}, {"digit", "\\p{Digit}"}, {"graph", "\\p{Graph}"},
      {"lower", "\\p{Lower}"}, {"print", "\\p{Print}"}, {"punct", "\\p{Punct}"},
      {"space", "\\p{Space}"}, {"upper", "\\p{Upper}"}, {"xdigit", "\\p{XDigit}"}
    };

    /**
     * Appends the character class opening at {@code open} as git's wildmatch reads it: {@code !} or
     * {@code ^} negates, a {@code ]} first is literal, {@code \} escapes, {@code a-z} is a range (a
     * reversed one matches nothing), {@code [:digit:]} and the other POSIX classes, and it never
     * matches {@code /}. Returns the index of its closing {@code ]}, or -1 when there is none or a
     * POSIX class is unknown: git then matches nothing.
     */
    private static int characterClass(String glob, int open, StringBuilder out) {
      int n = glob.length();
      int i = open + 1;
      boolean negated = i < n && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
      if (negated) {
        i++;
      }
      StringBuilder items = new StringBuilder();
      int prev = -1; // the last literal character, which a "-" may start a range from
      for (boolean first = true; ; first = false) {
        if (i >= n) {
          return -1;
        }
        char c = glob.charAt(i);
        if (c == ']' && !first) {
          break;
        }
        if (c == '\\') {
          if (++i >= n) {
            return -1;
          }
          c = glob.charAt(i);
          items.append(literal(c));
          prev = c;
        } else if (c == '-' && prev >= 0 && i + 1 < n && glob.charAt(i + 1) != ']') {
          char hi = glob.charAt(++i);
          if (hi == '\\') {
            if (++i >= n) {
              return -1;
            }
            hi = glob.charAt(i);
          }
          if (prev <= hi) {
            items.append(literal((char) prev)).append('-').append(literal(hi));
          }
          prev = -1;
        } else if (c == '[' && i + 1 < n && glob.charAt(i + 1) == ':') {
          int close = glob.indexOf(']', i + 2);
          if (close < 0) {
            return -1;
          }
          if (close - 1 < i + 2 || glob.charAt(close - 1) != ':') {
            items.append(literal('[')); // no ":]": a plain "["
            prev = '[';
          } else {
            String name = glob.substring(i + 2, close - 1);
            String property = null;
            for (String[] posix : POSIX_CLASSES) {
              if (posix[0].equals(name)) {
                property = posix[1];
              }
            }
            if (property == null) {
              return -1;
            }
            items.append(property);
            i = close;
            prev = -1;
          }
        } else {
          items.append(literal(c));
          prev = c;
        }
        i++;
      }
      if (items.length() == 0) {
        out.append(negated ? "[^/]" : "(?!)");
      } else {
        out.append(negated ? "[^/" : "(?!/)[").append(items).append(']');
      }
      return i;
    }

    private static String literal(char c) {
      return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }
  }
}
