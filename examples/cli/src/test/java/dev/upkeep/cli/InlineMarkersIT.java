package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.UpkeepExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A repository kept current by inline {@code $upkeep} markers alone, without Flux objects. */
@ExtendWith(UpkeepExtension.class)
class InlineMarkersIT {

  /** Pushes podinfo 1.2.3 and 1.2.5 and returns an inline marker for "1.2.x" of that chart. */
  static String podinfo12x(FakeOciRegistry registry) {
    registry.pushChart("charts/podinfo", "1.2.3");
    registry.pushChart("charts/podinfo", "1.2.5");
    return "{\"$upkeep\": {\"chart\": \"oci://"
        + registry.host()
        + "/charts/podinfo\", \"semver\": \"1.2.x\"}}";
  }

  static int run(
      StringWriter out,
      dev.upkeep.testing.GitRemoteFixture remote,
      Path work,
      FakeOciRegistry registry) {
    return upkeep(
        out,
        "run",
        "--repo",
        remote.url(),
        "--work-dir",
        work.toString(),
        "--insecure-registry",
        registry.host());
  }

  static int upkeep(StringWriter out, String... args) {
    return UpkeepCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), args);
  }

  @Test
  void plansAndAppliesInlinePoliciesInPlace(FakeOciRegistry registry, @TempDir Path repo)
      throws Exception {
    for (String v : new String[] {"1.2.3", "1.2.5", "1.3.0"}) {
      registry.pushChart("charts/podinfo", v);
    }
    String marker =
        "{\"$upkeep\": {\"chart\": \"oci://"
            + registry.host()
            + "/charts/podinfo\", \"semver\": \"1.2.x\"}}";
    Path file = repo.resolve("Chart.yaml");
    String before =
        "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n"
            + "  - name: podinfo\n    version: 1.2.3 # "
            + marker
            + "\n    repository: oci://"
            + registry.host()
            + "/charts\n";
    Files.writeString(file, before);

    StringWriter plan = new StringWriter();
    int planned =
        upkeep(
            plan,
            "plan",
            "--repo",
            repo.toString(),
            "--insecure-registry",
            registry.host(),
            "--exit-code");
    assertThat(planned).as(plan.toString()).isEqualTo(3);
    assertThat(plan.toString()).contains("Chart.yaml:6: 1.2.3 -> 1.2.5");
    assertThat(Files.readString(file)).isEqualTo(before);

    StringWriter run = new StringWriter();
    assertThat(
            upkeep(
                run,
                "run",
                "--in-place",
                "--repo",
                repo.toString(),
                "--insecure-registry",
                registry.host()))
        .as(run.toString())
        .isZero();
    assertThat(Files.readString(file))
        .isEqualTo(before.replace("version: 1.2.3 #", "version: 1.2.5 #"));
  }

  @Test
  void runsWithoutAnAutomationPushToAReviewBranchNeverToTheBase(
      FakeOciRegistry registry, dev.upkeep.testing.GitRemoteFixture remote, @TempDir Path work) {
    String marker = podinfo12x(registry);
    remote.seed(java.util.Map.of("app.yaml", "version: 1.2.3 # " + marker + "\n"));
    String main = remote.head("main").orElseThrow();

    StringWriter out = new StringWriter();
    int code = run(out, remote, work, registry);

    assertThat(code).as(out.toString()).isZero();
    assertThat(remote.head("main")).hasValue(main);
    assertThat(remote.readFile("upkeep/update", "app.yaml"))
        .hasValue("version: 1.2.5 # " + marker + "\n");
  }

  @Test
  void buildsOnTheRemotesDefaultBranchWhenNoneIsNamed(
      FakeOciRegistry registry, dev.upkeep.testing.GitRemoteFixture remote, @TempDir Path work) {
    String marker = podinfo12x(registry);
    remote.commit(
        "master",
        java.util.Map.of("app.yaml", "version: 1.2.3 # " + marker + "\n"),
        "Someone",
        "seed");
    remote.git("symbolic-ref", "HEAD", "refs/heads/master");

    StringWriter out = new StringWriter();
    int code = run(out, remote, work, registry);

    assertThat(code).as(out.toString()).isZero();
    assertThat(remote.log("upkeep/update").get(0).parents())
        .containsExactly(remote.head("master").orElseThrow());
  }
}
