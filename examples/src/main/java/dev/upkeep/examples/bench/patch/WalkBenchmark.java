package dev.upkeep.examples.bench.patch;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Selection;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.VersionPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Walks and patches a generated GitOps repository of 10,000 manifests (1% carrying setter markers)
 * and prints the time beside the floor measured in the same run: listing the same files and reading
 * every byte of them. Also prints the heap a walk retains at a quarter, half and all of the files,
 * to show memory does not grow with the number of files that do not change.
 *
 * <p>Run: {@code java -cp ... dev.upkeep.examples.bench.patch.WalkBenchmark [files] [rounds]}
 */
public final class WalkBenchmark {

  private static final PrintStream OUT = System.out;

  private WalkBenchmark() {}

  /** Generates the repository, measures, prints, and deletes the repository. */
  public static void main(String[] args) throws IOException {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path repo = Files.createTempDirectory("upkeep-walk-bench");
    try {
      Map<String, Selection> selections = new HashMap<>();
      long bytes = generate(repo, files, selections);
      OUT.printf(
          Locale.ROOT,
          "repository: %,d manifests, %,d bytes, %d carry markers%n",
          files,
          bytes,
          selections.size());
      ManifestWalk walk = ManifestWalk.create();
      UpdatePipeline pipeline = pipeline(repo, walk, selections);

      for (int i = 0; i < 3; i++) {
        readEveryByte(repo);
        pipeline.plan();
      }
      long[] floor = new long[rounds];
      long[] listing = new long[rounds];
      long[] full = new long[rounds];
      UpdateReport result = null;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        readEveryByte(repo);
        long t1 = System.nanoTime();
        result = pipeline.plan();
        long t2 = System.nanoTime();
        walk.list(repo);
        long t3 = System.nanoTime();
        floor[i] = t1 - t0;
        full[i] = result.timings().patch().toNanos();
        listing[i] = t3 - t2;
      }
      OUT.printf(
          Locale.ROOT,
          "walk + patch: %d files patched, %d values changed, %d findings%n",
          result.files().size(),
          result.changes().size(),
          result.findings().size());
      double floorMs = median(floor) / 1e6;
      double fullMs = median(full) / 1e6;
      OUT.printf(Locale.ROOT, "%-40s %10s%n", "median of " + rounds + " rounds", "ms");
      OUT.printf(Locale.ROOT, "%-40s %10.1f%n", "floor: list + read every byte", floorMs);
      OUT.printf(Locale.ROOT, "%-40s %10.1f%n", "Upkeep: pipeline patch stage (plan)", fullMs);
      OUT.printf(
          Locale.ROOT,
          "%-40s %10.1f%n",
          "  of which listing (ignore rules)",
          median(listing) / 1e6);
      OUT.printf(
          Locale.ROOT, "%-40s %10.2fx%n", "ratio to the floor (target <= 2x)", fullMs / floorMs);

      OUT.printf(Locale.ROOT, "%n%-40s %14s%n", "heap retained while holding the result", "bytes");
      for (int share : new int[] {4, 2, 1}) {
        Path part = repo.resolve("clusters");
        List<Path> envs = subdirs(part);
        ManifestWalk limited =
            ManifestWalk.builder()
                .exclude(
                    envs.subList(envs.size() / share, envs.size()).stream()
                        .map(p -> "/clusters/" + p.getFileName() + "/")
                        .toArray(String[]::new))
                .build();
        long before = usedAfterGc();
        UpdateReport held = pipeline(repo, limited, selections).plan();
        long after = usedAfterGc();
        OUT.printf(
            Locale.ROOT,
            "%-40s %,14d   (%d patched; the marked files all sit in the first quarter)%n",
            limited.list(repo).size() + " manifests walked",
            Math.max(0, after - before),
            held.files().size());
      }
    } finally {
      try (Stream<Path> s = Files.walk(repo)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * The pipeline's own patch stage over {@code files}: a source that answers each selection's tag
   * from memory, so {@code plan()} spends its time walking, reading and patching.
   */
  private static UpdatePipeline pipeline(
      Path repo, ManifestFiles files, Map<String, Selection> selections) {
    Map<ArtifactRef, List<String>> tags = new HashMap<>();
    selections.values().forEach(s -> tags.put(s.artifact(), List.of(s.tag())));
    RegistrySource memory =
        new RegistrySource() {
          @Override
          public List<String> listTags(ArtifactRef ref) {
            return tags.getOrDefault(ref, List.of());
          }

          @Override
          public Optional<String> digest(ArtifactRef ref, String tag) {
            return Optional.empty();
          }
        };
    UpdatePipeline.Builder b =
        UpdatePipeline.builder()
            .source(memory)
            .patcher(SetterPatcher.create())
            .files(files)
            .publisher(GitPublisher.inPlace(repo))
            .strict(false);
    VersionPolicy first = t -> t.stream().findFirst();
    selections.forEach((name, s) -> b.policy(name, s.artifact(), first));
    return b.build();
  }

  private static long readEveryByte(Path repo) throws IOException {
    long total = 0;
    try (Stream<Path> s = Files.walk(repo)) {
      for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        String name = p.getFileName().toString();
        if (dev.upkeep.patch.ManifestFiles.isManifestName(name)) {
          total += Files.readAllBytes(p).length;
        }
      }
    }
    return total;
  }

  private static List<Path> subdirs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
    }
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Writes {@code files} manifests in 40 environments; 1% of them carry a marker. */
  private static long generate(Path repo, int files, Map<String, Selection> selections)
      throws IOException {
    long bytes = 0;
    List<String> kinds = new ArrayList<>(List.of("deployment", "service", "configmap", "release"));
    for (int i = 0; i < files; i++) {
      String env = String.format(Locale.ROOT, "env-%02d", i % 40);
      String app = "svc-" + (i / 4);
      String kind = kinds.get(i % 4);
      // 1% of the files: every 200th deployment and every 200th release
      boolean marked = i % 200 == 0 || i % 200 == 3;
      String policy = "flux-system:" + app + (kind.equals("release") ? "-chart" : "");
      String text;
      switch (kind) {
        case "deployment":
          text = deployment(app, marked ? policy : null);
          break;
        case "service":
          text = service(app);
          break;
        case "configmap":
          text = configMap(app);
          break;
        default:
          text = release(app, marked ? policy : null);
          break;
      }
      if (marked) {
        selections.put(
            policy,
            Selection.of(
                policy,
                kind.equals("release")
                    ? ArtifactRef.parse("oci://ghcr.io/org/charts/" + app)
                    : ArtifactRef.parse("ghcr.io/org/" + app),
                "1.3.0"));
      }
      Path file = repo.resolve("clusters/" + env + "/apps/" + app + "/" + kind + ".yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      bytes += text.length();
    }
    return bytes;
  }

  private static String deployment(String app, String policy) {
    String marker = policy == null ? "" : " # {\"$imagepolicy\": \"" + policy + "\"}";
    return "# managed by the platform team\n"
        + "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
        + app
        + "\n  labels:\n    app.kubernetes.io/name: "
        + app
        + "\n    app.kubernetes.io/part-of: shop\nspec:\n  replicas: 2\n  selector:\n"
        + "    matchLabels:\n      app.kubernetes.io/name: "
        + app
        + "\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: "
        + app
        + "\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/org/"
        + app
        + ":1.2.0"
        + marker
        + "\n          ports:\n            - containerPort: 8080\n              name: http\n"
        + "          resources:\n            requests:\n              cpu: 100m\n"
        + "              memory: 128Mi\n            limits:\n              memory: 256Mi\n"
        + "          readinessProbe:\n            httpGet:\n              path: /healthz\n"
        + "              port: http\n";
  }

  private static String service(String app) {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: "
        + app
        + "\nspec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: "
        + app
        + "\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n";
  }

  private static String configMap(String app) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + app
        + "-config\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: \"a,b,c\"\n  config.yaml: |\n"
        + "    server:\n      port: 8080\n    upstream: http://backend:80\n";
  }

  private static String release(String app, String policy) {
    String marker = policy == null ? "" : " # {\"$imagepolicy\": \"" + policy + ":tag\"}";
    return "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: "
        + app
        + "\n  namespace: shop\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: "
        + app
        + "\n      version: 1.2.0"
        + marker
        + "\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n"
        + "  values:\n    replicaCount: 2\n    ingress:\n      enabled: true\n";
  }
}
