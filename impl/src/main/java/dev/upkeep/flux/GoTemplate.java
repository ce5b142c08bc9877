package dev.upkeep.flux;

import dev.upkeep.ConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of Go's {@code text/template} that Flux commit message templates use in practice: text,
 * fields ({@code .Changed.Objects}), variables (declared with {@code :=} and set with {@code =}),
 * string, number and boolean literals, parenthesised pipelines, {@code range} (with {@code $k, $v
 * :=} and {@code else}), {@code if}/{@code else}, comments, the trim markers {@code {{-} and {@code
 * -}}}, and the functions in {@link #FUNCTIONS}: Go's own ({@code and or not len index print printf
 * println eq ne lt le gt ge}) and the Sprig functions such templates use ({@code upper lower title
 * trim trimPrefix trimSuffix quote squote join replace contains hasPrefix hasSuffix default trunc
 * toString}), called with arguments or at the end of a pipeline. Anything else is rejected when the
 * template is parsed, with a message naming it.
 *
 * <p>Values are Java {@link String}s, {@link Long}s, {@link Boolean}s, {@link Map}s (iterated in
 * their own order; Go sorts map keys, so callers pass sorted maps), {@link Collection}s and {@link
 * Struct}s. Immutable and thread-safe.
 */
final class GoTemplate {

  /** A value with named fields, like a Go struct; {@link #toString()} is how Go prints it. */
  interface Struct {
    /** The field's value, or null when the struct has no such field. */
    Object field(String name);
  }

  /** The functions a template may call. */
  static final Set<String> FUNCTIONS =
      Set.of(
          "and",
          "or",
          "not",
          "len",
          "index",
          "print",
          "printf",
          "println",
          "eq",
          "ne",
          "lt",
          "le",
          "gt",
          "ge",
          "upper",
          "lower",
          "title",
          "trim",
          "trimPrefix",
          "trimSuffix",
          "quote",
          "squote",
          "join",
          "replace",
          "contains",
          "hasPrefix",
          "hasSuffix",
          "default",
          "trunc",
          "toString");

  private final String source;
  private final List<Node> nodes;

  private GoTemplate(String source, List<Node> nodes) {
    this.source = source;
    this.nodes = nodes;
  }

  /**
   * Parses {@code source}.
   *
   * @throws ConfigurationException naming the unsupported construct and its position
   */
  static GoTemplate parse(String source) {
    Parser p = new Parser(source);
    List<Node> nodes = p.parseList(Set.of());
    if (p.pendingEnd != null) {
      throw p.error("unexpected {{" + p.pendingEnd + "}}");
    }
    return new GoTemplate(source, nodes);
  }

  /** Renders with {@code data} as dot. */
  String render(Object data) {
    StringBuilder out = new StringBuilder();
    Scope scope = new Scope(null);
    scope.vars.put("$", data);
    exec(nodes, data, scope, out);
    return out.toString();
  }

  @Override
  public String toString() {
    return source;
  }

  // ---- nodes ------------------------------------------------------------------------------

  private interface Node {}

  private record Text(String text) implements Node {}

  private record Action(Pipeline pipeline) implements Node {}

  private record Range(
      String keyVar, String valueVar, Pipeline pipeline, List<Node> body, List<Node> otherwise)
      implements Node {}

  private record If(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

  /** A value in a command: a field or variable chain, a literal, or a parenthesised pipeline. */
  private interface Term {}

  /** {@code .A.B} (root {@code .}), {@code $x.A} (root {@code $x}) or {@code $}. */
  private record Chain(String root, List<String> fields, String text) implements Term {}

  private record Literal(Object value) implements Term {}

  private record Sub(Pipeline pipeline) implements Term {}

  /** A function and its arguments, or a single term when {@code function} is null. */
  private record Command(String function, List<Term> args) {}

  /**
   * Commands joined by {@code |}, each given the value before it as its last argument; {@code
   * variable} is declared ({@code :=}) or set ({@code =}) to the result when not null.
   */
  private record Pipeline(String variable, boolean declare, List<Command> commands) {}

  private static final class Scope {
    final Scope parent;
    final java.util.HashMap<String, Object> vars = new java.util.HashMap<>();

    Scope(Scope parent) {
      this.parent = parent;
    }

    Object get(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          return s.vars.get(name);
        }
      }
      throw new ConfigurationException(
          "undefined variable " + name + " in commit message template");
    }

    /** Sets a variable where it was declared, as Go's {@code $x = ...} does. */
    void set(String name, Object value) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          s.vars.put(name, value);
          return;
        }
      }
      throw new ConfigurationException(
          "undefined variable " + name + " in commit message template");
    }
  }

  private void exec(List<Node> list, Object dot, Scope scope, StringBuilder out) {
    for (Node n : list) {
      if (n instanceof Text) {
        out.append(((Text) n).text());
      } else if (n instanceof Action) {
        Pipeline p = ((Action) n).pipeline();
        Object value = eval(p, dot, scope);
        if (p.variable() == null) {
          out.append(print(value));
        }
      } else if (n instanceof If) {
        If i = (If) n;
        // a variable declared inside lives until the {{end}}
        exec(
            truthy(eval(i.pipeline(), dot, scope)) ? i.body() : i.otherwise(),
            dot,
            new Scope(scope),
            out);
      } else {
        Range r = (Range) n;
        Object over = eval(r.pipeline(), dot, scope);
        boolean any = false;
        if (over instanceof Map<?, ?>) {
          for (Map.Entry<?, ?> e : ((Map<?, ?>) over).entrySet()) {
            any = true;
            iterate(r, e.getKey(), e.getValue(), scope, out);
          }
        } else if (over instanceof Collection<?>) {
          int i = 0;
          for (Object v : (Collection<?>) over) {
            any = true;
            iterate(r, i++, v, scope, out);
          }
        } else if (over != null) {
          throw new ConfigurationException(
              "range can't iterate over " + print(over) + " in commit message template");
        }
        if (!any) {
          exec(r.otherwise(), dot, scope, out);
        }
      }
    }
  }

  private void iterate(Range r, Object key, Object value, Scope scope, StringBuilder out) {
    Scope inner = new Scope(scope);
    if (r.keyVar() != null) {
      inner.vars.put(r.keyVar(), key);
    }
    if (r.valueVar() != null) {
      inner.vars.put(r.valueVar(), value);
    }
    exec(r.body(), value, inner, out);
  }

  private Object eval(Pipeline p, Object dot, Scope scope) {
    Object value = null;
    boolean piped = false;
    for (Command c : p.commands()) {
      value = command(c, piped, value, dot, scope);
      piped = true;
    }
    if (p.variable() != null) {
      if (p.declare()) {
        scope.vars.put(p.variable(), value);
      } else {
        scope.set(p.variable(), value);
      }
    }
    return value;
  }

  private Object command(Command c, boolean piped, Object last, Object dot, Scope scope) {
    if (c.function() == null) {
      return term(c.args().get(0), dot, scope);
    }
    List<Object> args = new ArrayList<>();
    for (Term t : c.args()) {
      args.add(term(t, dot, scope));
    }
    if (piped) {
      args.add(last);
    }
    return GoFunctions.call(c.function(), args);
  }

  private Object term(Term t, Object dot, Scope scope) {
    if (t instanceof Literal) {
      return ((Literal) t).value();
    }
    if (t instanceof Sub) {
      return eval(((Sub) t).pipeline(), dot, scope);
    }
    Chain c = (Chain) t;
    Object value = c.root().equals(".") ? dot : scope.get(c.root());
    for (String name : c.fields()) {
      value = field(value, name, c.text());
    }
    return value;
  }

  private static Object field(Object value, String name, String path) {
    if (value instanceof Struct) {
      Object v = ((Struct) value).field(name);
      if (v == null) {
        throw new ConfigurationException(
            "can't evaluate field " + name + " in " + path + " of commit message template");
      }
      return v;
    }
    if (value instanceof Map<?, ?>) {
      Object v = ((Map<?, ?>) value).get(name);
      return v == null ? "" : v;
    }
    throw new ConfigurationException(
        "can't evaluate field " + name + " in " + path + " of commit message template");
  }

  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Map<?, ?>) {
      return !((Map<?, ?>) v).isEmpty();
    }
    if (v instanceof Collection<?>) {
      return !((Collection<?>) v).isEmpty();
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue() != 0;
    }
    // Go's truth: a string is true when it is not empty, even "0".
    return !v.toString().isEmpty();
  }

  static String print(Object v) {
    if (v == null) {
      return "<no value>";
    }
    if (v instanceof Map<?, ?>) {
      StringBuilder out = new StringBuilder("map[");
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        out.append(first ? "" : " ")
            .append(print(e.getKey()))
            .append(':')
            .append(print(e.getValue()));
        first = false;
      }
      return out.append(']').toString();
    }
    if (v instanceof Collection<?>) {
      StringBuilder out = new StringBuilder("[");
      boolean first = true;
      for (Object o : (Collection<?>) v) {
        out.append(first ? "" : " ").append(print(o));
        first = false;
      }
      return out.append(']').toString();
    }
    return v.toString();
  }

  // ---- parser -----------------------------------------------------------------------------

  private static final class Parser {
    final String src;
    int pos;
    boolean trimNextText;
    String pendingEnd;
    int rangeDepth;

    Parser(String src) {
      this.src = src;
    }

    ConfigurationException error(String what) {
      return new ConfigurationException(
          "unsupported commit message template: " + what + " at position " + pos);
    }

    /**
     * Parses until one of {@code stops} ({@code end}, {@code else}); records which in pendingEnd.
     */
    List<Node> parseList(Set<String> stops) {
      List<Node> out = new ArrayList<>();
      pendingEnd = null;
      while (pos < src.length()) {
        int open = src.indexOf("{{", pos);
        String text = open < 0 ? src.substring(pos) : src.substring(pos, open);
        if (trimNextText) {
          text = text.stripLeading();
          trimNextText = false;
        }
        int actionStart = open;
        if (open >= 0 && src.startsWith("{{- ", open)
            || open >= 0 && src.startsWith("{{-\n", open)) {
          text = text.stripTrailing();
        }
        if (!text.isEmpty()) {
          out.add(new Text(text));
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
          if (!inside.endsWith("*/")) {
            throw error("unclosed comment");
          }
          continue;
        }
        String keyword = inside.split("\\s+", 2)[0];
        switch (keyword) {
          case "end":
          case "else":
            if (!inside.equals(keyword)) {
              pos = actionStart;
              throw error(
                  "{{"
                      + inside
                      + "}} is not supported; write {{else}}{{if ...}}...{{end}} instead");
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
            out.add(new Action(pipeline(inside, actionStart)));
        }
      }
      if (!stops.isEmpty()) {
        throw error("missing {{end}}");
      }
      return out;
    }

    Range parseRange(String decl, int at) {
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
      Pipeline p = pipeline(expr, at);
      rangeDepth++;
      List<Node> body = parseList(Set.of("end", "else"));
      rangeDepth--;
      List<Node> otherwise = List.of();
      if ("else".equals(pendingEnd)) {
        otherwise = parseList(Set.of("end"));
      }
      pendingEnd = null;
      return new Range(keyVar, valueVar, p, body, otherwise);
    }

    If parseIf(String expr, int at) {
      Pipeline p = pipeline(expr, at);
      List<Node> body = parseList(Set.of("end", "else"));
      List<Node> otherwise = List.of();
      if ("else".equals(pendingEnd)) {
        otherwise = parseList(Set.of("end"));
      }
      pendingEnd = null;
      return new If(p, body, otherwise);
    }

    String variable(String v, int at) {
      if (!v.matches("\\$[A-Za-z_][A-Za-z0-9_]*|\\$_|\\$")) {
        pos = at;
        throw error("invalid variable \"" + v + "\"");
      }
      return v;
    }

    Pipeline pipeline(String expr, int at) {
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
      Pipeline p = pipeline(tokens, next, variable, declare, at);
      if (next[0] < tokens.size()) {
        pos = at;
        throw error("unexpected \"" + tokens.get(next[0]) + "\" in \"" + expr + "\"");
      }
      return p;
    }

    /** A pipeline from {@code tokens[next..]}, up to a closing parenthesis or the end. */
    Pipeline pipeline(List<String> tokens, int[] next, String variable, boolean declare, int at) {
      List<Command> commands = new ArrayList<>();
      while (true) {
        List<Term> terms = new ArrayList<>();
        String function = null;
        while (next[0] < tokens.size()
            && !tokens.get(next[0]).equals("|")
            && !tokens.get(next[0]).equals(")")) {
          String t = tokens.get(next[0]++);
          if (terms.isEmpty() && function == null && FUNCTIONS.contains(t)) {
            function = t;
          } else if (t.equals("(")) {
            terms.add(new Sub(pipeline(tokens, next, null, false, at)));
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
          Term first = terms.get(0);
          String name =
              first instanceof Chain
                  ? ((Chain) first).text()
                  : first instanceof Literal ? String.valueOf(((Literal) first).value()) : "(...)";
          // as Go says it: a field, a variable or a literal takes no arguments
          throw error("can't give argument to non-function " + name);
        }
        if (!commands.isEmpty() && function == null) {
          pos = at;
          throw error("a value after | must be a function");
        }
        commands.add(new Command(function, terms));
        if (next[0] < tokens.size() && tokens.get(next[0]).equals("|")) {
          next[0]++;
          continue;
        }
        return new Pipeline(variable, declare, commands);
      }
    }

    /** One word of a command: a literal, a field or variable chain; a function name is not. */
    Term term(String t, int at) {
      if (t.startsWith("\"") || t.startsWith("`")) {
        return new Literal(unquote(t, at));
      }
      if (t.equals("true") || t.equals("false")) {
        return new Literal(Boolean.valueOf(t));
      }
      if (t.equals("nil")) {
        return new Literal(null);
      }
      if (t.matches("-?[0-9]+")) {
        return new Literal(Long.valueOf(t));
      }
      if (!t.matches("\\.|(\\$[A-Za-z0-9_]*)?(\\.[A-Za-z_][A-Za-z0-9_]*)+|\\$[A-Za-z0-9_]*")) {
        pos = at;
        if (t.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw error(
              "function \""
                  + t
                  + "\" is not supported ("
                  + String.join(", ", new java.util.TreeSet<>(FUNCTIONS))
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
      return new Chain(root, fields, t);
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
}
