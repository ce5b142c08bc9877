package dev.upkeep.examples.bench.fleet;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.cli.Logging;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole pipeline at fleet scale: {@code policies} policies over {@code repositories} registry
 * repositories answering after {@code latency}, and a Git repository of {@code files} manifests of
 * which 1% carry markers (five each). Prints the per-stage wall time beside two baselines measured
 * in the same run: the ideal registry time for the concurrency bound ({@code ceil(repositories /
 * bound) × 1 round trip × latency}) and the {@code git} CLI cloning the same repository.
 *
 * <pre>
 * java -cp examples/target/upkeep.jar:examples/target/lib/* \
 *     dev.upkeep.examples.bench.fleet.FleetBenchmark [policies=500] [repositories=100] [files=10000] [latencyMs=50] [bound=16]
 * </pre>
 */
public final class FleetBenchmark {
  private FleetBenchmark() {}

  /** Runs the benchmark and prints the figures. */
  public static void main(String[] args) throws Exception {
    Logging.configure(false);
    int policies = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int repositories = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    Duration latency = Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 50);
    int bound = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    int perRepository = Math.max(1, policies / repositories);

    try (FakeOciRegistry registry = FakeOciRegistry.start();
        GitRemoteFixture remote = GitRemoteFixture.create()) {
      for (int r = 0; r < repositories; r++) {
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0", "1.2.1", "1.2.2", "1.3.0", "2.0.0")) {
          registry.pushChart("charts/app" + r, v);
        }
      }
      // 1% of the files carry markers, five each, so every policy is referenced.
      Map<String, String> tree = new LinkedHashMap<>();
      int marked = Math.max(1, files / 100);
      int policyIndex = 0;
      for (int f = 0; f < files; f++) {
        StringBuilder yaml =
            new StringBuilder(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm" + f + "\ndata:\n");
        if (f % (files / marked) == 0) {
          for (int k = 0; k < 5; k++, policyIndex++) {
            int p = policyIndex % policies;
            yaml.append("  v")
                .append(k)
                .append(": 1.0.0 # {\"$imagepolicy\": \"fleet:p")
                .append(p)
                .append(":tag\"}\n");
          }
        } else {
          yaml.append("  key: value").append(f).append('\n');
        }
        tree.put("apps/team" + (f % 50) + "/cm" + f + ".yaml", yaml.toString());
      }
      long seedStart = System.nanoTime();
      remote.seed(tree);
      System.out.printf(
          Locale.ROOT,
          "seeded %,d files in %d ms%n",
          files,
          (System.nanoTime() - seedStart) / 1_000_000);

      Path work = Files.createTempDirectory("upkeep-fleet-bench");
      long cloneStart = System.nanoTime();
      remote.git("clone", "-q", remote.url(), work.resolve("cli-clone").toString());
      long cliCloneMs = (System.nanoTime() - cloneStart) / 1_000_000;

      UpdatePipeline.Builder b =
          UpdatePipeline.builder()
              .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
              .patcher(SetterPatcher.create())
              .concurrency(bound)
              .publisher(
                  JGitPublisher.builder(remote.url())
                      .workDirectory(work.resolve("upkeep-clone"))
                      .baseBranch("main")
                      .pushBranch("develop")
                      .author("Upkeep", "upkeep@example.com")
                      .build());
      String[] constraints = {"1.x", "1.2.x", ">=1.1.0 <2.0.0", "~1.2.0", "^1.0.0"};
      for (int p = 0; p < policies; p++) {
        ArtifactRef ref = registry.chartRef("charts/app" + (p / perRepository % repositories));
        b.policy("fleet:p" + p, ref, SemverPolicy.of(constraints[p % constraints.length]));
      }
      UpdatePipeline pipeline = b.build();
      registry.latency(latency);

      long start = System.nanoTime();
      UpdateReport report = pipeline.run();
      long totalMs = (System.nanoTime() - start) / 1_000_000;

      long waves = (repositories + bound - 1) / bound;
      long idealRegistryMs = waves * latency.toMillis();
      UpdateReport.Timings t = report.timings();
      System.out.printf(
          Locale.ROOT,
          "%d policies, %d repositories, %,d files (%d marked), %d ms latency, bound %d%n%n",
          policies,
          repositories,
          files,
          marked,
          latency.toMillis(),
          bound);
      System.out.printf(Locale.ROOT, "%-34s %8s   %s%n", "stage", "ms", "baseline in the same run");
      System.out.printf(
          Locale.ROOT,
          "%-34s %8d   ideal ceil(%d/%d) x 1 x %d ms = %d ms (%.2fx)%n",
          "resolve (tags, select)",
          t.resolve().toMillis(),
          repositories,
          bound,
          latency.toMillis(),
          idealRegistryMs,
          t.resolve().toMillis() / (double) idealRegistryMs);
      System.out.printf(
          Locale.ROOT, "%-34s %8d%n", "patch (walk, read, patch, write)", t.patch().toMillis());
      System.out.printf(
          Locale.ROOT,
          "%-34s %8d   git CLI clone alone: %d ms%n",
          "git (clone, commit, push)",
          t.git().toMillis(),
          cliCloneMs);
      System.out.printf(Locale.ROOT, "%-34s %8d%n", "total", totalMs);
      System.out.printf(
          Locale.ROOT,
          "%nchanged %d files, %d values; commit %s%n",
          report.files().size(),
          report.changes().size(),
          report.commit().orElse("none"));

      // Steady state: the clone is cached and the JIT is warm, as for a scheduled job.
      UpdateReport warm = pipeline.plan();
      UpdateReport.Timings w = warm.timings();
      System.out.printf(
          Locale.ROOT,
          "%nwarm plan (cached clone): resolve %d ms (%.2fx the ideal), patch %d ms, git %d ms,"
              + " total %d ms%n",
          w.resolve().toMillis(),
          w.resolve().toMillis() / (double) idealRegistryMs,
          w.patch().toMillis(),
          w.git().toMillis(),
          warm.elapsed().toMillis());
    }
  }
}
