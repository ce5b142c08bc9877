package dev.upkeep.testing.oci;

import dev.upkeep.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A real Helm chart package: a {@code NAME/Chart.yaml} and {@code NAME/values.yaml} in a gzip
 * tarball, and the OCI artifact {@code helm push} makes of it (config {@value #CONFIG_MEDIA_TYPE},
 * one layer {@value #CONTENT_MEDIA_TYPE}, an OCI manifest without a {@code mediaType} field and the
 * {@code org.opencontainers.image.*} annotations).
 *
 * <pre>{@code
 * HelmChart chart = HelmChart.of("podinfo", "6.5.4")
 *     .withAnnotation("artifacthub.io/changes", "- kind: fixed\n  description: a bug\n");
 * registry.push("charts/podinfo", chart.tag(), chart.toArtifact());
 * }</pre>
 *
 * <p>Immutable; the {@code with...} methods return a changed copy ({@link #withCrd}, {@link
 * #withSchema}, {@link #withFile}, {@link #withKubeVersion} and {@link #withDependency} build the
 * charts a chart review compares). Equal charts give byte-identical packages and manifests.
 */
public final class HelmChart {
  /** Media type of a chart's config blob in OCI. */
  public static final String CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json";

  /** Media type of a chart's content layer in OCI. */
  public static final String CONTENT_MEDIA_TYPE =
      "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final String CREATED = "2026-01-01T00:00:00Z";

  private final String name;
  private final String version;
  private String appVersion;
  private String description;
  private Map<String, String> annotations;
  private String values;
  private String kubeVersion;
  private List<String> dependencies = List.of();
  private Map<String, String> files = Map.of();

  private HelmChart(String name, String version) {
    this.name = name;
    this.version = version;
  }

  /** A copy to change before it is returned: no instance changes once a caller has it. */
  private HelmChart copy() {
    HelmChart c = new HelmChart(name, version);
    c.appVersion = appVersion;
    c.description = description;
    c.annotations = annotations;
    c.values = values;
    c.kubeVersion = kubeVersion;
    c.dependencies = dependencies;
    c.files = files;
    return c;
  }

  /**
   * A chart named {@code name} (lowercase letters, digits and dashes) at {@code version}, with
   * {@code appVersion} equal to the version and a one-line {@code values.yaml}.
   */
  public static HelmChart of(String name, String version) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "chart name must be lowercase letters, digits and dashes, got \"" + name + "\"");
    }
    if (version.isBlank() || version.contains("_") || version.contains(" ")) {
      throw new IllegalArgumentException(
          "chart version must be a semver version such as 1.2.3, got \"" + version + "\"");
    }
    HelmChart c = new HelmChart(name, version);
    c.appVersion = version;
    c.description = "A Helm chart for " + name;
    c.annotations = Map.of();
    c.values = "replicaCount: 1\n";
    return c;
  }

  /** A copy with {@code appVersion} set. */
  public HelmChart withAppVersion(String appVersion) {
    HelmChart c = copy();
    c.appVersion = Objects.requireNonNull(appVersion);
    return c;
  }

  /** A copy with {@code kubeVersion} (a constraint such as {@code >=1.25.0-0}) set. */
  public HelmChart withKubeVersion(String kubeVersion) {
    HelmChart c = copy();
    c.kubeVersion = Objects.requireNonNull(kubeVersion);
    return c;
  }

  /** A copy with one more {@code Chart.yaml} dependency. */
  public HelmChart withDependency(String name, String version, String repository) {
    HelmChart c = copy();
    List<String> deps = new java.util.ArrayList<>(dependencies);
    deps.add(
        "  - name: "
            + Json.quote(Objects.requireNonNull(name))
            + "\n    version: "
            + Json.quote(Objects.requireNonNull(version))
            + "\n    repository: "
            + Json.quote(Objects.requireNonNull(repository))
            + "\n");
    c.dependencies = List.copyOf(deps);
    return c;
  }

  /** A copy with the one-line {@code description} set. */
  public HelmChart withDescription(String description) {
    HelmChart c = copy();
    c.description = Objects.requireNonNull(description);
    return c;
  }

  /** A copy with one more {@code Chart.yaml} annotation, such as {@code artifacthub.io/changes}. */
  public HelmChart withAnnotation(String key, String value) {
    Map<String, String> map = new LinkedHashMap<>(annotations);
    map.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    HelmChart c = copy();
    c.annotations = map;
    return c;
  }

  /** A copy with all of {@code annotations} added, in their iteration order. */
  public HelmChart withAnnotations(Map<String, String> annotations) {
    HelmChart chart = this;
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      chart = chart.withAnnotation(e.getKey(), e.getValue());
    }
    return chart;
  }

  /** A copy whose {@code values.yaml} holds {@code valuesYaml}. */
  public HelmChart withValues(String valuesYaml) {
    HelmChart c = copy();
    c.values = Objects.requireNonNull(valuesYaml);
    return c;
  }

  /**
   * A copy with one more file in the package, at {@code path} under the chart's directory, such as
   * {@code crds/widgets.yaml}, {@code templates/deployment.yaml} or {@code values.schema.json}.
   */
  public HelmChart withFile(String path, String content) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
    if (path.startsWith("/") || path.contains("..") || path.equals("Chart.yaml")) {
      throw new IllegalArgumentException("a chart file path must stay in the chart: " + path);
    }
    Map<String, String> map = new LinkedHashMap<>(files);
    map.put(path, content);
    HelmChart c = copy();
    c.files = map;
    return c;
  }

  /** A copy with a {@code values.schema.json}. */
  public HelmChart withSchema(String schemaJson) {
    return withFile("values.schema.json", schemaJson);
  }

  /**
   * A copy with a CustomResourceDefinition for {@code kind} in {@code group} (version v1, plural
   * the lowercase kind plus {@code s}) in {@code crds/}.
   */
  public HelmChart withCrd(String group, String kind) {
    String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
    return withFile(
        "crds/" + plural + "." + group + ".yaml",
        "apiVersion: apiextensions.k8s.io/v1\n"
            + "kind: CustomResourceDefinition\n"
            + "metadata:\n"
            + "  name: "
            + plural
            + "."
            + group
            + "\n"
            + "spec:\n"
            + "  group: "
            + group
            + "\n"
            + "  names:\n"
            + "    kind: "
            + kind
            + "\n"
            + "    plural: "
            + plural
            + "\n"
            + "  scope: Namespaced\n"
            + "  versions:\n"
            + "    - name: v1\n"
            + "      served: true\n"
            + "      storage: true\n"
            + "      schema:\n"
            + "        openAPIV3Schema:\n"
            + "          type: object\n"
            + "          x-kubernetes-preserve-unknown-fields: true\n");
  }

  /** The chart name. */
  public String name() {
    return name;
  }

  /** The chart version as written in {@code Chart.yaml}. */
  public String version() {
    return version;
  }

  /**
   * The OCI tag Helm pushes this version under: the version with {@code +} replaced by {@code _}.
   */
  public String tag() {
    return version.replace('+', '_');
  }

  /** The text of {@code Chart.yaml}. */
  public String chartYaml() {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: v2\n");
    y.append("name: ").append(name).append('\n');
    y.append("version: ").append(Json.quote(version)).append('\n');
    y.append("appVersion: ").append(Json.quote(appVersion)).append('\n');
    y.append("description: ").append(Json.quote(description)).append('\n');
    y.append("type: application\n");
    if (kubeVersion != null) {
      y.append("kubeVersion: ").append(Json.quote(kubeVersion)).append('\n');
    }
    if (!dependencies.isEmpty()) {
      y.append("dependencies:\n");
      dependencies.forEach(y::append);
    }
    if (!annotations.isEmpty()) {
      y.append("annotations:\n");
      annotations.forEach(
          (k, v) -> {
            y.append("  ").append(Json.quote(k)).append(':');
            if (v.contains("\n")) {
              boolean keep = v.endsWith("\n");
              String body = keep ? v.substring(0, v.length() - 1) : v;
              y.append(keep ? " |\n" : " |-\n");
              for (String line : body.split("\n", -1)) {
                if (!line.isEmpty()) {
                  y.append("    ").append(line);
                }
                y.append('\n');
              }
            } else {
              y.append(' ').append(Json.quote(v)).append('\n');
            }
          });
    }
    return y.toString();
  }

  /** The chart package ({@code helm package} output): a gzip tarball under {@code NAME/}. */
  public byte[] tarball() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(name + "/Chart.yaml", chartYaml().getBytes(StandardCharsets.UTF_8));
    entries.put(name + "/values.yaml", values.getBytes(StandardCharsets.UTF_8));
    files.forEach(
        (path, text) -> entries.put(name + "/" + path, text.getBytes(StandardCharsets.UTF_8)));
    return Tarball.gzip(entries);
  }

  /** The chart metadata as the JSON config blob Helm pushes. */
  public String configJson() {
    StringBuilder b = new StringBuilder("{");
    b.append("\"name\":").append(Json.quote(name));
    b.append(",\"version\":").append(Json.quote(version));
    b.append(",\"description\":").append(Json.quote(description));
    b.append(",\"apiVersion\":\"v2\"");
    b.append(",\"appVersion\":").append(Json.quote(appVersion));
    b.append(",\"type\":\"application\"");
    if (kubeVersion != null) {
      b.append(",\"kubeVersion\":").append(Json.quote(kubeVersion));
    }
    if (!annotations.isEmpty()) {
      b.append(",\"annotations\":").append(Json.compact(annotations));
    }
    return b.append('}').toString();
  }

  /** The chart as {@code helm push} stores it in an OCI registry. */
  public OciArtifact toArtifact() {
    Blob config = Blob.of(CONFIG_MEDIA_TYPE, configJson());
    Blob content = Blob.of(CONTENT_MEDIA_TYPE, tarball());
    Map<String, String> manifestAnnotations = new LinkedHashMap<>();
    manifestAnnotations.put("org.opencontainers.image.created", CREATED);
    manifestAnnotations.put("org.opencontainers.image.description", description);
    manifestAnnotations.put("org.opencontainers.image.title", name);
    manifestAnnotations.put("org.opencontainers.image.version", version);
    return OciArtifact.ociManifest(config, List.of(content), manifestAnnotations, false);
  }

  @Override
  public String toString() {
    return name + "-" + version;
  }
}
