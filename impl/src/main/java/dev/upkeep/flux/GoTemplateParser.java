package dev.upkeep.flux;

import dev.upkeep.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link GoTemplate}'s source into its nodes, checking each action against what the
 * template supports; one instance reads one source.
 */
final class GoTemplateParser {
  final String src;
  int pos;
  boolean trimNextText;
  String pendingEnd;
  int rangeDepth;

  /** The condition of an {{else if}} just read, for the if or range it belongs to. */
  String elseIf;

  int elseIfAt;

  GoTemplateParser(String src) {
    this.src = src;
  }

  ConfigurationException error(String what) {
    return new ConfigurationException(
        "unsupported commit message template: " + what + " at position " + pos);
  }

  /** Parses until one of {@code stops} ({@code end}, {@code else}); records which in pendingEnd. */
  List<GoTemplate.Node> parseList(Set<String> stops) {
    List<GoTemplate.Node> out = new ArrayList<>();
    pendingEnd = null;
    while (pos < src.length()) {
      int open = src.indexOf("{{", pos);
      String text = open < 0 ? src.substring(pos) : src.substring(pos, open);
      if (trimNextText) {
        text = text.stripLeading();
        trimNextText = false;
      }
      int actionStart = open;
      if (open >= 0 && src.startsWith("{{- ", open) || open >= 0 && src.startsWith("{{-\n", open)) {
        text = text.stripTrailing();
      }
      if (!text.isEmpty()) {
        out.add(new GoTemplate.Text(text));
      }
      if (open < 0) {
        pos = src.length();
        break;
      }
      int close = src.indexOf("}}", open + 2);
      if (close < 0) {
        pos = open;
        throw error("unclosed action");
      }
      String inside = src.substring(open + 2, close);
      pos = close + 2;
      if (inside.startsWith("- ") || inside.startsWith("-\n")) {
        inside = inside.substring(1);
      }
      if (inside.endsWith(" -") || inside.endsWith("\n-")) {
        inside = inside.substring(0, inside.length() - 1);
        trimNextText = true;
      }
      inside = inside.strip();
      if (inside.startsWith("/*")) {
        // Go: a comment starts and ends at the delimiters, {{/* */}} or {{- /* */ -}}
        String raw = src.substring(open + 2, close);
        if (!raw.startsWith("/*") && !raw.matches("(?s)-[ \t\r\n]/\\*.*")) {
          pos = actionStart;
          throw error("a comment must start right after {{ or {{- (write {{/* ... */}})");
        }
        if (!raw.endsWith("*/") && !raw.matches("(?s).*\\*/[ \t\r\n]-")) {
          throw error("unclosed comment");
        }
        continue;
      }
      String keyword = inside.split("\\s+", 2)[0];
      switch (keyword) {
        case "end":
        case "else":
          String rest = inside.substring(keyword.length()).strip();
          if (keyword.equals("else") && rest.matches("if\\s.*")) {
            // Go reads {{else if x}} as {{else}}{{if x}}, the if ending at the same {{end}}
            elseIf = rest.substring(2).strip();
            elseIfAt = actionStart;
          } else if (!rest.isEmpty()) {
            pos = actionStart;
            throw error("{{" + inside + "}} is not supported");
          }
          if (!stops.contains(keyword)) {
            pos = actionStart;
            throw error("unexpected {{" + keyword + "}}");
          }
          pendingEnd = keyword;
          return out;
        case "range":
          out.add(parseRange(inside.substring(5).strip(), actionStart));
          break;
        case "if":
          out.add(parseIf(inside.substring(2).strip(), actionStart));
          break;
        case "with":
        case "define":
        case "template":
        case "block":
        case "break":
        case "continue":
          pos = actionStart;
          throw error("{{" + keyword + "}} is not supported");
        default:
          out.add(new GoTemplate.Action(pipeline(inside, actionStart)));
      }
    }
    if (!stops.isEmpty()) {
      throw error("missing {{end}}");
    }
    return out;
  }

  GoTemplate.Range parseRange(String decl, int at) {
    String keyVar = null;
    String valueVar = null;
    String expr = decl;
    int assign = decl.indexOf(":=");
    if (assign >= 0) {
      String[] vars = decl.substring(0, assign).split(",");
      expr = decl.substring(assign + 2).strip();
      if (vars.length == 1) {
        valueVar = variable(vars[0].strip(), at);
      } else if (vars.length == 2) {
        keyVar = variable(vars[0].strip(), at);
        valueVar = variable(vars[1].strip(), at);
      } else {
        throw error("range declares too many variables");
      }
    }
    GoTemplate.Pipeline p = pipeline(expr, at);
    rangeDepth++;
    List<GoTemplate.Node> body = parseList(Set.of("end", "else"));
    rangeDepth--;
    List<GoTemplate.Node> otherwise = List.of();
    if ("else".equals(pendingEnd)) {
      otherwise = elseList();
    }
    pendingEnd = null;
    return new GoTemplate.Range(keyVar, valueVar, p, body, otherwise);
  }

  GoTemplate.If parseIf(String expr, int at) {
    GoTemplate.Pipeline p = pipeline(expr, at);
    List<GoTemplate.Node> body = parseList(Set.of("end", "else"));
    List<GoTemplate.Node> otherwise = List.of();
    if ("else".equals(pendingEnd)) {
      if (elseIf != null) {
        // {{else if x}}: the inner if takes the {{end}} of this one
        String expr2 = elseIf;
        elseIf = null;
        otherwise = List.of(parseIf(expr2, elseIfAt));
      } else {
        otherwise = parseList(Set.of("end"));
      }
    }
    pendingEnd = null;
    return new GoTemplate.If(p, body, otherwise);
  }

  /** The list after a range's {{else}}; an {{else if x}} there needs an {{end}} of its own. */
  List<GoTemplate.Node> elseList() {
    if (elseIf == null) {
      return parseList(Set.of("end"));
    }
    String expr = elseIf;
    elseIf = null;
    List<GoTemplate.Node> out = new ArrayList<>();
    out.add(parseIf(expr, elseIfAt));
    out.addAll(parseList(Set.of("end")));
    return out;
  }

  String variable(String v, int at) {
    if (!v.matches("\\$[A-Za-z_][A-Za-z0-9_]*|\\$_|\\$")) {
      pos = at;
      throw error("invalid variable \"" + v + "\"");
    }
    return v;
  }

  GoTemplate.Pipeline pipeline(String expr, int at) {
    List<String> tokens = tokens(expr, at);
    String variable = null;
    boolean declare = false;
    if (tokens.size() >= 2
        && tokens.get(0).startsWith("$")
        && (tokens.get(1).equals(":=") || tokens.get(1).equals("="))) {
      variable = variable(tokens.get(0), at);
      declare = tokens.get(1).equals(":=");
      tokens = tokens.subList(2, tokens.size());
    }
    int[] next = {0};
    GoTemplate.Pipeline p = pipeline(tokens, next, variable, declare, at);
    if (next[0] < tokens.size()) {
      pos = at;
      throw error("unexpected \"" + tokens.get(next[0]) + "\" in \"" + expr + "\"");
    }
    return p;
  }

  /** A pipeline from {@code tokens[next..]}, up to a closing parenthesis or the end. */
  GoTemplate.Pipeline pipeline(
      List<String> tokens, int[] next, String variable, boolean declare, int at) {
    List<GoTemplate.Command> commands = new ArrayList<>();
    while (true) {
      List<GoTemplate.Term> terms = new ArrayList<>();
      String function = null;
      while (next[0] < tokens.size()
          && !tokens.get(next[0]).equals("|")
          && !tokens.get(next[0]).equals(")")) {
        String t = tokens.get(next[0]++);
        if (terms.isEmpty() && function == null && GoTemplate.FUNCTIONS.contains(t)) {
          function = t;
        } else if (t.equals("(")) {
          terms.add(new GoTemplate.Sub(pipeline(tokens, next, null, false, at)));
          if (next[0] >= tokens.size() || !tokens.get(next[0]).equals(")")) {
            pos = at;
            throw error("unclosed parenthesis");
          }
          next[0]++;
        } else {
          terms.add(term(t, at));
        }
      }
      if (function == null && terms.size() != 1) {
        pos = at;
        if (terms.isEmpty()) {
          throw error("missing value in a pipeline");
        }
        GoTemplate.Term first = terms.get(0);
        String name =
            first instanceof GoTemplate.Chain
                ? ((GoTemplate.Chain) first).text()
                : first instanceof GoTemplate.Literal
                    ? String.valueOf(((GoTemplate.Literal) first).value())
                    : "(...)";
        // as Go says it: a field, a variable or a literal takes no arguments
        throw error("can't give argument to non-function " + name);
      }
      if (function == null
          && terms.get(0) instanceof GoTemplate.Literal
          && ((GoTemplate.Literal) terms.get(0)).value() == null) {
        pos = at;
        throw error("nil is not a command");
      }
      if (!commands.isEmpty() && function == null) {
        pos = at;
        throw error("a value after | must be a function");
      }
      commands.add(new GoTemplate.Command(function, terms));
      if (next[0] < tokens.size() && tokens.get(next[0]).equals("|")) {
        next[0]++;
        continue;
      }
      return new GoTemplate.Pipeline(variable, declare, commands);
    }
  }

  /** One word of a command: a literal, a field or variable chain; a function name is not. */
  GoTemplate.Term term(String t, int at) {
    if (t.startsWith("\"") || t.startsWith("`")) {
      return new GoTemplate.Literal(unquote(t, at));
    }
    if (t.equals("true") || t.equals("false")) {
      return new GoTemplate.Literal(Boolean.valueOf(t));
    }
    if (t.equals("nil")) {
      return new GoTemplate.Literal(null);
    }
    if (t.matches("-?[0-9]+")) {
      return new GoTemplate.Literal(Long.valueOf(t));
    }
    if (!t.matches("\\.|(\\$[A-Za-z0-9_]*)?(\\.[A-Za-z_][A-Za-z0-9_]*)+|\\$[A-Za-z0-9_]*")) {
      pos = at;
      if (t.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw error(
            "function \""
                + t
                + "\" is not supported ("
                + String.join(", ", new java.util.TreeSet<>(GoTemplate.FUNCTIONS))
                + " are)");
      }
      throw error("\"" + t + "\" is not a field, variable or literal");
    }
    if (t.startsWith(".Updated")) {
      throw new ConfigurationException(
          "commit message template uses the removed '.Updated' field; use '.Changed' instead");
    }
    if (t.startsWith(".Changed.ImageResult")) {
      throw new ConfigurationException(
          "commit message template uses the removed '.Changed.ImageResult' field; use"
              + " '.Changed.FileChanges' or '.Changed.Objects' instead");
    }
    // Inside range, dot is the element; only the template's root is known statically.
    if (rangeDepth == 0 && t.startsWith(".") && !t.equals(".")) {
      String root = t.substring(1).split("\\.")[0];
      if (!Set.of("AutomationObject", "Changed", "Values").contains(root)) {
        pos = at;
        throw error(
            "unknown field ." + root + " (Flux offers .AutomationObject, .Changed, .Values)");
      }
    }
    String root;
    String rest;
    if (t.startsWith("$")) {
      int dot = t.indexOf('.');
      root = dot < 0 ? t : t.substring(0, dot);
      rest = dot < 0 ? "" : t.substring(dot + 1);
    } else {
      root = ".";
      rest = t.equals(".") ? "" : t.substring(1);
    }
    List<String> fields = rest.isEmpty() ? List.of() : List.of(rest.split("\\."));
    return new GoTemplate.Chain(root, fields, t);
  }

  /** A Go string literal's value: {@code "..."} with escapes, or {@code `...`} as written. */
  String unquote(String t, int at) {
    if (t.startsWith("`")) {
      return t.substring(1, t.length() - 1);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < t.length() - 1; i++) {
      char c = t.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = t.charAt(++i);
      switch (e) {
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        case 'r':
          out.append('\r');
          break;
        case '\\':
        case '"':
          out.append(e);
          break;
        default:
          pos = at;
          throw error("escape \\" + e + " in " + t + " is not supported");
      }
    }
    return out.toString();
  }

  /** The words of an action: strings, parentheses, {@code |}, {@code :=}, {@code =}, others. */
  List<String> tokens(String expr, int at) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '`') {
        int j = i + 1;
        while (j < expr.length() && expr.charAt(j) != c) {
          j += c == '"' && expr.charAt(j) == '\\' ? 2 : 1;
        }
        if (j >= expr.length()) {
          pos = at;
          throw error("unterminated string in \"" + expr + "\"");
        }
        out.add(expr.substring(i, j + 1));
        i = j + 1;
      } else if (c == '(' || c == ')' || c == '|') {
        out.add(String.valueOf(c));
        i++;
      } else if (expr.startsWith(":=", i)) {
        out.add(":=");
        i += 2;
      } else if (c == '=') {
        out.add("=");
        i++;
      } else {
        int j = i;
        while (j < expr.length()
            && !Character.isWhitespace(expr.charAt(j))
            && "()|\"`=".indexOf(expr.charAt(j)) < 0
            && !expr.startsWith(":=", j)) {
          j++;
        }
        out.add(expr.substring(i, j));
        i = j;
      }
    }
    return out;
  }
}
