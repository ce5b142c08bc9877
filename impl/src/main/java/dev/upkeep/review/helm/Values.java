package dev.upkeep.review.helm;

import dev.upkeep.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A values tree flattened to dotted keys: every leaf (a scalar, a list or an empty map) with its
 * text and line, every key that exists (leaves and the maps above them), and each map's keys. Lists
 * are leaves, as Helm replaces them whole.
 */
final class Values {
  private static final int MAX_DEPTH = 100;

  /** A leaf: its path, its value as YAML flow text, and the 1-based line of its key. */
  record Leaf(List<String> path, String text, int line) {}

  static final Values EMPTY = new Values();

  private final Map<String, Leaf> leaves = new LinkedHashMap<>();
  private final Set<String> keys = new HashSet<>();
  private final Map<String, Set<String>> children = new HashMap<>();

  private Values() {}

  /** The values under {@code root} (a mapping; anything else is empty), with the node's lines. */
  static Values of(Node root) {
    return of(root, line -> line);
  }

  /**
   * The values under {@code root} (a mapping; anything else is empty); {@code lineOf} maps each
   * node's 1-based line to the line reported (values embedded in another file).
   */
  static Values of(Node root, IntUnaryOperator lineOf) {
    Values v = new Values();
    if (root instanceof MappingNode) {
      v.walk((MappingNode) root, new ArrayList<>(), lineOf, 0);
    }
    return v;
  }

  /** Values that are a single leaf at {@code path} (a {@code valuesFrom} with a targetPath). */
  static Values leaf(List<String> path, Node value, int line) {
    Values v = new Values();
    v.add(path, text(value, 0), line);
    return v;
  }

  private void walk(MappingNode map, List<String> path, IntUnaryOperator lineOf, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      String name = ((ScalarNode) t.getKeyNode()).getValue();
      List<String> child = new ArrayList<>(path);
      child.add(name);
      int line =
          lineOf.applyAsInt(t.getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(0));
      Node value = t.getValueNode();
      if (value instanceof MappingNode && !((MappingNode) value).getValue().isEmpty()) {
        register(child);
        walk((MappingNode) value, child, lineOf, depth + 1);
      } else {
        add(child, text(value, 0), line);
      }
    }
  }

  private void add(List<String> path, String text, int line) {
    register(path);
    leaves.put(key(path), new Leaf(List.copyOf(path), text, line));
  }

  private void register(List<String> path) {
    keys.add(key(path));
    children
        .computeIfAbsent(key(path.subList(0, path.size() - 1)), k -> new LinkedHashSet<>())
        .add(path.get(path.size() - 1));
  }

  /**
   * Values as {@link Summary} wrote them down: the leaves in document order, every key, and each
   * map's keys in document order.
   */
  static Values restore(
      List<Leaf> leaves, Collection<String> keys, Map<String, List<String>> children) {
    Values v = new Values();
    for (Leaf leaf : leaves) {
      v.leaves.put(key(leaf.path()), leaf);
    }
    v.keys.addAll(keys);
    children.forEach((parent, names) -> v.children.put(parent, new LinkedHashSet<>(names)));
    return v;
  }

  /** Every key, leaf or map, dotted. */
  Set<String> keys() {
    return Collections.unmodifiableSet(keys);
  }

  /** Each map's keys by the map's dotted key, in document order. */
  Map<String, Set<String>> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Every leaf by dotted key, in document order. */
  Map<String, Leaf> leaves() {
    return leaves;
  }

  /** Whether {@code path} is a key of these values, leaf or map. */
  boolean has(List<String> path) {
    return keys.contains(key(path));
  }

  /** The keys of the map at {@code path}; empty when there is none. */
  Set<String> childrenOf(List<String> path) {
    return children.getOrDefault(key(path), Set.of());
  }

  /** The deepest non-empty prefix of {@code path} that is a key here, if any. */
  Optional<List<String>> deepestKnown(List<String> path) {
    for (int n = path.size(); n > 0; n--) {
      if (has(path.subList(0, n))) {
        return Optional.of(path.subList(0, n));
      }
    }
    return Optional.empty();
  }

  /** The dotted form of {@code path}; a segment that holds a dot or is empty is quoted. */
  static String key(List<String> path) {
    StringBuilder b = new StringBuilder();
    for (String s : path) {
      if (b.length() > 0) {
        b.append('.');
      }
      b.append(s.isEmpty() || s.contains(".") || s.contains("\"") ? Json.quote(s) : s);
    }
    return b.toString();
  }

  /** A node as one line of YAML flow text. */
  static String text(Node node, int depth) {
    if (depth > MAX_DEPTH) {
      return "…";
    }
    if (node instanceof ScalarNode) {
      ScalarNode s = (ScalarNode) node;
      if (s.getScalarStyle() == ScalarStyle.PLAIN) {
        return s.getValue().isEmpty() ? "null" : s.getValue();
      }
      return Json.quote(s.getValue());
    }
    StringBuilder b = new StringBuilder();
    if (node instanceof SequenceNode) {
      b.append('[');
      for (Node item : ((SequenceNode) node).getValue()) {
        b.append(b.length() > 1 ? ", " : "").append(text(item, depth + 1));
      }
      return b.append(']').toString();
    }
    if (node instanceof MappingNode) {
      b.append('{');
      for (NodeTuple t : ((MappingNode) node).getValue()) {
        b.append(b.length() > 1 ? ", " : "")
            .append(text(t.getKeyNode(), depth + 1))
            .append(": ")
            .append(text(t.getValueNode(), depth + 1));
      }
      return b.append('}').toString();
    }
    return "null";
  }

  /** Edit distance between {@code a} and {@code b}, ignoring case. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    int[] prev = new int[y.length() + 1];
    int[] cur = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length()];
  }
}
