package dev.upkeep.examples.bench.registry;

import dev.upkeep.ArtifactRef;
import dev.upkeep.source.RegistrySource;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.oci.OciArtifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches the tags of many repositories from a {@link FakeOciRegistry} 50 ms away, the way {@code
 * UpdatePipeline} does: one {@code listTags} per artifact on a fixed pool of {@code concurrency}
 * threads. Prints the wall time beside the ideal for that bound, {@code ceil(repositories / bound)
 * × round trips × latency}, and beside the same ideal computed from one request's round trip
 * measured in this run.
 *
 * <pre>
 * java ... RegistryFanOut [repositories=200] [latencyMs=50] [bound ...=8 16 32]
 * </pre>
 */
public final class RegistryFanOut {
  private RegistryFanOut() {}

  /** Runs the scenarios; arguments: repositories, latency in ms, then the bounds to try. */
  public static void main(String[] args) throws Exception {
    int repositories = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Duration latency = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 50);
    List<Integer> bounds = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      bounds.add(Integer.parseInt(args[i]));
    }
    if (bounds.isEmpty()) {
      bounds.addAll(List.of(8, 16, 32));
    }
    System.out.printf(
        Locale.ROOT,
        "%d repositories, %d ms injected latency per request, %d CPUs%n%n",
        repositories,
        latency.toMillis(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-34s %5s %6s %9s %9s %9s %7s%n",
        "scenario",
        "bound",
        "trips",
        "wall ms",
        "ideal ms",
        "meas. ms",
        "ratio");
    for (Scenario scenario : Scenario.values()) {
      for (int bound : bounds) {
        run(scenario, repositories, latency, bound);
      }
    }
  }

  private enum Scenario {
    ANONYMOUS("anonymous, one page", 1),
    TOKEN("token auth (token + list)", 2),
    PAGINATED("anonymous, 250 tags at 100/page", 3);

    final String label;
    final int roundTrips;

    Scenario(String label, int roundTrips) {
      this.label = label;
      this.roundTrips = roundTrips;
    }
  }

  private static void run(Scenario scenario, int repositories, Duration latency, int bound)
      throws Exception {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      int tagsPerRepository = scenario == Scenario.PAGINATED ? 250 : 20;
      OciArtifact artifact = OciArtifact.image("app", "bench");
      List<ArtifactRef> refs = new ArrayList<>();
      for (int r = 0; r < repositories; r++) {
        String repository = "bench/app" + r;
        for (int t = 0; t < tagsPerRepository; t++) {
          registry.push(repository, "1." + (t / 100) + "." + (t % 100), artifact);
        }
        refs.add(registry.imageRef(repository));
      }
      registry.push("bench/warmup", "1.0.0", artifact);
      OciRegistrySource.Builder builder = OciRegistrySource.builder().ignoreDockerConfig();
      if (scenario == Scenario.TOKEN) {
        registry.requireTokenAuth("bench", "secret");
        builder.credentials(registry.host(), "bench", "secret");
      }
      if (scenario == Scenario.PAGINATED) {
        registry.pageSize(100);
        builder.pageSize(100);
      }
      RegistrySource source = builder.build();
      // Warm up the JIT, the connection pool and (token scenario) the challenge, without latency.
      for (int i = 0; i < 3; i++) {
        source.listTags(registry.imageRef("bench/warmup"));
      }
      registry.latency(latency);
      long one = System.nanoTime();
      source.listTags(registry.imageRef("bench/warmup"));
      // One round trip (the warm-up repository has one page, and any token is cached).
      double measuredTripMs = (System.nanoTime() - one) / 1e6;

      ExecutorService pool = Executors.newFixedThreadPool(bound);
      long start = System.nanoTime();
      try {
        List<Future<List<String>>> answers = new ArrayList<>();
        for (ArtifactRef ref : refs) {
          answers.add(pool.submit(() -> source.listTags(ref)));
        }
        for (Future<List<String>> answer : answers) {
          if (answer.get().size() != tagsPerRepository) {
            throw new IllegalStateException("wrong tag count " + answer.get().size());
          }
        }
      } finally {
        pool.shutdownNow();
      }
      double wallMs = (System.nanoTime() - start) / 1e6;
      long waves = (repositories + bound - 1) / bound;
      double idealMs = waves * (double) scenario.roundTrips * latency.toMillis();
      double measuredIdealMs = waves * scenario.roundTrips * measuredTripMs;
      System.out.printf(
          Locale.ROOT,
          "%-34s %5d %6d %9.0f %9.0f %9.0f %6.2fx%n",
          scenario.label,
          bound,
          scenario.roundTrips,
          wallMs,
          idealMs,
          measuredIdealMs,
          wallMs / idealMs);
    }
  }
}
