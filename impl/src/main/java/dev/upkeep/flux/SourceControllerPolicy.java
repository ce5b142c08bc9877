package dev.upkeep.flux;

import dev.upkeep.policy.Decision;
import dev.upkeep.policy.VersionPolicy;
import java.util.Collection;
import java.util.Optional;

/**
 * An {@code OCIRepository}'s {@code spec.ref.semver}: the version source-controller resolves in the
 * cluster, so the plan shows it (and the HelmReleases that use it through {@code spec.chartRef})
 * although no file holds it. Selects exactly as the wrapped policy does. Immutable and thread-safe.
 */
final class SourceControllerPolicy implements VersionPolicy {

  private final VersionPolicy policy;
  private final String description;

  SourceControllerPolicy(VersionPolicy policy, String description) {
    this.policy = policy;
    this.description = description;
  }

  @Override
  public Optional<String> select(Collection<String> tags) {
    return policy.select(tags);
  }

  @Override
  public Decision decide(Collection<String> tags) {
    return policy.decide(tags);
  }

  @Override
  public boolean isDowngrade(String from, String to) {
    return policy.isDowngrade(from, to);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
