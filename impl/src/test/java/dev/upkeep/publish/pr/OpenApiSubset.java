package dev.upkeep.publish.pr;

import dev.upkeep.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cuts an official OpenAPI description down to the operations a client uses, with every component
 * they refer to, so that a mock server starts in a second instead of parsing the whole API. Nothing
 * is written by hand: paths, operations and schemas are copied from the official file as they are.
 */
final class OpenApiSubset {
  private OpenApiSubset() {}

  /**
   * Writes to {@code out} the description in {@code official} reduced to {@code operations} (path
   * template as the description writes it → lower-case methods).
   *
   * @throws IllegalArgumentException when the description lacks one of the operations
   */
  static Path write(Path official, Map<String, Set<String>> operations, Path out)
      throws IOException {
    Map<?, ?> spec;
    try {
      spec = (Map<?, ?>) Json.parse(Files.readString(official, StandardCharsets.UTF_8));
    } catch (Json.MalformedException e) {
      throw new IOException("the OpenAPI description " + official + " is not JSON", e);
    }
    Map<?, ?> paths = (Map<?, ?>) spec.get("paths");
    Map<String, Object> keptPaths = new LinkedHashMap<>();
    operations.forEach(
        (template, methods) -> {
          Map<?, ?> item = (Map<?, ?>) paths.get(template);
          if (item == null) {
            throw new IllegalArgumentException(
                "the official description has no path \"" + template + "\"");
          }
          Map<String, Object> keptItem = new LinkedHashMap<>();
          item.forEach(
              (k, v) -> {
                String key = k.toString();
                boolean method =
                    Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace")
                        .contains(key);
                if (!method || methods.contains(key)) {
                  keptItem.put(key, v);
                }
              });
          for (String m : methods) {
            if (!keptItem.containsKey(m.toLowerCase(Locale.ROOT))) {
              throw new IllegalArgumentException(
                  "the official description has no operation " + m + " " + template);
            }
          }
          keptPaths.put(template, keptItem);
        });
    Map<String, Object> subset = new LinkedHashMap<>();
    for (String key : List.of("openapi", "info", "servers")) {
      if (spec.containsKey(key)) {
        subset.put(key, spec.get(key));
      }
    }
    subset.put("paths", keptPaths);
    subset.put("components", referencedComponents((Map<?, ?>) spec.get("components"), keptPaths));
    Files.writeString(out, Json.compact(subset), StandardCharsets.UTF_8);
    return out;
  }

  /** The components {@code root} refers to, directly or through other components. */
  private static Map<String, Object> referencedComponents(Map<?, ?> components, Object root) {
    Map<String, Map<String, Object>> kept = new LinkedHashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    Deque<Object> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Object node = todo.pop();
      if (node instanceof Map<?, ?> map) {
        Object ref = map.get("$ref");
        if (ref instanceof String s && s.startsWith("#/components/") && seen.add(s)) {
          String[] parts = s.substring("#/components/".length()).split("/", 2);
          String name = parts[1].replace("~1", "/").replace("~0", "~");
          Object target = ((Map<?, ?>) components.get(parts[0])).get(name);
          if (target == null) {
            throw new IllegalArgumentException("the description refers to a missing " + s);
          }
          kept.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(name, target);
          todo.push(target);
        }
        map.values().stream().filter(v -> v != null).forEach(todo::push);
      } else if (node instanceof List<?> list) {
        list.stream().filter(v -> v != null).forEach(todo::push);
      }
    }
    return new LinkedHashMap<>(kept);
  }
}
