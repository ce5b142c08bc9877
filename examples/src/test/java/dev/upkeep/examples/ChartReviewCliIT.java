package dev.upkeep.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.cli.UpkeepCommand;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.UpkeepExtension;
import dev.upkeep.testing.oci.HelmChart;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code upkeep plan} shows the chart review; {@code upkeep verify} fails on a removed key. */
@ExtendWith(UpkeepExtension.class)
class ChartReviewCliIT {

  static String release(FakeOciRegistry registry, String version) {
    return "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        + "kind: HelmRelease\n"
        + "metadata:\n"
        + "  name: podinfo\n"
        + "spec:\n"
        + "  chart:\n"
        + "    spec:\n"
        + "      chart: podinfo\n"
        + "      version: "
        + version
        + " # {\"$upkeep\": {\"chart\": \"oci://"
        + registry.host()
        + "/charts/podinfo\", \"semver\": \"1.x\"}}\n"
        + "  values:\n"
        + "    ui:\n"
        + "      color: red\n";
  }

  /** podinfo 1.2.3 sets ui.color; 1.3.0 renamed it ui.colour. */
  static void pushPodinfo(FakeOciRegistry registry) {
    registry.pushChart(
        "charts/podinfo", HelmChart.of("podinfo", "1.2.3").withValues("ui:\n  color: blue\n"));
    registry.pushChart(
        "charts/podinfo", HelmChart.of("podinfo", "1.3.0").withValues("ui:\n  colour: blue\n"));
  }

  /** Makes {@code repo} a Git repository whose {@code main} holds every file in it. */
  static void commitAll(Path repo) throws Exception {
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("base").setAuthor("t", "t@example.com").setSign(false).call();
    }
  }

  static int upkeep(StringWriter out, String... args) {
    return UpkeepCommand.execute(new PrintWriter(out), new PrintWriter(out), args);
  }

  @Test
  void planShowsTheRemovedKeyAndVerifyFailsOnItUnlessAllowed(
      FakeOciRegistry registry, @TempDir Path repo) throws Exception {
    pushPodinfo(registry);
    Path file = repo.resolve("apps/podinfo.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, release(registry, "1.2.3"));
    commitAll(repo);
    String[] common = {"--repo", repo.toString(), "--insecure-registry", registry.host()};

    StringWriter plan = new StringWriter();
    assertThat(upkeep(plan, concat("plan", common))).as(plan.toString()).isZero();
    assertThat(plan.toString())
        .contains("chart podinfo 1.2.3 -> 1.3.0 (apps/podinfo.yaml:9)")
        .contains(
            "warning: apps/podinfo.yaml:12: sets ui.color, which podinfo 1.3.0 no longer has;"
                + " renamed to ui.colour?");

    Files.writeString(file, release(registry, "1.3.0"));
    StringWriter failed = new StringWriter();
    assertThat(upkeep(failed, concat("verify", common))).as(failed.toString()).isEqualTo(4);
    assertThat(failed.toString())
        .contains("FAILED apps/podinfo.yaml:9")
        .contains("apps/podinfo.yaml:12: sets ui.color")
        .contains("--allow removed:ui.color");

    StringWriter allowed = new StringWriter();
    String[] allow = concat("verify", common);
    allow = java.util.Arrays.copyOf(allow, allow.length + 2);
    allow[allow.length - 2] = "--allow";
    allow[allow.length - 1] = "removed:ui.color";
    assertThat(upkeep(allowed, allow)).as(allowed.toString()).isZero();
  }

  @Test
  void aRemoteRunReadsTheValuesFromConfigMapThatHoldsNoMarker(
      FakeOciRegistry registry, @TempDir Path repo) throws Exception {
    pushPodinfo(registry);
    Path file = repo.resolve("apps/podinfo.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        release(registry, "1.2.3")
            .replace(
                "  values:\n    ui:\n      color: red\n",
                "  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n"));
    // a manifest without a marker or a Flux object: a sparse clone would leave it out
    Files.writeString(
        repo.resolve("apps/values.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-values\ndata:\n"
            + "  values.yaml: |\n    ui:\n      color: red\n");
    commitAll(repo);
    String url = repo.toUri().toString();

    StringWriter plan = new StringWriter();
    assertThat(upkeep(plan, "plan", "--repo", url, "--insecure-registry", registry.host()))
        .as(plan.toString())
        .isZero();
    StringWriter run = new StringWriter();
    assertThat(
            upkeep(
                run,
                "run",
                "--repo",
                url,
                "--push-branch",
                "develop",
                "--insecure-registry",
                registry.host()))
        .as(run.toString())
        .isZero();

    for (StringWriter out : java.util.List.of(plan, run)) {
      assertThat(out.toString())
          .contains("apps/values.yaml")
          .contains("sets ui.color, which podinfo 1.3.0 no longer has");
    }
  }

  private static String[] concat(String command, String... rest) {
    String[] out = new String[rest.length + 1];
    out[0] = command;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
