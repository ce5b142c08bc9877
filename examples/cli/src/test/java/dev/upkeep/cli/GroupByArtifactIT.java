package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code upkeep run --group-by artifact} through the command line. */
@ExtendWith(UpkeepExtension.class)
class GroupByArtifactIT {

  @Test
  void pushesOneBranchPerArtifactNamedAfterThePushBranch(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path work) {
    registry.pushImage("org/web", "1.3.0");
    Map<String, String> files = seed(registry, remote);
    String chart = files.get("podinfo.yaml");
    String image = files.get("web.yaml");
    String main = remote.head("main").orElseThrow();

    StringWriter out = new StringWriter();
    int code = runGrouped(out, registry, remote, work);

    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString()).contains("== deps-podinfo (", "== deps-web (");
    assertThat(remote.head("main")).hasValue(main);
    assertThat(remote.branches()).contains("deps-podinfo", "deps-web").doesNotContain("deps");
    assertThat(remote.readFile("deps-podinfo", "podinfo.yaml"))
        .hasValue(chart.replace("6.5.0", "6.5.4"));
    assertThat(remote.readFile("deps-podinfo", "web.yaml")).hasValue(image);
    assertThat(remote.readFile("deps-web", "web.yaml"))
        .hasValue(image.replace("web:1.2.3", "web:1.3.0"));
  }

  @Test
  void printsOneJsonArrayOfTheGroupsWhenAskedForJson(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path work) throws Exception {
    seed(registry, remote);

    StringWriter out = new StringWriter();
    int code = runGrouped(out, registry, remote, work, "--format", "json");

    assertThat(code).as(out.toString()).isZero();
    // stdout is one JSON value a CI job can parse (it held "== branch" lines between reports)
    List<?> groups = (List<?>) dev.upkeep.json.Json.parse(out.toString());
    assertThat(groups).hasSize(2);
    Map<?, ?> podinfo = (Map<?, ?>) groups.get(0);
    assertThat(podinfo.get("branch")).isEqualTo("deps-podinfo");
    assertThat(podinfo.get("result")).isEqualTo("updated");
    assertThat(((Map<?, ?>) podinfo.get("report")).get("changed")).isEqualTo(true);
    Map<?, ?> web = (Map<?, ?>) groups.get(1);
    assertThat(web.get("branch")).isEqualTo("deps-web");
    assertThat(web.get("result")).isEqualTo("unchanged");
    assertThat(web.get("report")).isNull();
  }

  /** podinfo.yaml pins chart podinfo 6.5.0 (6.5.4 is out), web.yaml image org/web 1.2.3. */
  static Map<String, String> seed(FakeOciRegistry registry, GitRemoteFixture remote) {
    registry.pushChart("charts/podinfo", "6.5.0");
    registry.pushChart("charts/podinfo", "6.5.4");
    registry.pushImage("org/web", "1.2.3");
    String chart =
        "version: 6.5.0 # {\"$upkeep\": {\"chart\": \"oci://"
            + registry.host()
            + "/charts/podinfo\", \"semver\": \"6.x\"}}\n";
    String image =
        "image: "
            + registry.host()
            + "/org/web:1.2.3 # {\"$upkeep\": {\"image\": \""
            + registry.host()
            + "/org/web\", \"semver\": \"1.x\"}}\n";
    Map<String, String> files = Map.of("podinfo.yaml", chart, "web.yaml", image);
    remote.seed(files);
    return files;
  }

  /** {@code run --group-by artifact} with push branch {@code deps}, and {@code more} options. */
  static int runGrouped(
      StringWriter out,
      FakeOciRegistry registry,
      GitRemoteFixture remote,
      Path work,
      String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--repo",
                remote.url(),
                "--work-dir",
                work.toString(),
                "--insecure-registry",
                registry.host(),
                "--push-branch",
                "deps",
                "--group-by",
                "artifact"));
    args.addAll(List.of(more));
    return InlineMarkersIT.upkeep(out, args.toArray(String[]::new));
  }
}
