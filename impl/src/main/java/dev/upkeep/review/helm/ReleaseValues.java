package dev.upkeep.review.helm;

import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.DocumentKinds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The values a repository sets for a HelmRelease: its {@code spec.values} and each {@code
 * valuesFrom} ConfigMap or Secret that is a file of the repository, in the order Flux merges them
 * (valuesFrom in order, then spec.values), each with the lines it came from. Not thread-safe: one
 * per review.
 */
final class ReleaseValues {
  /**
   * The kinds this reader looks at; the documents of others (the CustomResourceDefinitions of a
   * Flux installation, which mention ConfigMaps, Secrets and chartRef) are not parsed.
   */
  private static final Set<String> KINDS =
      Set.of("HelmRelease", "HelmChart", "OCIRepository", "ConfigMap", "Secret");

  /**
   * Values from one place: where, flattened with lines, as plain Java values, and whether they come
   * from a Secret (and so must never be quoted).
   */
  record Source(String file, Values values, Object object, boolean secret) {}

  /** A HelmRelease whose chart version is at a line, and the values it sets. */
  record Release(String name, List<Source> sources) {}

  /** Reads a named file as the walk would: inside the root, no symbolic links on the way. */
  private static final ManifestWalk READER = ManifestWalk.create();

  private final Path root;
  private final ManifestFiles files;
  private final Map<String, List<Node>> parsed = new HashMap<>();
  private Map<String, Located> configs;
  private List<Located> chartRefReleases;
  private final Map<String, List<Release>> installing = new HashMap<>();

  private record Located(String file, MappingNode object) {}

  ReleaseValues(Path root, ManifestFiles files) {
    this.root = root;
    this.files = files;
  }

  /**
   * The releases that install the chart whose version is at {@code file:line}, with the values each
   * sets: the HelmRelease whose {@code spec.chart.spec.version} is there, else those whose {@code
   * spec.chartRef} names the OCIRepository whose {@code spec.ref.tag} is there (Flux 2.8's shape).
   * Worked out once per place: a review asks for each change more than once.
   */
  List<Release> installing(String file, int line) {
    return installing.computeIfAbsent(
        file + ":" + line,
        k -> at(file, line).map(List::of).orElseGet(() -> chartRefsTo(file, line)));
  }

  /** The HelmRelease in {@code file} whose {@code spec.chart.spec.version} is on {@code line}. */
  private Optional<Release> at(String file, int line) {
    for (Node doc : documents(file)) {
      if (!(doc instanceof MappingNode) || !"HelmRelease".equals(scalar(doc, "kind"))) {
        continue;
      }
      Node version = path(doc, "spec", "chart", "spec", "version");
      if (version == null || lineOf(version) != line) {
        continue;
      }
      return Optional.of(release(doc, file));
    }
    return Optional.empty();
  }

  /**
   * The HelmReleases whose {@code spec.chartRef} names the OCIRepository in {@code file} whose
   * {@code spec.ref.tag} is on {@code line}, with the values each sets: Flux 2.8's shape, where a
   * marker moves the OCIRepository and the releases install its chart. Empty for anything else.
   */
  private List<Release> chartRefsTo(String file, int line) {
    for (Node doc : documents(file)) {
      if (!"OCIRepository".equals(scalar(doc, "kind"))) {
        continue;
      }
      Node tag = path(doc, "spec", "ref", "tag");
      if (tag == null || lineOf(tag) != line) {
        continue;
      }
      String name = scalar(path(doc, "metadata"), "name");
      String namespace = scalar(path(doc, "metadata"), "namespace");
      List<Release> out = new ArrayList<>();
      for (Located r : chartRefReleases()) {
        Node ref = path(r.object, "spec", "chartRef");
        String releaseNamespace = scalar(path(r.object, "metadata"), "namespace");
        String refNamespace =
            Optional.ofNullable(scalar(ref, "namespace")).orElse(releaseNamespace);
        if (name != null
            && name.equals(scalar(ref, "name"))
            // a namespace left out (set by a kustomization) matches any
            && (namespace == null || refNamespace == null || namespace.equals(refNamespace))) {
          out.add(release(r.object, r.file));
        }
      }
      return out;
    }
    return List.of();
  }

  /** The values {@code doc}, a HelmRelease of {@code file}, sets. */
  private Release release(Node doc, String file) {
    String name = String.valueOf(scalar(path(doc, "metadata"), "name"));
    String namespace = scalar(path(doc, "metadata"), "namespace");
    List<Source> sources = new ArrayList<>();
    Node from = path(doc, "spec", "valuesFrom");
    if (from instanceof SequenceNode) {
      for (Node ref : ((SequenceNode) from).getValue()) {
        fromConfig(ref, namespace).ifPresent(sources::add);
      }
    }
    Node values = path(doc, "spec", "values");
    if (values instanceof MappingNode) {
      sources.add(new Source(file, Values.of(values), construct(values), false));
    }
    return new Release(name, sources);
  }

  /** The repository's HelmReleases whose {@code spec.chartRef} names an OCIRepository, once. */
  private List<Located> chartRefReleases() {
    if (chartRefReleases != null) {
      return chartRefReleases;
    }
    chartRefReleases = new ArrayList<>();
    for (Path rel : files.list(root)) {
      String file = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
      Optional<String> text = ManifestText.read(root.resolve(rel), ManifestText.DEFAULT_MAX_BYTES);
      if (text.isEmpty() || !text.get().contains("chartRef")) {
        continue;
      }
      for (Node doc : documents(file)) {
        if ("HelmRelease".equals(scalar(doc, "kind"))
            && "OCIRepository".equals(scalar(path(doc, "spec", "chartRef"), "kind"))) {
          chartRefReleases.add(new Located(file, (MappingNode) doc));
        }
      }
    }
    return chartRefReleases;
  }

  /**
   * Whether {@code file:line} is known to pin a chart version: a HelmRelease's or HelmChart's
   * {@code spec.chart.spec.version} / {@code spec.version}, or a dependency in a {@code
   * Chart.yaml}. An OCIRepository tag may be a chart or any other artifact.
   */
  boolean pinsChart(String file, int line) {
    if (file.equals("Chart.yaml")
        || file.endsWith("/Chart.yaml")
        || !installing(file, line).isEmpty()) {
      return true;
    }
    for (Node doc : documents(file)) {
      String kind = scalar(doc, "kind");
      Node version =
          "HelmRelease".equals(kind)
              ? path(doc, "spec", "chart", "spec", "version")
              : "HelmChart".equals(kind) ? path(doc, "spec", "version") : null;
      if (version != null && lineOf(version) == line) {
        return true;
      }
    }
    return false;
  }

  private Optional<Source> fromConfig(Node ref, String namespace) {
    String kind = scalar(ref, "kind");
    String name = scalar(ref, "name");
    if (kind == null || name == null) {
      return Optional.empty();
    }
    Located found = configs().get(kind + "/" + (namespace == null ? "" : namespace) + "/" + name);
    if (found == null) {
      found = configs().get(kind + "//" + name);
    }
    if (found == null) {
      return Optional.empty();
    }
    String valuesKey = Optional.ofNullable(scalar(ref, "valuesKey")).orElse("values.yaml");
    boolean encoded = false;
    Node value = path(found.object, "data", valuesKey);
    if (kind.equals("Secret")) {
      encoded = value != null;
      if (value == null) {
        value = path(found.object, "stringData", valuesKey);
      }
    }
    if (!(value instanceof ScalarNode)) {
      return Optional.empty();
    }
    ScalarNode scalar = (ScalarNode) value;
    int at = lineOf(scalar);
    String targetPath = scalar(ref, "targetPath");
    String text = scalar.getValue();
    if (encoded) {
      try {
        text = new String(Base64.getMimeDecoder().decode(text), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    if (targetPath != null) {
      // The whole value goes to one key, as Helm's --set parser reads "targetPath=value".
      List<String> path = new ArrayList<>();
      boolean indexed = keys(targetPath, path);
      Values values =
          Values.leaf(path, new ScalarNode(scalar.getTag(), text, ScalarStyle.PLAIN), at);
      // an item of a list is not checked against the schema: the rest of the list is not known
      Object object =
          indexed ? null : nest(path, "true".equals(scalar(ref, "literal")) ? text : typed(text));
      return Optional.of(new Source(found.file, values, object, kind.equals("Secret")));
    }
    Optional<Node> inner;
    try {
      inner = new Compose(ChartPackage.settings()).composeString(text);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    boolean block =
        scalar.getScalarStyle() == ScalarStyle.LITERAL
            || scalar.getScalarStyle() == ScalarStyle.FOLDED;
    // A block scalar's text starts on the line after its indicator; base64 has no lines of its own.
    Values values =
        Values.of(inner.orElse(null), encoded ? l -> at : block ? l -> at + l : l -> at + l - 1);
    return Optional.of(
        new Source(
            found.file, values, inner.map(this::construct).orElse(null), kind.equals("Secret")));
  }

  /**
   * Adds the keys of {@code targetPath} to {@code keys} as Helm's --set parser reads them: a dot
   * after a backslash is part of a key; a key with an index ({@code [0]}) names a list, where the
   * keys stop (a list is replaced whole). Whether there was an index.
   */
  static boolean keys(String targetPath, List<String> keys) {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < targetPath.length(); i++) {
      char c = targetPath.charAt(i);
      if (c == '\\' && i + 1 < targetPath.length()) {
        key.append(targetPath.charAt(++i));
      } else if (c == '.') {
        keys.add(key.toString());
        key.setLength(0);
      } else if (c == '[') {
        keys.add(key.toString());
        return true;
      } else {
        key.append(c);
      }
    }
    keys.add(key.toString());
    return false;
  }

  /**
   * {@code value} as Helm's --set parser types it (strvals typedVal), after Flux's rule that a
   * value in quotes is a string: true, false, null, and integers without a leading zero.
   */
  static Object typed(String value) {
    if (value.startsWith("'") && value.endsWith("'")
        || value.startsWith("\"") && value.endsWith("\"")) {
      return value.replaceAll("^['\"]+|['\"]+$", "");
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.valueOf(value);
    }
    if (value.equalsIgnoreCase("null")) {
      return null;
    }
    if (value.equals("0")) {
      return 0L;
    }
    if (!value.isEmpty() && value.charAt(0) != '0') {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        return value;
      }
    }
    return value;
  }

  private static Object nest(List<String> path, Object value) {
    Object out = value;
    for (int i = path.size() - 1; i >= 0; i--) {
      Map<String, Object> m = new HashMap<>();
      m.put(path.get(i), out);
      out = m;
    }
    return out;
  }

  /** ConfigMaps and Secrets of the repository by {@code KIND/NAMESPACE/NAME}, indexed once. */
  private Map<String, Located> configs() {
    if (configs != null) {
      return configs;
    }
    configs = new HashMap<>();
    for (Path rel : files.list(root)) {
      String file = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
      Optional<String> text = ManifestText.read(root.resolve(rel), ManifestText.DEFAULT_MAX_BYTES);
      if (text.isEmpty() || !(text.get().contains("ConfigMap") || text.get().contains("Secret"))) {
        continue;
      }
      for (Node doc : documents(file)) {
        String kind = scalar(doc, "kind");
        String name = scalar(path(doc, "metadata"), "name");
        if (("ConfigMap".equals(kind) || "Secret".equals(kind)) && name != null) {
          String namespace = scalar(path(doc, "metadata"), "namespace");
          configs.putIfAbsent(
              kind + "/" + (namespace == null ? "" : namespace) + "/" + name,
              new Located(file, (MappingNode) doc));
        }
      }
    }
    return configs;
  }

  private List<Node> documents(String file) {
    return parsed.computeIfAbsent(
        file,
        f -> {
          List<Node> docs = new ArrayList<>();
          Optional<String> text = text(f);
          if (text.isEmpty()) {
            return docs;
          }
          try {
            String t = text.get().startsWith("\uFEFF") ? text.get().substring(1) : text.get();
            new Compose(ChartPackage.settings())
                .composeAllFromString(DocumentKinds.keep(t, KINDS))
                .forEach(docs::add);
          } catch (RuntimeException e) {
            // A file that does not parse was reported by the patcher; it sets no values here.
            docs.clear();
          }
          return docs;
        });
  }

  /**
   * The text of {@code file} under the root, or empty when it names no readable manifest there: a
   * path that leaves the root or passes through a symbolic link (the walk's rules), a file that is
   * gone or cannot be read. The patcher reports such a file; here it sets no values, as one that
   * does not parse.
   */
  private Optional<String> text(String file) {
    try {
      return READER.read(root, Path.of(file));
    } catch (java.io.UncheckedIOException | java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
  }

  private Object construct(Node node) {
    return ChartPackage.construct(Optional.of(node));
  }

  static int lineOf(Node node) {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  private static Node path(Node node, String... keys) {
    Node current = node;
    for (String key : keys) {
      if (!(current instanceof MappingNode)) {
        return null;
      }
      Node next = null;
      for (NodeTuple t : ((MappingNode) current).getValue()) {
        if (t.getKeyNode() instanceof ScalarNode
            && ((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
          next = t.getValueNode();
        }
      }
      current = next;
    }
    return current;
  }

  private static String scalar(Node node, String key) {
    Node value = path(node, key);
    return value instanceof ScalarNode ? ((ScalarNode) value).getValue() : null;
  }
}
