package dev.upkeep.examples.bench.review;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.helm.ChartPackage;
import dev.upkeep.review.helm.HelmChartReviewer;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.oci.HelmChart;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The chart diff of two large chart versions (default about 5 MiB packages, 10,000-line {@code
 * values.yaml}, 40 CRDs), served by a loopback OCI registry: downloading both packages and
 * comparing them ({@link ChartPackage#fetch} twice and {@link ChartPackage#diffTo}), beside the
 * baseline of only downloading them, in the same run; then the chart review as a plan runs it, once
 * reading both packages and once from the summaries an earlier review kept ({@link
 * HelmChartReviewer#summaries}). Prints the median of five rounds, the bytes each allocates, and
 * the heap the two read packages keep.
 *
 * <pre>
 * java ... ChartDiffBenchmark [packageMiB=5] [valuesLines=10000]
 * </pre>
 */
public final class ChartDiffBenchmark {
  private static final int ROUNDS = 5;

  private ChartDiffBenchmark() {}

  /** Arguments: package size in MiB, lines of values.yaml. */
  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int lines = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    HelmChart older = chart("1.0.0", mib, lines, 0);
    HelmChart newer = chart("1.1.0", mib, lines, 1);
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      registry.pushChart("charts/big", older);
      registry.pushChart("charts/big", newer);
      ArtifactRef ref = registry.chartRef("charts/big");
      OciRegistrySource source = OciRegistrySource.builder().ignoreDockerConfig().build();
      long max = 64L << 20;
      int packageBytes = source.archive(ref, "1.1.0", max).orElseThrow().length;
      System.out.printf(
          Locale.ROOT,
          "two chart packages of %.1f MiB, values.yaml of %d lines%n%n",
          packageBytes / 1048576.0,
          lines);
      System.out.printf(
          Locale.ROOT, "%-42s %9s %12s %14s%n", "", "median ms", "thread cpu ms", "allocated MiB");

      measure(
          "baseline: download both packages",
          () -> {
            source.archive(ref, "1.0.0", max).orElseThrow();
            return source.archive(ref, "1.1.0", max).orElseThrow();
          });
      ChartDiff[] last = new ChartDiff[1];
      measure(
          "download, read and diff both (ChartDiff)",
          () -> {
            last[0] =
                ChartPackage.fetch(source, ref, "1.0.0", max)
                    .orElseThrow()
                    .diffTo(ChartPackage.fetch(source, ref, "1.1.0", max).orElseThrow());
            return last[0];
          });
      // The chart review as a plan runs it, once reading both packages, once reading what an
      // earlier review kept of them (HelmChartReviewer.summaries): each round a fresh review.
      java.nio.file.Path work = java.nio.file.Files.createTempDirectory("chart-diff-bench");
      try {
        java.nio.file.Path repo = java.nio.file.Files.createDirectory(work.resolve("repo"));
        java.nio.file.Files.writeString(
            repo.resolve("Chart.yaml"),
            "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n"
                + "  - version: 1.0.0\n    name: big\n    repository: oci://"
                + registry.host()
                + "/charts\n");
        UpdatePipeline pipeline =
            UpdatePipeline.builder()
                .source(source)
                .policy("bench:big", ref, SemverPolicy.of("1.x"))
                .patcher(SetterPatcher.create())
                .publisher(GitPublisher.inPlace(repo))
                .build();
        HelmChartReviewer reading = HelmChartReviewer.create().maxPackageBytes(max);
        HelmChartReviewer summarised = reading.summaries(work.resolve("reviews"));
        measure(
            "review, packages read",
            () -> reading.review(pipeline, repo, "Chart.yaml", 5, "bench:big", "1.0.0", "1.1.0"));
        measure(
            "review, from the packages' summaries",
            () ->
                summarised.review(pipeline, repo, "Chart.yaml", 5, "bench:big", "1.0.0", "1.1.0"));
      } finally {
        dev.upkeep.testing.git.GitCli.deleteTree(work);
      }
      ChartDiff d = last[0];
      System.out.printf(
          Locale.ROOT,
          "%ndiff: %d default values, %d CRDs, %d Chart.yaml fields, schema %s%n",
          d.defaults().size(),
          d.crds().size(),
          d.chart().size(),
          d.schema().name().toLowerCase(Locale.ROOT));

      long base = usedHeap();
      ChartPackage a = ChartPackage.fetch(source, ref, "1.0.0", max).orElseThrow();
      ChartPackage b = ChartPackage.fetch(source, ref, "1.1.0", max).orElseThrow();
      long kept = usedHeap() - base;
      System.out.printf(
          Locale.ROOT,
          "heap kept by the two read packages: %.1f MiB (%s, %s)%n",
          kept / 1048576.0,
          a,
          b);
    }
  }

  private static void measure(String what, Supplier<Object> work) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    work.get(); // warm up
    List<Double> times = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    long allocated = 0;
    for (int i = 0; i < ROUNDS; i++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      work.get();
      times.add((System.nanoTime() - t0) / 1e6);
      cpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
    }
    Collections.sort(times);
    Collections.sort(cpu);
    // Thread CPU time leaves out the registry's threads and the wait for a busy machine's cores.
    System.out.printf(
        Locale.ROOT,
        "%-42s %9.0f %12.0f %14.1f%n",
        what,
        times.get(ROUNDS / 2),
        cpu.get(ROUNDS / 2),
        allocated / 1048576.0);
  }

  /**
   * A chart whose values have {@code lines} lines in sections of ten, a twentieth of them changed
   * or renamed in {@code variant} 1, 40 CRDs, and incompressible templates that fill the package to
   * about {@code mib} MiB.
   */
  static HelmChart chart(String version, int mib, int lines, int variant) {
    StringBuilder values = new StringBuilder();
    for (int s = 0, written = 0; written < lines; s++, written += 10) {
      values.append("section").append(s).append(":\n");
      for (int k = 0; k < 9; k++) {
        boolean changed = variant == 1 && s % 20 == 0 && k < 2;
        String key = changed && k == 1 ? "renamedKey" + k : "key" + k;
        values
            .append("  ")
            .append(key)
            .append(": ")
            .append(changed ? "changed-" : "value-")
            .append(s * 10 + k)
            .append('\n');
      }
    }
    HelmChart chart =
        HelmChart.of("big", version)
            .withAppVersion(version)
            .withKubeVersion(variant == 0 ? ">=1.25.0-0" : ">=1.28.0-0")
            .withValues(values.toString());
    for (int c = 0; c < 40 + variant; c++) {
      chart = chart.withCrd("bench" + c + ".example.com", "Kind" + c);
    }
    Random random = new Random(42 + variant);
    long target = (long) mib << 20;
    int files = 8;
    for (int f = 0; f < files; f++) {
      byte[] noise = new byte[(int) (target / files)];
      random.nextBytes(noise);
      chart =
          chart.withFile(
              "templates/blob" + f + ".yaml",
              "# " + Base64.getMimeEncoder().encodeToString(noise).replace("\r\n", "\n# ") + "\n");
    }
    return chart;
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
