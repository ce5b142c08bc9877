package dev.upkeep.examples.bench.registry;

import com.sun.net.httpserver.HttpServer;
import dev.upkeep.ArtifactRef;
import dev.upkeep.source.helm.HelmRepositorySource;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads one chart's versions from a large generated {@code index.yaml} (default about 50 MB) served
 * on loopback, with {@link HelmRepositorySource} (streamed), then the same file loaded as a whole
 * tree by snakeyaml-engine as the baseline, printing time and the heap each keeps.
 *
 * <pre>
 * java ... HelmIndexStreaming [charts=700] [versionsPerChart=100]
 * </pre>
 */
public final class HelmIndexStreaming {
  private HelmIndexStreaming() {}

  /** Arguments: number of charts, versions per chart. */
  public static void main(String[] args) throws Exception {
    int charts = args.length > 0 ? Integer.parseInt(args[0]) : 700;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path dir = Files.createTempDirectory("upkeep-helm-index-");
    Path index = dir.resolve("index.yaml");
    try {
      write(index, charts, versions);
      long bytes = Files.size(index);
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
      server.createContext(
          "/index.yaml",
          exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/x-yaml");
            exchange.getResponseHeaders().set("ETag", "\"bench\"");
            if ("\"bench\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
              exchange.sendResponseHeaders(304, -1);
            } else {
              exchange.sendResponseHeaders(200, bytes);
              try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(index, out);
              }
            }
            exchange.close();
          });
      server.start();
      try {
        ArtifactRef ref =
            ArtifactRef.helmChart(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "chart" + (charts - 1));
        System.out.printf(
            Locale.ROOT,
            "index.yaml: %.1f MB, %d charts x %d versions%n%n",
            bytes / 1e6,
            charts,
            versions);
        System.out.printf(Locale.ROOT, "%-44s %9s %12s%n", "", "ms", "heap kept MB");

        long base = usedHeap();
        HelmRepositorySource source = HelmRepositorySource.create();
        long t0 = System.nanoTime();
        List<String> tags = source.listTags(ref);
        double streamMs = (System.nanoTime() - t0) / 1e6;
        long kept = usedHeap() - base;
        if (tags.size() != versions) {
          throw new IllegalStateException("expected " + versions + " versions, got " + tags.size());
        }
        print("HelmRepositorySource (streamed, over HTTP)", streamMs, kept);

        t0 = System.nanoTime();
        source.listTags(ref);
        print("same source again (ETag, 304 Not Modified)", (System.nanoTime() - t0) / 1e6, -1);

        source = null;
        base = usedHeap();
        t0 = System.nanoTime();
        Object tree = null;
        try (InputStream in = Files.newInputStream(index)) {
          tree =
              new Load(LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE).build())
                  .loadFromInputStream(in);
        } catch (OutOfMemoryError e) {
          System.out.printf(
              Locale.ROOT,
              "%-44s %9s %12s%n",
              "baseline: snakeyaml Load of the whole file",
              "-",
              "out of heap (max " + Runtime.getRuntime().maxMemory() / 1_000_000 + " MB)");
        }
        if (tree != null) {
          double treeMs = (System.nanoTime() - t0) / 1e6;
          kept = usedHeap() - base;
          print("baseline: snakeyaml Load of the whole file", treeMs, kept);
        }
      } finally {
        server.stop(0);
      }
    } finally {
      Files.deleteIfExists(index);
      Files.deleteIfExists(dir);
    }
  }

  private static void print(String what, double ms, long keptBytes) {
    System.out.printf(
        Locale.ROOT,
        "%-44s %9.0f %12s%n",
        what,
        ms,
        keptBytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", keptBytes / 1e6));
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void write(Path file, int charts, int versions) throws Exception {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("apiVersion: v1\nentries:\n");
      for (int c = 0; c < charts; c++) {
        w.write("  chart" + c + ":\n");
        for (int v = 0; v < versions; v++) {
          String version = (v / 10) + "." + (v % 10) + ".0";
          w.write("  - apiVersion: v2\n");
          w.write("    appVersion: " + version + "\n");
          w.write("    created: \"2024-05-01T10:00:00.000000000Z\"\n");
          w.write(
              "    description: A Helm chart for Kubernetes that deploys chart"
                  + c
                  + ", with a description as long as real ones tend to be\n");
          w.write(
              "    digest: " + String.format(Locale.ROOT, "%064x", (long) c * versions + v) + "\n");
          w.write("    home: https://example.com/charts/chart" + c + "\n");
          w.write("    keywords:\n    - web\n    - example\n");
          w.write("    maintainers:\n    - email: team@example.com\n      name: Example Team\n");
          w.write(
              "    annotations:\n      artifacthub.io/changes: |\n        - kind: changed\n          description: bump to "
                  + version
                  + "\n");
          w.write("    name: chart" + c + "\n");
          w.write("    sources:\n    - https://github.com/example/chart" + c + "\n");
          w.write(
              "    urls:\n    - https://example.com/charts/chart" + c + "-" + version + ".tgz\n");
          w.write("    version: " + version + "\n");
        }
      }
      w.write("generated: \"2024-05-01T10:00:00Z\"\n");
    }
  }
}
