package dev.upkeep.publish.pr;

import dev.upkeep.internal.http.Sleeper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/** The forge REST client as the openers build it, for suites in other packages. */
public final class ForgeClients {
  private ForgeClients() {}

  /**
   * {@code GET path} on GitHub's API at {@code api} with {@code token}, waiting through a sleeper.
   */
  public static Function<String, Object> github(
      URI api, String token, Duration timeout, Sleeper sleeper) {
    RestClient client =
        new RestClient(
            "GitHub",
            "org/fleet",
            api,
            Map.of("Authorization", "Bearer " + token, "Accept", "application/vnd.github+json"),
            timeout,
            sleeper);
    return client::get;
  }
}
