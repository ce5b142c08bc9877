package dev.upkeep.source.helm;

import dev.upkeep.internal.http.Sleeper;

/** Opens the source's test hook to suites in other packages. */
public final class HelmSources {
  private HelmSources() {}

  /** A builder that waits through {@code sleeper}. */
  public static HelmRepositorySource.Builder withSleeper(Sleeper sleeper) {
    return HelmRepositorySource.builder().sleeper(sleeper);
  }
}
