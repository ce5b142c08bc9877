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
 * :=} and {@code else}), {@code if}/{@code else if}/{@code else}, comments, the trim markers {@code
 * {{-} and {@code -}}}, and the functions in {@link #FUNCTIONS}: Go's own ({@code and or not len
 * index print printf println eq ne lt le gt ge}) and the Sprig functions such templates use ({@code
 * upper lower title trim trimPrefix trimSuffix quote squote join replace contains hasPrefix
 * hasSuffix default trunc toString}), called with arguments or at the end of a pipeline. Anything
 * else is rejected when the template is parsed, with a message naming it.
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
    GoTemplateParser p = new GoTemplateParser(source);
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

  interface Node {}

  record Text(String text) implements Node {}

  record Action(Pipeline pipeline) implements Node {}

  record Range(
      String keyVar, String valueVar, Pipeline pipeline, List<Node> body, List<Node> otherwise)
      implements Node {}

  record If(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

  /** A value in a command: a field or variable chain, a literal, or a parenthesised pipeline. */
  interface Term {}

  /** {@code .A.B} (root {@code .}), {@code $x.A} (root {@code $x}) or {@code $}. */
  record Chain(String root, List<String> fields, String text) implements Term {}

  record Literal(Object value) implements Term {}

  record Sub(Pipeline pipeline) implements Term {}

  /** A function and its arguments, or a single term when {@code function} is null. */
  record Command(String function, List<Term> args) {}

  /**
   * Commands joined by {@code |}, each given the value before it as its last argument; {@code
   * variable} is declared ({@code :=}) or set ({@code =}) to the result when not null.
   */
  record Pipeline(String variable, boolean declare, List<Command> commands) {}

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
    if (c.function().equals("and") || c.function().equals("or")) {
      // Go 1.18+: and/or stop at the argument that decides, leaving the rest unevaluated
      boolean or = c.function().equals("or");
      Object value = null;
      for (Term t : c.args()) {
        value = term(t, dot, scope);
        if (truthy(value) == or) {
          return value;
        }
      }
      if (piped) {
        return last;
      }
      if (c.args().isEmpty()) {
        return GoFunctions.call(c.function(), List.of());
      }
      return value;
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
    if (value == null) {
      // Go: a field of the invalid value (a missing map key) is the invalid value again
      return null;
    }
    if (value instanceof Struct) {
      Object v = ((Struct) value).field(name);
      if (v == null) {
        throw new ConfigurationException(
            "can't evaluate field " + name + " in " + path + " of commit message template");
      }
      return v;
    }
    if (value instanceof Map<?, ?>) {
      // a missing key is Go's invalid value: printed "<no value>", nil to functions
      return ((Map<?, ?>) value).get(name);
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
}
