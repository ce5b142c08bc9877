package dev.upkeep.flux;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Flux object found in a repository's manifests.
 *
 * @param apiVersion as written, e.g. {@code image.toolkit.fluxcd.io/v1}
 * @param kind e.g. {@code ImagePolicy}
 * @param namespace the object's namespace (from metadata, the nearest {@code kustomization.yaml},
 *     or {@code default})
 * @param name the object's name
 * @param spec the object's {@code spec} as plain maps, lists and strings
 * @param file where it was found, relative to the repository root
 * @param line the 1-based line where its document starts
 * @param labels its {@code metadata.labels} as written (labels a kustomization adds are not here)
 */
public record FluxObject(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    Map<String, Object> spec,
    String file,
    int line,
    Map<String, String> labels) {

  /** Validates that no component is null. */
  public FluxObject {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    spec = Map.copyOf(spec);
    Objects.requireNonNull(file, "file");
    labels = Map.copyOf(labels);
  }

  /** An object without labels. */
  public FluxObject(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      Map<String, Object> spec,
      String file,
      int line) {
    this(apiVersion, kind, namespace, name, spec, file, line, Map.of());
  }

  /** {@code namespace:name}, the form Flux markers use. */
  public String key() {
    return namespace + ":" + name;
  }

  /** Where it was defined, for messages: {@code file:line}. */
  public String where() {
    return file + ":" + line;
  }

  /** The string at a dotted path under {@code spec}, e.g. {@code policy.semver.range}. */
  public Optional<String> string(String path) {
    Object v = at(path);
    return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
  }

  /** The list of strings at a dotted path under {@code spec}; empty when absent. */
  public List<String> strings(String path) {
    Object v = at(path);
    if (v instanceof List<?>) {
      return ((List<?>) v)
          .stream().map(String::valueOf).collect(java.util.stream.Collectors.toList());
    }
    return List.of();
  }

  /** The map at a dotted path under {@code spec}; empty when absent. */
  public Map<String, String> map(String path) {
    Object v = at(path);
    if (v instanceof Map<?, ?>) {
      Map<String, String> out = new java.util.TreeMap<>();
      ((Map<?, ?>) v).forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
      return out;
    }
    return Map.of();
  }

  /** Whether a dotted path under {@code spec} is present. */
  public boolean has(String path) {
    return at(path) != null;
  }

  private Object at(String path) {
    Object v = spec;
    for (String part : path.split("\\.")) {
      if (!(v instanceof Map<?, ?>)) {
        return null;
      }
      v = ((Map<?, ?>) v).get(part);
    }
    return v;
  }
}
