package dev.upkeep.review.helm;

import dev.upkeep.ArtifactRef;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartException;
import dev.upkeep.source.ChartInspector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * A Helm chart package read into memory: its {@code Chart.yaml}, default values, values schema and
 * CustomResourceDefinitions; templates are looked at only for CRDs, never rendered. Two packages
 * give the {@link ChartDiff} of a version change:
 *
 * <pre>{@code
 * ChartInspector registry = OciRegistrySource.create();
 * ArtifactRef podinfo = ArtifactRef.parse("oci://ghcr.io/stefanprodan/charts/podinfo");
 * ChartDiff diff = ChartPackage.fetch(registry, podinfo, "6.5.0").orElseThrow()
 *     .diffTo(ChartPackage.fetch(registry, podinfo, "6.6.0").orElseThrow());
 * }</pre>
 *
 * <p>Reading is bounded: at most {@value #MAX_ENTRIES} archive entries, {@value
 * #MAX_UNPACKED_BYTES} bytes unpacked, and no entry that climbs out of the archive. Immutable and
 * thread-safe.
 */
public final class ChartPackage {
  /** The largest package {@link #fetch} downloads by default: 32 MiB. */
  public static final long DEFAULT_MAX_PACKAGE_BYTES = 32L << 20;

  /** The most entries a package may have. */
  public static final int MAX_ENTRIES = 20_000;

  /** The most bytes a package may unpack to. */
  public static final long MAX_UNPACKED_BYTES = 256L << 20;

  private static final long MAX_FILE_BYTES = 32L << 20;
  private static final Pattern KEPT =
      Pattern.compile(
          "[^/]+/(Chart\\.yaml|requirements\\.yaml|values\\.yaml|values\\.schema\\.json|crds/.+|templates/.+)");
  private static final Pattern GROUP = Pattern.compile("(?m)^\\s*group:\\s*[\"']?([^\"'\\s#]+)");
  private static final Pattern NAMES_KIND =
      Pattern.compile("(?ms)^(\\s*)names:\\s*$.*?^\\s*kind:\\s*[\"']?([^\"'\\s#]+)");
  private static final Pattern CRD_KIND =
      Pattern.compile("(?m)^kind:\\s*[\"']?CustomResourceDefinition[\"']?\\s*$");

  /**
   * A CRD: its kind and group, and the digest of its content ({@link Summary#digest}), by which two
   * versions' are compared.
   */
  record Crd(String kind, String group, String digest) {}

  /** What the review reads of {@code Chart.yaml}; each field as text, empty when missing. */
  record Chart(
      String name,
      String version,
      String appVersion,
      String kubeVersion,
      Map<String, String> dependencies) {}

  private final Chart chart;
  private final Values defaults;
  private final Object defaultsObject;
  private final Optional<Object> schema;
  private final Map<String, Crd> crds;

  ChartPackage(
      Chart chart,
      Values defaults,
      Object defaultsObject,
      Optional<Object> schema,
      Map<String, Crd> crds) {
    this.chart = chart;
    this.defaults = defaults;
    this.defaultsObject = defaultsObject;
    this.schema = schema;
    this.crds = crds;
  }

  /**
   * Reads a chart package ({@code helm package} output, a gzip tarball).
   *
   * @throws ChartException when it is not a gzip tarball, is too large, climbs out of itself, or
   *     holds no {@code Chart.yaml}
   */
  public static ChartPackage read(byte[] archive) {
    Objects.requireNonNull(archive, "archive");
    Map<String, byte[]> files =
        new TarGz(MAX_ENTRIES, MAX_UNPACKED_BYTES, MAX_FILE_BYTES)
            .read(archive, name -> KEPT.matcher(name).matches());
    String top =
        files.keySet().stream()
            .filter(n -> n.endsWith("/Chart.yaml") && n.indexOf('/') == n.length() - 11)
            .findFirst()
            .map(n -> n.substring(0, n.length() - "Chart.yaml".length()))
            .orElseThrow(() -> new ChartException("not a Helm chart: no Chart.yaml at its top"));
    Object chart = load(text(files.get(top + "Chart.yaml")), "Chart.yaml");
    if (!(chart instanceof Map)) {
      throw new ChartException("not a Helm chart: Chart.yaml is not a mapping");
    }
    String valuesText =
        files.containsKey(top + "values.yaml") ? text(files.get(top + "values.yaml")) : "";
    // Parsed once: the node tree gives the keys and lines, and constructs the plain values.
    Optional<Node> valuesNode = compose(valuesText);
    Values defaults = Values.of(valuesNode.orElse(null));
    Object defaultsObject = construct(valuesNode);
    Optional<Object> schema = Optional.empty();
    byte[] schemaBytes = files.get(top + "values.schema.json");
    if (schemaBytes != null) {
      schema = Optional.of(ValuesSchema.parse(text(schemaBytes)));
    }
    Map<String, Crd> crds = new TreeMap<>();
    files.forEach(
        (name, bytes) -> {
          if (name.startsWith(top + "crds/")) {
            crdsFromFile(text(bytes), crds);
          } else if (name.startsWith(top + "templates/")) {
            crdsFromTemplate(text(bytes), crds);
          }
        });
    Map<?, ?> chartMap = (Map<?, ?>) chart;
    // Helm reads requirements.yaml (Helm 2's, apiVersion v1) over Chart.yaml: its dependencies win
    byte[] requirements = files.get(top + "requirements.yaml");
    if (requirements != null
        && load(text(requirements), "requirements.yaml") instanceof Map<?, ?> r
        && r.containsKey("dependencies")) {
      Map<Object, Object> merged = new LinkedHashMap<>(chartMap);
      merged.put("dependencies", r.get("dependencies"));
      chartMap = merged;
    }
    return new ChartPackage(
        new Chart(
            String.valueOf(chartMap.get("name")),
            String.valueOf(chartMap.get("version")),
            scalar(chartMap.get("appVersion")),
            scalar(chartMap.get("kubeVersion")),
            dependencies(chartMap)),
        defaults,
        defaultsObject,
        schema,
        crds);
  }

  /**
   * Downloads and reads version {@code version} of {@code chart}, at most {@link
   * #DEFAULT_MAX_PACKAGE_BYTES} long; empty when the version does not exist.
   *
   * @throws dev.upkeep.source.RegistryException when the registry fails or the package is too large
   * @throws ChartException when the package cannot be read
   */
  public static Optional<ChartPackage> fetch(
      ChartInspector source, ArtifactRef chart, String version) {
    return fetch(source, chart, version, DEFAULT_MAX_PACKAGE_BYTES);
  }

  /** As {@link #fetch(ChartInspector, ArtifactRef, String)}, at most {@code maxBytes} long. */
  public static Optional<ChartPackage> fetch(
      ChartInspector source, ArtifactRef chart, String version, long maxBytes) {
    return source.archive(chart, chart.registryTag(version), maxBytes).map(ChartPackage::read);
  }

  /** The chart's name from {@code Chart.yaml}. */
  public String name() {
    return chart.name();
  }

  /** The chart's version from {@code Chart.yaml}. */
  public String version() {
    return chart.version();
  }

  /** What changed from this version to {@code newer}. */
  public ChartDiff diffTo(ChartPackage newer) {
    List<ChartDiff.ValueChange> values = new ArrayList<>();
    Map<String, Values.Leaf> after = newer.defaults.leaves();
    defaults
        .leaves()
        .forEach(
            (key, leaf) -> {
              Values.Leaf now = after.get(key);
              if (now == null) {
                values.add(
                    new ChartDiff.ValueChange(key, Optional.of(leaf.text()), Optional.empty()));
              } else if (!now.text().equals(leaf.text())) {
                values.add(
                    new ChartDiff.ValueChange(
                        key, Optional.of(leaf.text()), Optional.of(now.text())));
              }
            });
    after.forEach(
        (key, leaf) -> {
          if (!defaults.leaves().containsKey(key)) {
            values.add(new ChartDiff.ValueChange(key, Optional.empty(), Optional.of(leaf.text())));
          }
        });
    List<ChartDiff.CrdChange> crdChanges = new ArrayList<>();
    crds.forEach(
        (key, crd) -> {
          Crd now = newer.crds.get(key);
          if (now == null) {
            crdChanges.add(new ChartDiff.CrdChange(crd.kind, crd.group, ChartDiff.Kind.REMOVED));
          } else if (!now.digest.equals(crd.digest)) {
            crdChanges.add(new ChartDiff.CrdChange(crd.kind, crd.group, ChartDiff.Kind.CHANGED));
          }
        });
    newer.crds.forEach(
        (key, crd) -> {
          if (!crds.containsKey(key)) {
            crdChanges.add(new ChartDiff.CrdChange(crd.kind, crd.group, ChartDiff.Kind.ADDED));
          }
        });
    List<ChartDiff.FieldChange> fields = new ArrayList<>();
    changed(fields, "appVersion", chart.appVersion(), newer.chart.appVersion());
    changed(fields, "kubeVersion", chart.kubeVersion(), newer.chart.kubeVersion());
    Map<String, String> depsBefore = chart.dependencies();
    Map<String, String> depsAfter = newer.chart.dependencies();
    Map<String, String> names = new TreeMap<>();
    depsBefore.keySet().forEach(n -> names.put(n, n));
    depsAfter.keySet().forEach(n -> names.put(n, n));
    for (String n : names.keySet()) {
      changed(
          fields,
          "dependencies." + n,
          depsBefore.getOrDefault(n, ""),
          depsAfter.getOrDefault(n, ""));
    }
    ChartDiff.Schema schemaChange =
        schema.isEmpty()
            ? newer.schema.isEmpty() ? ChartDiff.Schema.NONE : ChartDiff.Schema.ADDED
            : newer.schema.isEmpty()
                ? ChartDiff.Schema.REMOVED
                : schema.equals(newer.schema)
                    ? ChartDiff.Schema.UNCHANGED
                    : ChartDiff.Schema.CHANGED;
    return new ChartDiff(values, crdChanges, fields, schemaChange);
  }

  Values defaults() {
    return defaults;
  }

  Object defaultsObject() {
    return defaultsObject;
  }

  Optional<Object> schema() {
    return schema;
  }

  /** Adds {@code field}'s change to {@code fields} when {@code was} and {@code is} differ. */
  private static void changed(
      List<ChartDiff.FieldChange> fields, String field, String was, String is) {
    if (!was.equals(is)) {
      fields.add(new ChartDiff.FieldChange(field, was, is));
    }
  }

  Chart chart() {
    return chart;
  }

  Map<String, Crd> crds() {
    return crds;
  }

  /** Each dependency by name (its alias when it has one): {@code VERSION REPOSITORY}. */
  private static Map<String, String> dependencies(Map<?, ?> chartYaml) {
    Map<String, String> out = new LinkedHashMap<>();
    Object deps = chartYaml.get("dependencies");
    if (deps instanceof List<?>) {
      for (Object d : (List<?>) deps) {
        if (d instanceof Map<?, ?>) {
          Map<?, ?> m = (Map<?, ?>) d;
          String name = scalar(m.get("alias") != null ? m.get("alias") : m.get("name"));
          String repo = scalar(m.get("repository"));
          out.put(name, (scalar(m.get("version")) + " " + repo).strip());
        }
      }
    }
    return out;
  }

  private static String scalar(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  private static void crdsFromFile(String text, Map<String, Crd> crds) {
    List<Object> docs = new ArrayList<>();
    try {
      new Load(settings()).loadAllFromString(text).forEach(docs::add);
    } catch (RuntimeException e) {
      // A CRD file that is not YAML is looked at as text, as a template is.
      crdsFromTemplate(text, crds);
      return;
    }
    for (Object doc : docs) {
      if (doc instanceof Map<?, ?>
          && "CustomResourceDefinition".equals(((Map<?, ?>) doc).get("kind"))
          && ((Map<?, ?>) doc).get("spec") instanceof Map<?, ?>) {
        Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) doc).get("spec");
        Object names = spec.get("names");
        String kind = names instanceof Map<?, ?> ? scalar(((Map<?, ?>) names).get("kind")) : "";
        String group = scalar(spec.get("group"));
        crds.put(group + "/" + kind, new Crd(kind, group, Summary.digest(doc)));
      }
    }
  }

  /** CRDs in a template, found in its text: templates are not YAML until rendered. */
  private static void crdsFromTemplate(String text, Map<String, Crd> crds) {
    if (!text.contains("CustomResourceDefinition")) {
      return;
    }
    for (String doc : text.split("(?m)^---.*$")) {
      if (!CRD_KIND.matcher(doc).find()) {
        continue;
      }
      Matcher g = GROUP.matcher(doc);
      Matcher k = NAMES_KIND.matcher(doc);
      String group = g.find() ? g.group(1) : "";
      String kind = k.find() ? k.group(2) : "";
      crds.put(group + "/" + kind, new Crd(kind, group, Summary.digest(doc.strip())));
    }
  }

  /** Immutable, and not cheap to build (the schema compiles its patterns): built once. */
  private static final LoadSettings SETTINGS =
      LoadSettings.builder()
          .setMaxAliasesForCollections(50)
          .setCodePointLimit((int) MAX_FILE_BYTES)
          .setAllowDuplicateKeys(true)
          .build();

  static LoadSettings settings() {
    return SETTINGS;
  }

  static Optional<Node> compose(String text) {
    try {
      return new Compose(settings()).composeString(text);
    } catch (RuntimeException e) {
      throw new ChartException("values.yaml is not valid YAML: " + firstLine(e.getMessage()), e);
    }
  }

  static Object construct(Optional<Node> node) {
    return node.isEmpty()
        ? null
        : new StandardConstructor(settings()).constructSingleDocument(node);
  }

  private static Object load(String text, String file) {
    try {
      return new Load(settings()).loadFromString(text);
    } catch (RuntimeException e) {
      throw new ChartException(file + " is not valid YAML: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String text(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  @Override
  public String toString() {
    return name() + "-" + version();
  }
}
