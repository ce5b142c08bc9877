package dev.upkeep.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON reader and writer Upkeep uses: registry answers, marker comments, Git hosts' REST
 * bodies, reports, and the test fixtures' manifests. Public and supported: every module needs it
 * (the API's reports, the implementation, the fixtures, which depend on the API alone), and so do
 * users' own {@code RegistrySource} and {@code ChangeRequestOpener} implementations; it depends on
 * the JDK only. Thread-safe: the static methods keep no state.
 *
 * <p>The reader is strict RFC 8259 (JSON whitespace only, JSON number grammar, escapes checked,
 * nothing after the value) and, like Go's {@code encoding/json}, lets a repeated key win over the
 * earlier one. Objects become insertion-ordered {@code Map<String, Object>}, arrays {@code
 * List<Object>}, numbers {@link Long} (integers that fit) or {@link Double}, JSON {@code null} Java
 * {@code null}. Its own code so that a truncated or foreign body yields one clear message instead
 * of a library's trace.
 */
public final class Json {

  /** The text is not JSON; the message says where it stopped making sense. */
  public static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code message} says what is wrong and where. */
    public MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /** How deeply arrays and objects may nest by default. */
  public static final int DEFAULT_MAX_DEPTH = 512;

  private final String text;
  private final int maxDepth;
  private int pos;

  private Json(String text, int maxDepth) {
    this.text = text;
    this.maxDepth = maxDepth;
  }

  /** Parses {@code text} as one JSON value. */
  public static Object parse(String text) throws MalformedException {
    return parse(text, DEFAULT_MAX_DEPTH);
  }

  /** Parses {@code text} as one JSON value nested at most {@code maxDepth} levels. */
  public static Object parse(String text, int maxDepth) throws MalformedException {
    Json json = new Json(text, maxDepth);
    json.skipBlanks();
    Object value = json.value(0);
    json.skipBlanks();
    if (json.pos != text.length()) {
      throw json.error("unexpected text after the JSON value");
    }
    return value;
  }

  private Object value(int depth) throws MalformedException {
    if (depth > maxDepth) {
      throw error("nested more than " + maxDepth + " levels deep");
    }
    char c = peek();
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || isDigit(c)) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> object(int depth) throws MalformedException {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++;
    skipBlanks();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipBlanks();
      if (peek() != '"') {
        throw error("expected a field name");
      }
      String key = string();
      skipBlanks();
      expect(':');
      skipBlanks();
      map.put(key, value(depth + 1));
      skipBlanks();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws MalformedException {
    List<Object> list = new ArrayList<>();
    pos++;
    skipBlanks();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipBlanks();
      list.add(value(depth + 1));
      skipBlanks();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws MalformedException {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"':
        case '\\':
        case '/':
          b.append(e);
          break;
        case 'b':
          b.append('\b');
          break;
        case 'f':
          b.append('\f');
          break;
        case 'n':
          b.append('\n');
          break;
        case 'r':
          b.append('\r');
          break;
        case 't':
          b.append('\t');
          break;
        case 'u':
          b.append(unicodeEscape());
          break;
        default:
          throw error("invalid escape '\\" + e + "'");
      }
    }
  }

  private char unicodeEscape() throws MalformedException {
    if (pos + 4 > text.length()) {
      pos = text.length();
      throw error("the body ends early");
    }
    int code = 0;
    for (int k = 0; k < 4; k++) {
      int digit = Character.digit(text.charAt(pos + k), 16);
      if (digit < 0) {
        throw error("invalid \\u escape");
      }
      code = code * 16 + digit;
    }
    pos += 4;
    return (char) code;
  }

  /** An integer that fits becomes a {@link Long}, any other number a {@link Double}. */
  private Number number() throws MalformedException {
    int start = pos;
    boolean integer = true;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw error("invalid number");
    }
    if (more() && text.charAt(pos) == '.') {
      integer = false;
      pos++;
      requireDigits();
    }
    if (more() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      integer = false;
      pos++;
      if (more() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      requireDigits();
    }
    String literal = text.substring(start, pos);
    if (integer) {
      try {
        return Long.valueOf(literal);
      } catch (NumberFormatException tooLarge) {
        // falls through to Double, as Go's float64 would hold it
      }
    }
    return Double.valueOf(literal);
  }

  private void requireDigits() throws MalformedException {
    if (!more() || !isDigit(text.charAt(pos))) {
      throw error("invalid number");
    }
    digits();
  }

  private void digits() {
    while (more() && isDigit(text.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Object literal(String word, Object value) throws MalformedException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected text");
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) throws MalformedException {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private boolean more() {
    return pos < text.length();
  }

  private char peek() throws MalformedException {
    if (!more()) {
      throw error("the body ends early");
    }
    return text.charAt(pos);
  }

  private char next() throws MalformedException {
    char c = peek();
    pos++;
    return c;
  }

  /** JSON whitespace only: space, tab, line feed, carriage return. */
  private void skipBlanks() {
    while (more()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private MalformedException error(String what) {
    return new MalformedException(
        (pos >= text.length() ? "the body ends early" : what) + " at character " + pos);
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Renders {@code value} (String, Number, Boolean, null, Optional, Collection, Map) as indented
   * JSON with a final newline, for reports people read.
   */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0, true);
    return out.append('\n').toString();
  }

  /** Renders {@code value} as compact JSON, for request bodies. */
  public static String compact(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0, false);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, int depth, boolean pretty) {
    if (value instanceof Optional<?>) {
      value = ((Optional<?>) value).orElse(null);
    }
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean || value instanceof Number) {
      out.append(value);
    } else if (value instanceof Map<?, ?>) {
      Map<?, ?> map = (Map<?, ?>) value;
      out.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        newline(out, depth + 1, pretty);
        string(out, String.valueOf(e.getKey()));
        out.append(pretty ? ": " : ":");
        write(out, e.getValue(), depth + 1, pretty);
        if (++i < map.size()) {
          out.append(',');
        }
      }
      if (!map.isEmpty()) {
        newline(out, depth, pretty);
      }
      out.append('}');
    } else if (value instanceof Collection<?>) {
      Collection<?> list = (Collection<?>) value;
      out.append('[');
      int i = 0;
      for (Object item : list) {
        newline(out, depth + 1, pretty);
        write(out, item, depth + 1, pretty);
        if (++i < list.size()) {
          out.append(',');
        }
      }
      if (!list.isEmpty()) {
        newline(out, depth, pretty);
      }
      out.append(']');
    } else {
      string(out, value.toString());
    }
  }

  private static void newline(StringBuilder out, int depth, boolean pretty) {
    if (pretty) {
      out.append('\n').append("  ".repeat(depth));
    }
  }

  /** Appends {@code s} as a quoted JSON string. */
  public static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  /** {@code s} as a quoted JSON string. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder();
    string(out, s);
    return out.toString();
  }
}
