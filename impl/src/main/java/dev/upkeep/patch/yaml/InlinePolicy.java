package dev.upkeep.patch.yaml;

import dev.upkeep.ArtifactRef;
import dev.upkeep.patch.Change;
import java.util.Objects;

/**
 * A version policy written in a manifest itself, as an inline marker on the value it keeps current:
 *
 * <pre>{@code
 * version: 1.2.3 # {"$upkeep": {"chart": "oci://ghcr.io/org/charts/app", "semver": "1.2.x"}}
 * }</pre>
 *
 * <p>The pipeline registers one policy per distinct {@link #name()} and passes its selection to
 * {@link SetterPatcher} under that name. Instances are immutable.
 *
 * @param name the policy's canonical name, see {@link #nameOf(ArtifactRef, String)}
 * @param artifact the chart or image whose versions are listed
 * @param constraint the semver constraint, blanks collapsed to one space
 * @param field which part of the marked value is written
 * @param file the manifest, relative to the repository root
 * @param line the 1-based line of the marker
 */
public record InlinePolicy(
    String name,
    ArtifactRef artifact,
    String constraint,
    Change.Field field,
    String file,
    int line) {

  /** Validates that no component is null. */
  public InlinePolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(constraint, "constraint");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(file, "file");
  }

  /**
   * The canonical policy name of an inline marker: the artifact's canonical form ({@link
   * ArtifactRef#toString()}), {@code ?semver=}, and the constraint with surrounding blanks removed
   * and inner runs of blanks collapsed to one space, e.g. {@code
   * oci://ghcr.io/org/charts/app?semver=1.2.x} or {@code docker.io/library/nginx?semver=>=1.25 <2}.
   * Two markers with the same artifact and constraint share one policy.
   */
  public static String nameOf(ArtifactRef artifact, String constraint) {
    return artifact + "?semver=" + constraint.strip().replaceAll("\\s+", " ");
  }
}
