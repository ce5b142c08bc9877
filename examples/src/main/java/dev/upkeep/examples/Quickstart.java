package dev.upkeep.examples;

import dev.upkeep.ArtifactRef;
import dev.upkeep.FileReport;
import dev.upkeep.PolicyReport;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.cli.Logging;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The five-minute tour, with nothing but Java: an in-process OCI registry holding versions of a
 * {@code podinfo} chart, a Git repository with three environments, one run of the pipeline.
 *
 * <p>Run it with {@code java -jar examples/target/upkeep-quickstart.jar}.
 */
public final class Quickstart {

  static final List<String> CHART_VERSIONS =
      List.of("1.0.0", "1.2.3", "1.2.4", "1.2.5", "1.3.0", "2.0.0", "2.1.0-rc.1");

  /** environment → constraint, as a platform team would pin them. */
  static final Map<String, String> ENVIRONMENTS = new LinkedHashMap<>();

  static {
    ENVIRONMENTS.put("dev", "1.x");
    ENVIRONMENTS.put("staging", "1.2.x");
    ENVIRONMENTS.put("prod", "1.2.3");
  }

  private Quickstart() {}

  /** Runs the tour and prints what happened. */
  public static void main(String[] args) throws Exception {
    Logging.configure(false);
    if (run(System.out).hasErrors()) {
      System.exit(1);
    }
  }

  /** Runs the tour, printing to {@code out}; returns the report. */
  public static UpdateReport run(PrintStream out) throws Exception {
    Path work = Files.createTempDirectory("upkeep-quickstart");
    try (FakeOciRegistry registry = FakeOciRegistry.start();
        GitRemoteFixture fleet = GitRemoteFixture.create()) {
      for (String v : CHART_VERSIONS) {
        registry.pushChart("charts/podinfo", v);
      }
      ArtifactRef chart = ArtifactRef.parse("oci://" + registry.host() + "/charts/podinfo");

      Map<String, String> files = new LinkedHashMap<>();
      ENVIRONMENTS
          .keySet()
          .forEach(
              env -> files.put("clusters/" + env + "/podinfo.yaml", helmRelease(env, "1.2.3")));
      fleet.seed(files);

      UpdatePipeline.Builder builder =
          UpdatePipeline.builder()
              .source(OciRegistrySource.builder().insecureRegistry(registry.host()).build())
              .patcher(SetterPatcher.create())
              .publisher(
                  JGitPublisher.builder(fleet.url())
                      .workDirectory(work.resolve("clone"))
                      .baseBranch("main")
                      .pushBranch("develop")
                      .author("Upkeep", "upkeep@example.com")
                      .build());
      ENVIRONMENTS.forEach(
          (env, constraint) ->
              builder.policy("flux-system:podinfo-" + env, chart, SemverPolicy.of(constraint)));
      UpdateReport report;
      try (UpdatePipeline pipeline = builder.build()) {
        report = pipeline.run();
      }

      out.println("Upkeep quickstart");
      out.println("  registry   " + chart + "  tags: " + String.join(" ", CHART_VERSIONS));
      out.println("  repository " + fleet.url() + "  (base main, push develop)");
      out.println();
      out.printf("%-10s %-11s %-8s %s%n", "env", "constraint", "before", "after");
      ENVIRONMENTS.forEach(
          (env, constraint) -> {
            PolicyReport p = report.policy("flux-system:podinfo-" + env).orElseThrow();
            String file = "clusters/" + env + "/podinfo.yaml";
            String after = p.selection().map(s -> s.tag()).orElse("-");
            boolean moved = report.file(file).isPresent();
            out.printf(
                "%-10s %-11s %-8s %s%n",
                env, constraint, "1.2.3", moved ? after : after + " (unchanged)");
          });
      out.println();
      for (FileReport f : report.files()) {
        out.print(f.diff());
      }
      out.println();
      if (report.commit().isPresent()) {
        out.println(
            "commit "
                + report.commit().get()
                + " pushed to "
                + report.publish().get().branch()
                + " (main still at "
                + fleet.head("main").orElse("?").substring(0, 12)
                + ")");
        out.println();
        out.println(fleet.log("develop").get(0).message().strip().indent(4));
      } else {
        out.println("no commit: nothing to update");
      }
      // A run reports its errors instead of throwing them: check, as a host must.
      report.findings().forEach(f -> out.println(f));
      if (report.hasErrors()) {
        out.println("the run had errors");
      }
      return report;
    } finally {
      deleteRecursively(work);
    }
  }

  static String helmRelease(String env, String version) {
    return "# podinfo in "
        + env
        + "; Upkeep moves the version as policy podinfo-"
        + env
        + " allows\n"
        + "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        + "kind: HelmRelease\n"
        + "metadata:\n"
        + "  name: podinfo\n"
        + "  namespace: "
        + env
        + "\n"
        + "spec:\n"
        + "  interval: 10m\n"
        + "  chart:\n"
        + "    spec:\n"
        + "      chart: podinfo\n"
        + "      version: \""
        + version
        + "\" # {\"$imagepolicy\": \"flux-system:podinfo-"
        + env
        + ":tag\"}\n"
        + "      sourceRef:\n"
        + "        kind: HelmRepository\n"
        + "        name: podinfo\n"
        + "        namespace: flux-system\n"
        + "  values:\n"
        + "    replicaCount: "
        + (env.equals("prod") ? 3 : 1)
        + "\n";
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
