package dev.upkeep;

import java.util.Objects;
import java.util.Optional;

/**
 * The version a policy chose for an artifact.
 *
 * @param policy the policy's name, as markers refer to it ({@code flux-system:podinfo})
 * @param artifact where the version was found
 * @param tag the chosen tag as it is written into manifests (for Helm charts in OCI, with {@code +}
 *     where the registry stores {@code _})
 * @param digest the manifest digest ({@code sha256:...}) when the policy asked for it
 */
public record Selection(String policy, ArtifactRef artifact, String tag, Optional<String> digest) {

  /** Validates that no component is null or blank. */
  public Selection {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    if (tag.isBlank()) {
      throw new IllegalArgumentException("tag of selection \"" + policy + "\" must not be blank");
    }
  }

  /** A selection without a digest. */
  public static Selection of(String policy, ArtifactRef artifact, String tag) {
    return new Selection(policy, artifact, tag, Optional.empty());
  }

  /** The full image reference Flux writes for a plain marker: {@code name:tag[@digest]}. */
  public String image() {
    return artifact.imageName() + ":" + tag + digest.map(d -> "@" + d).orElse("");
  }
}
