package dev.upkeep.testing.oci;

/**
 * A registry tests can push artifacts to: the in-process {@link dev.upkeep.testing.FakeOciRegistry}
 * or a real one through {@link RegistryUpload}.
 *
 * <p>Implementations are thread-safe.
 */
public interface PushTarget {

  /** The registry as it appears in references: {@code 127.0.0.1:5000}. */
  String host();

  /**
   * Stores {@code artifact} (its blobs, then its manifest) in {@code repository} under {@code tag}.
   *
   * @return the manifest digest, {@code sha256:...}
   */
  String push(String repository, String tag, OciArtifact artifact);
}
