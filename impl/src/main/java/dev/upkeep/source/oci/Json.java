package dev.upkeep.source.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for the registry answers we read (tag lists, token grants, error
 * bodies). Objects become {@link Map}, arrays {@link List}, numbers {@link Double}. Its own parser
 * so that a truncated or foreign body yields one clear message instead of a library's trace.
 */
final class Json {
  /** The body is not JSON; the message says where it stopped making sense. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  static Object parse(String text) throws MalformedException {
    Json json = new Json(text);
    json.skipBlanks();
    Object value = json.value();
    json.skipBlanks();
    if (json.pos != text.length()) {
      throw json.error("unexpected text after the JSON value");
    }
    return value;
  }

  private Object value() throws MalformedException {
    if (pos >= text.length()) {
      throw error("the body ends early");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> object() throws MalformedException {
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
      map.put(key, value());
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

  private List<Object> array() throws MalformedException {
    List<Object> list = new ArrayList<>();
    pos++;
    skipBlanks();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipBlanks();
      list.add(value());
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
      if (c == '\\') {
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
            if (pos + 4 > text.length()) {
              throw error("the body ends early");
            }
            try {
              b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw error("invalid \\u escape");
            }
            pos += 4;
            break;
          default:
            throw error("invalid escape '\\" + e + "'");
        }
      } else if (c < 0x20) {
        throw error("control character in a string");
      } else {
        b.append(c);
      }
    }
  }

  private Object number() throws MalformedException {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    try {
      return Double.valueOf(text.substring(start, pos));
    } catch (NumberFormatException e) {
      throw error("invalid number");
    }
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

  private char peek() throws MalformedException {
    if (pos >= text.length()) {
      throw error("the body ends early");
    }
    return text.charAt(pos);
  }

  private char next() throws MalformedException {
    char c = peek();
    pos++;
    return c;
  }

  private void skipBlanks() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private MalformedException error(String what) {
    return new MalformedException(
        (pos >= text.length() ? "the body ends early" : what) + " at character " + pos);
  }
}
