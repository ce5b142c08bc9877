package dev.upkeep.source;

import dev.upkeep.ArtifactRef;
import java.util.Optional;

/**
 * Reads the {@code Chart.yaml} metadata of a Helm chart version stored in a registry, so a change
 * can be checked before it merges: is the artifact a chart, and do its name and version match the
 * tag. A {@link RegistrySource} that can do this implements this interface too.
 *
 * <p>Implementations must be thread-safe and throw {@link RegistryException} when the registry
 * cannot be asked.
 */
public interface ChartInspector {

  /**
   * The chart metadata of {@code tag}, empty when the tag does not exist.
   *
   * @throws RegistryException when the registry fails, or the artifact is not a Helm chart (the
   *     message names its media type)
   */
  Optional<ChartMetadata> chart(ArtifactRef ref, String tag);

  /**
   * The chart package of {@code tag}: the gzip tarball {@code helm pull} downloads, at most {@code
   * maxBytes} long; empty when the tag does not exist. Sources that cannot download packages throw
   * {@link UnsupportedOperationException}, the default.
   *
   * @throws RegistryException when the registry fails, the artifact is not a Helm chart, or the
   *     package is larger than {@code maxBytes} (the message says so)
   */
  default Optional<byte[]> archive(ArtifactRef ref, String tag, long maxBytes) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot download chart packages");
  }

  /**
   * The chart package of {@code tag} with the digest this source vouches for, read only when its
   * {@link ChartArchive#bytes()} are asked for; empty when the tag does not exist. A caller that
   * keeps what it learned from a package under its digest asks here first and need not read the
   * package again. The default reads the package with {@link #archive} and hashes it; sources that
   * learn the digest before the package (an OCI manifest, a Helm index) override this.
   *
   * @throws RegistryException as {@link #archive}, now or when the bytes are read
   */
  default Optional<ChartArchive> archiveOf(ArtifactRef ref, String tag, long maxBytes) {
    return archive(ref, tag, maxBytes).map(ChartArchive::of);
  }

  /**
   * {@code source} as a chart inspector; for a source that is not one, an inspector whose every
   * call throws {@link UnsupportedOperationException} naming the source. For wrappers (caches) that
   * pass chart reads through to the source they wrap.
   */
  static ChartInspector of(Object source) {
    if (source instanceof ChartInspector) {
      return (ChartInspector) source;
    }
    return (ref, tag) -> {
      throw new UnsupportedOperationException(
          source.getClass().getSimpleName() + " cannot read chart packages");
    };
  }
}
