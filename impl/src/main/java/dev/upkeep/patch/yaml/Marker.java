package dev.upkeep.patch.yaml;

import dev.upkeep.ArtifactRef;
import dev.upkeep.json.Json;
import dev.upkeep.patch.Change.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * What one comment says, when it is a marker: a Flux setter ({@code {"$imagepolicy": "ns:name"}}
 * and its {@code :tag}, {@code :name}, {@code :digest} forms) or an inline policy ({@code
 * {"$upkeep": {...}}}). A marker whose policy cannot be used carries a {@link #problem}.
 */
final class Marker {

  static final String FLUX_KEY = "$imagepolicy";
  static final String INLINE_KEY = "$upkeep";

  /** Marker comments are small objects; anything nested deeper is not a marker. */
  private static final int MAX_JSON_DEPTH = 32;

  /** The policy name to look the selection up by. */
  final String policy;

  /** Which part of the value the marker sets. */
  final Field field;

  /** Why the marker cannot be applied, or null. */
  final String problem;

  /** The inline policy's artifact, or null for a Flux marker. */
  final ArtifactRef artifact;

  /** The inline policy's constraint, or null for a Flux marker. */
  final String constraint;

  private Marker(
      String policy, Field field, String problem, ArtifactRef artifact, String constraint) {
    this.policy = policy;
    this.field = field;
    this.problem = problem;
    this.artifact = artifact;
    this.constraint = constraint;
  }

  boolean inline() {
    return artifact != null;
  }

  /** A quick test whether a comment's text could be a marker at all. */
  static boolean mayBeMarker(String commentValue) {
    return commentValue.indexOf('{') >= 0
        && (commentValue.contains(FLUX_KEY)
            || commentValue.contains(INLINE_KEY)
            || commentValue.contains("\\u"));
  }

  /**
   * Reads a comment as Flux does: leading {@code #} characters removed, the rest must be exactly
   * one JSON object. Returns null when the comment is not a marker.
   *
   * @param commentValue the comment's text after its first {@code #}
   */
  static Marker parse(String commentValue) {
    int start = 0;
    while (start < commentValue.length() && commentValue.charAt(start) == '#') {
      start++;
    }
    Object json;
    try {
      json = Json.parse(commentValue.substring(start), MAX_JSON_DEPTH);
    } catch (Json.MalformedException e) {
      return null;
    }
    if (!(json instanceof Map)) {
      return null;
    }
    Map<?, ?> object = (Map<?, ?>) json;
    if (object.containsKey(INLINE_KEY)) {
      return inline(object.get(INLINE_KEY), object.containsKey(FLUX_KEY));
    }
    // Flux decodes the comment into map[string]string: any other value type means no marker.
    for (Object v : object.values()) {
      if (v != null && !(v instanceof String)) {
        return null;
      }
    }
    Object name = object.get(FLUX_KEY);
    if (!(name instanceof String) || ((String) name).isEmpty()) {
      return null;
    }
    return flux((String) name);
  }

  private static Marker flux(String name) {
    if (name.contains("${")) {
      return problem(
          name,
          Field.IMAGE,
          "policy \""
              + name
              + "\" holds a ${...} placeholder, which is not substituted; the value is left alone");
    }
    String[] parts = name.split(":", -1);
    boolean namesOk = parts.length >= 2 && !parts[0].isBlank() && !parts[1].isBlank();
    if (namesOk && parts.length == 2) {
      return new Marker(name, Field.IMAGE, null, null, null);
    }
    if (namesOk && parts.length == 3) {
      String policy = parts[0] + ":" + parts[1];
      switch (parts[2]) {
        case "tag":
          return new Marker(policy, Field.TAG, null, null, null);
        case "name":
          return new Marker(policy, Field.NAME, null, null, null);
        case "digest":
          return new Marker(policy, Field.DIGEST, null, null, null);
        default:
          break;
      }
    }
    return problem(
        name,
        Field.IMAGE,
        "malformed policy \""
            + name
            + "\": expected NAMESPACE:NAME, optionally followed by :tag, :name or :digest");
  }

  private static Marker inline(Object spec, boolean alsoFlux) {
    if (alsoFlux) {
      return problem(
          "", Field.TAG, "a marker holds both \"$imagepolicy\" and \"$upkeep\"; use one of them");
    }
    String expected =
        "expected {\"$upkeep\": {\"chart\" or \"image\": \"REFERENCE\", \"semver\":"
            + " \"CONSTRAINT\"}}";
    if (!(spec instanceof Map)) {
      return problem("", Field.TAG, "inline policy is not an object: " + expected);
    }
    String chart = null;
    String image = null;
    String semver = null;
    String set = null;
    for (Map.Entry<?, ?> e : ((Map<?, ?>) spec).entrySet()) {
      if (!(e.getValue() instanceof String)) {
        return problem(
            "", Field.TAG, "inline policy field \"" + e.getKey() + "\" must be a string");
      }
      String value = ((String) e.getValue()).strip();
      switch ((String) e.getKey()) {
        case "chart":
          chart = value;
          break;
        case "image":
          image = value;
          break;
        case "semver":
          semver = value;
          break;
        case "set":
          set = value;
          break;
        default:
          return problem(
              "",
              Field.TAG,
              "inline policy has an unknown field \""
                  + e.getKey()
                  + "\": expected chart, image, semver or set");
      }
    }
    if ((chart == null) == (image == null)) {
      return problem(
          "", Field.TAG, "inline policy needs exactly one of chart and image: " + expected);
    }
    if (semver == null || semver.isEmpty()) {
      return problem("", Field.TAG, "inline policy needs a non-empty \"semver\" constraint");
    }
    ArtifactRef artifact;
    try {
      artifact = chart != null ? chartRef(chart) : ArtifactRef.parse(image);
    } catch (IllegalArgumentException e) {
      return problem("", Field.TAG, e.getMessage());
    }
    Field field = chart != null ? Field.TAG : Field.IMAGE;
    if (set != null) {
      switch (set) {
        case "image":
          field = Field.IMAGE;
          break;
        case "name":
          field = Field.NAME;
          break;
        case "tag":
          field = Field.TAG;
          break;
        case "digest":
          field = Field.DIGEST;
          break;
        default:
          return problem(
              "",
              Field.TAG,
              "inline policy has \"set\": \"" + set + "\": expected image, name, tag or digest");
      }
    }
    String constraint = semver.replaceAll("\\s+", " ");
    return new Marker(InlinePolicy.nameOf(artifact, constraint), field, null, artifact, constraint);
  }

  private static ArtifactRef chartRef(String chart) {
    String lower = chart.toLowerCase(Locale.ROOT);
    if (lower.startsWith("oci://")) {
      return ArtifactRef.parse(chart);
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int hash = chart.lastIndexOf('#');
      if (hash < 0) {
        throw new IllegalArgumentException(
            "invalid chart \""
                + chart
                + "\": name the chart of an HTTP Helm repository as URL#CHART");
      }
      try {
        return ArtifactRef.helmChart(new URI(chart.substring(0, hash)), chart.substring(hash + 1));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid chart \"" + chart + "\": not a URL", e);
      }
    }
    throw new IllegalArgumentException(
        "invalid chart \"" + chart + "\": expected oci://REGISTRY/PATH or https://REPO#CHART");
  }

  private static Marker problem(String policy, Field field, String problem) {
    return new Marker(policy, field, problem, null, null);
  }
}
