package dev.upkeep.patch.yaml;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 reader for the small JSON objects that markers hold. Like Go's {@code
 * encoding/json} (which Flux uses) it accepts surrounding whitespace, lets a repeated key win over
 * the earlier one, and rejects anything after the value.
 */
final class Json {

  /** Thrown for text that is not a single JSON value. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** The JSON {@code null}, distinct from a missing key. */
  static final Object NULL = new Object();

  private final String text;
  private int at;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text} as one JSON value: a {@code Map<String, Object>}, {@code List<Object>},
   * {@code String}, {@code BigDecimal}, {@code Boolean} or {@link #NULL}.
   */
  static Object parse(String text) throws Invalid {
    Json json = new Json(text);
    json.skipBlanks();
    Object value = json.value(0);
    json.skipBlanks();
    if (json.at != text.length()) {
      throw new Invalid("unexpected text after the JSON value");
    }
    return value;
  }

  private Object value(int depth) throws Invalid {
    if (depth > 32) {
      throw new Invalid("nested too deeply");
    }
    if (at >= text.length()) {
      throw new Invalid("unexpected end");
    }
    char c = text.charAt(at);
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
        return literal("null", NULL);
      default:
        return number();
    }
  }

  private Map<String, Object> object(int depth) throws Invalid {
    at++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipBlanks();
    if (peek() == '}') {
      at++;
      return map;
    }
    while (true) {
      skipBlanks();
      if (peek() != '"') {
        throw new Invalid("expected a key");
      }
      String key = string();
      skipBlanks();
      expect(':');
      skipBlanks();
      map.put(key, value(depth + 1));
      skipBlanks();
      char c = peek();
      at++;
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw new Invalid("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws Invalid {
    at++;
    List<Object> list = new ArrayList<>();
    skipBlanks();
    if (peek() == ']') {
      at++;
      return list;
    }
    while (true) {
      skipBlanks();
      list.add(value(depth + 1));
      skipBlanks();
      char c = peek();
      at++;
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw new Invalid("expected ',' or ']'");
      }
    }
  }

  private String string() throws Invalid {
    at++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw new Invalid("unterminated string");
      }
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new Invalid("control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) {
        throw new Invalid("unterminated escape");
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.append(e);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          if (at + 4 > text.length()) {
            throw new Invalid("short unicode escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          } catch (NumberFormatException ex) {
            throw new Invalid("bad unicode escape");
          }
          at += 4;
          break;
        default:
          throw new Invalid("bad escape");
      }
    }
  }

  private Object literal(String word, Object value) throws Invalid {
    if (!text.startsWith(word, at)) {
      throw new Invalid("unexpected character");
    }
    at += word.length();
    return value;
  }

  private BigDecimal number() throws Invalid {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    if (peek() == '0') {
      at++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        at++;
      }
    } else {
      throw new Invalid("unexpected character");
    }
    if (peek() == '.') {
      at++;
      requireDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      at++;
      if (peek() == '+' || peek() == '-') {
        at++;
      }
      requireDigits();
    }
    return new BigDecimal(text.substring(start, at));
  }

  private void requireDigits() throws Invalid {
    if (!isDigit(peek())) {
      throw new Invalid("expected a digit");
    }
    while (isDigit(peek())) {
      at++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void expect(char c) throws Invalid {
    if (peek() != c) {
      throw new Invalid("expected '" + c + "'");
    }
    at++;
  }

  private void skipBlanks() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }
}
