package dev.upkeep.source;

import dev.upkeep.ArtifactRef;
import java.util.List;
import java.util.Optional;

/**
 * Lists the versions (tags) of artifacts and resolves a tag to its digest.
 *
 * <p>Implementations must be thread-safe: the pipeline calls them concurrently for different
 * artifacts. They throw {@link RegistryException} (never a library's own exception) when the
 * registry cannot be reached, refuses access or answers something invalid; the message names the
 * host and repository and never contains credentials.
 */
public interface RegistrySource {

  /**
   * All tags of {@code ref}, exactly as the registry spells them, in no particular order.
   *
   * @throws RegistryException when the tags cannot be listed
   */
  List<String> listTags(ArtifactRef ref);

  /**
   * The digest ({@code sha256:...}) of the manifest that {@code tag} points to, or empty when the
   * tag does not exist.
   *
   * @throws RegistryException when the registry cannot be asked
   */
  Optional<String> digest(ArtifactRef ref, String tag);

  /**
   * Whether this source can serve {@code ref}. A pipeline with several sources asks each in the
   * order they were added and uses the first that answers true.
   */
  default boolean supports(ArtifactRef ref) {
    return true;
  }
}
