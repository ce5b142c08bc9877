package dev.upkeep.review.helm;

import dev.harrel.jsonschema.Dialects;
import dev.harrel.jsonschema.Error;
import dev.harrel.jsonschema.JsonNode;
import dev.harrel.jsonschema.JsonNodeFactory;
import dev.harrel.jsonschema.JsonSchemaException;
import dev.harrel.jsonschema.SimpleType;
import dev.harrel.jsonschema.Validator;
import dev.harrel.jsonschema.ValidatorFactory;
import dev.upkeep.json.Json;
import dev.upkeep.review.ChartException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks values against a chart's {@code values.schema.json} with dev.harrel:json-schema (no
 * dependencies of its own), reading plain Java values: maps, lists, strings, numbers, booleans and
 * null, as our JSON reader and snakeyaml-engine make them. Draft 7 unless the schema names another
 * draft; only the drafts' own meta-schemas are resolved, nothing is fetched.
 */
final class ValuesSchema {
  /** A value that does not validate: where (its path), the schema keyword, and why. */
  record Violation(List<String> path, String keyword, String message) {}

  private static final JsonNodeFactory NODES = new Nodes();

  private ValuesSchema() {}

  /** The schema, parsed. */
  static Object parse(String json) {
    try {
      return Json.parse(json);
    } catch (Json.MalformedException e) {
      throw new ChartException("values.schema.json is not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * What in {@code values} the schema rejects; empty when they validate.
   *
   * @throws ChartException when the schema cannot be used (it is invalid, or refers to a schema
   *     that is not in it)
   */
  static List<Violation> validate(Object schema, Object values) {
    Validator.Result result;
    try {
      Validator validator =
          new ValidatorFactory()
              .withJsonNodeFactory(NODES)
              .withDefaultDialect(new Dialects.Draft7Dialect())
              .withDisabledSchemaValidation(true)
              .createValidator();
      result = validator.validate(validator.registerSchema(schema), values);
    } catch (JsonSchemaException | IllegalArgumentException e) {
      throw new ChartException("values.schema.json cannot be used: " + e.getMessage(), e);
    }
    List<Violation> out = new ArrayList<>();
    for (Error e : result.getErrors()) {
      out.add(
          new Violation(
              pointer(e.getInstanceLocation()), String.valueOf(e.getKeyword()), e.getError()));
    }
    return out;
  }

  private static List<String> pointer(String location) {
    List<String> path = new ArrayList<>();
    String p = location.startsWith("#") ? location.substring(1) : location;
    if (p.isEmpty()) {
      return path;
    }
    for (String s : p.substring(1).split("/", -1)) {
      path.add(s.replace("~1", "/").replace("~0", "~"));
    }
    return path;
  }

  /** Wraps plain Java values for the validator. */
  private static final class Nodes implements JsonNodeFactory {
    @Override
    public JsonNode wrap(Object node) {
      return node instanceof Node ? (Node) node : new Node(node, "");
    }

    @Override
    public JsonNode create(String rawJson) {
      return new Node(parse(rawJson), "");
    }
  }

  private static final class Node implements JsonNode {
    private final Object value;
    private final String pointer;

    Node(Object value, String pointer) {
      this.value = value;
      this.pointer = pointer;
    }

    @Override
    public String getJsonPointer() {
      return pointer;
    }

    @Override
    public SimpleType getNodeType() {
      if (value == null) {
        return SimpleType.NULL;
      }
      if (value instanceof Boolean) {
        return SimpleType.BOOLEAN;
      }
      if (value instanceof Number) {
        BigDecimal d = asNumber();
        return d.stripTrailingZeros().scale() <= 0 ? SimpleType.INTEGER : SimpleType.NUMBER;
      }
      if (value instanceof List) {
        return SimpleType.ARRAY;
      }
      if (value instanceof Map) {
        return SimpleType.OBJECT;
      }
      return SimpleType.STRING;
    }

    @Override
    public boolean asBoolean() {
      return Boolean.TRUE.equals(value);
    }

    @Override
    public String asString() {
      return String.valueOf(value);
    }

    @Override
    public BigInteger asInteger() {
      return asNumber().toBigInteger();
    }

    @Override
    public BigDecimal asNumber() {
      if (value instanceof BigDecimal) {
        return (BigDecimal) value;
      }
      if (value instanceof BigInteger) {
        return new BigDecimal((BigInteger) value);
      }
      if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        return Double.isFinite(d) ? BigDecimal.valueOf(d) : BigDecimal.ZERO;
      }
      return BigDecimal.valueOf(((Number) value).longValue());
    }

    @Override
    public List<JsonNode> asArray() {
      List<JsonNode> out = new ArrayList<>();
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        out.add(new Node(list.get(i), pointer + "/" + i));
      }
      return out;
    }

    @Override
    public Map<String, JsonNode> asObject() {
      Map<String, JsonNode> out = new LinkedHashMap<>();
      ((Map<?, ?>) value)
          .forEach(
              (k, v) -> {
                String key = String.valueOf(k);
                out.put(key, new Node(v, pointer + "/" + JsonNode.encodeJsonPointer(key)));
              });
      return out;
    }
  }
}
