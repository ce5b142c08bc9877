package dev.upkeep.source.oci;

import dev.upkeep.internal.http.Sleeper;

/** Opens the source's test hook to suites in other packages. */
public final class OciSources {
  private OciSources() {}

  /** A builder without Docker configuration that waits through {@code sleeper}. */
  public static OciRegistrySource.Builder withSleeper(Sleeper sleeper) {
    return OciRegistrySource.builder().ignoreDockerConfig().sleeper(sleeper);
  }
}
