package dev.upkeep.flux;

import dev.upkeep.ConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The part of Go's {@code text/template} that Flux commit message templates use in practice: text,
 * {@code {{ .Field.Path }}}, variables, {@code range} (with {@code $k, $v :=} and {@code else}),
 * {@code if}/{@code else}, comments, the trim markers {@code {{-} and {@code -}}}, and the
 * functions {@code len}, {@code upper}, {@code lower}, {@code trim}, {@code quote} in pipelines.
 * Anything else is rejected when the template is parsed, with a message naming it.
 *
 * <p>Values are Java {@link String}s, {@link Map}s (iterated in their own order; Go sorts map keys,
 * so callers pass sorted maps), {@link Collection}s and {@link Struct}s. Immutable and thread-safe.
 */
final class GoTemplate {

  /** A value with named fields, like a Go struct; {@link #toString()} is how Go prints it. */
  interface Struct {
    /** The field's value, or null when the struct has no such field. */
    Object field(String name);
  }

  private static final Set<String> FUNCTIONS = Set.of("len", "upper", "lower", "trim", "quote");

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

  /** A command: an operand, optionally followed by {@code | fn} calls. */
  private record Pipeline(String operand, List<String> functions, int position) {}

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
  }

  private void exec(List<Node> list, Object dot, Scope scope, StringBuilder out) {
    for (Node n : list) {
      if (n instanceof Text) {
        out.append(((Text) n).text());
      } else if (n instanceof Action) {
        out.append(print(eval(((Action) n).pipeline(), dot, scope)));
      } else if (n instanceof If) {
        If i = (If) n;
        exec(truthy(eval(i.pipeline(), dot, scope)) ? i.body() : i.otherwise(), dot, scope, out);
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
    String operand = p.operand();
    Object value;
    if (operand.startsWith("\"")) {
      value = operand.substring(1, operand.length() - 1);
    } else {
      String[] parts = operand.split("\\.", -1);
      int from;
      if (operand.startsWith("$")) {
        value = scope.get(parts[0]);
        from = 1;
      } else if (operand.equals(".")) {
        value = dot;
        from = parts.length;
      } else {
        value = dot;
        from = 1;
      }
      for (int i = from; i < parts.length; i++) {
        value = field(value, parts[i], operand);
      }
    }
    for (String fn : p.functions()) {
      value = apply(fn, value);
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

  private static Object apply(String fn, Object value) {
    switch (fn) {
      case "len":
        if (value instanceof Map<?, ?>) {
          return ((Map<?, ?>) value).size();
        }
        if (value instanceof Collection<?>) {
          return ((Collection<?>) value).size();
        }
        return print(value).length();
      case "upper":
        return print(value).toUpperCase(Locale.ROOT);
      case "lower":
        return print(value).toLowerCase(Locale.ROOT);
      case "trim":
        return print(value).strip();
      default:
        return "\"" + print(value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }

  private static boolean truthy(Object v) {
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

  private static String print(Object v) {
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
      String[] stages = expr.split("\\|");
      List<String> functions = new ArrayList<>();
      String first = stages[0].strip();
      String[] words = first.split("\\s+");
      String operand;
      if (words.length == 2 && FUNCTIONS.contains(words[0])) {
        functions.add(words[0]);
        operand = words[1];
      } else if (words.length == 1) {
        operand = words[0];
      } else {
        pos = at;
        throw error(
            "\""
                + first
                + "\" (only fields, variables and len/upper/lower/trim/quote are supported)");
      }
      if (!operand.matches(
          "\\.|(\\$[A-Za-z0-9_]*)?(\\.[A-Za-z_][A-Za-z0-9_]*)+|\\$[A-Za-z0-9_]*|\"[^\"\\\\]*\"")) {
        pos = at;
        throw error("\"" + operand + "\" is not a field, variable or string");
      }
      if (operand.startsWith(".Updated")) {
        throw new ConfigurationException(
            "commit message template uses the removed '.Updated' field; use '.Changed' instead");
      }
      if (operand.startsWith(".Changed.ImageResult")) {
        throw new ConfigurationException(
            "commit message template uses the removed '.Changed.ImageResult' field; use"
                + " '.Changed.FileChanges' or '.Changed.Objects' instead");
      }
      // Inside range, dot is the element; only the template's root is known statically.
      if (rangeDepth == 0 && operand.startsWith(".") && !operand.equals(".")) {
        String root = operand.substring(1).split("\\.")[0];
        if (!Set.of("AutomationObject", "Changed", "Values").contains(root)) {
          pos = at;
          throw error(
              "unknown field ." + root + " (Flux offers .AutomationObject, .Changed, .Values)");
        }
      }
      for (int i = 1; i < stages.length; i++) {
        String fn = stages[i].strip();
        if (!FUNCTIONS.contains(fn)) {
          pos = at;
          throw error(
              "function \"" + fn + "\" is not supported (len, upper, lower, trim, quote are)");
        }
        functions.add(fn);
      }
      return new Pipeline(operand, functions, at);
    }
  }
}
