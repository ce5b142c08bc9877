package dev.upkeep.source;

import java.util.Map;
import java.util.Objects;

/**
 * What a chart's {@code Chart.yaml} says about it, as stored in the chart's OCI config blob.
 *
 * @param name the chart name
 * @param version the chart version
 * @param annotations its annotations, such as {@code artifacthub.io/changes}
 * @param digest the manifest digest of the chart artifact
 */
public record ChartMetadata(
    String name, String version, Map<String, String> annotations, String digest) {

  /** The annotation Artifact Hub reads release notes from. */
  public static final String CHANGES_ANNOTATION = "artifacthub.io/changes";

  /** Validates and copies. */
  public ChartMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(digest, "digest");
  }
}
