package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The tiered fleet in {@code examples/fleet}, driven through the command line. */
@ExtendWith(UpkeepExtension.class)
class FleetIT {

  static final Path FLEET = Path.of("../fleet");

  FakeOciRegistry registry;
  GitRemoteFixture remote;
  Map<String, String> seeded;

  record Result(int code, String out, String err) {}

  static Result upkeep(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = UpkeepCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void seedTheFleet(FakeOciRegistry registry, GitRemoteFixture remote) throws IOException {
    this.registry = registry;
    this.remote = remote;
    for (String v : List.of("1.0.0", "1.2.3", "1.2.4", "1.2.5", "2.0.0")) {
      registry.pushChart("charts/podinfo", v);
    }
    registry.pushChart(
        "charts/podinfo",
        "1.3.0",
        Map.of("artifacthub.io/changes", "- kind: added\n  description: a readiness probe\n"));
    seeded = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(FLEET)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        seeded.put(
            FLEET.relativize(f).toString().replace('\\', '/'),
            text.replace("registry.example.com", registry.host()));
      }
    }
    remote.seed(seeded);
  }

  String[] withRegistry(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--insecure-registry";
    all[args.length + 1] = registry.host();
    return all;
  }

  String expected(String file, String from, String to) {
    return seeded.get(file).replace("version: \"" + from + "\"", "version: \"" + to + "\"");
  }

  @Test
  void oneRunMovesDevAndStagingInOneCommitOnDevelopAndNeverProd(@TempDir Path work) {
    String mainBefore = remote.head("main").orElseThrow();

    Result run = upkeep(withRegistry("run", "--repo", remote.url(), "--work-dir", work.toString()));

    assertThat(run.code()).as(run.err()).isZero();
    List<GitRemoteFixture.Commit> log = remote.log("develop");
    assertThat(log.get(0).parents()).containsExactly(mainBefore);
    assertThat(log.get(0).files())
        .containsExactlyInAnyOrder("clusters/dev/podinfo.yaml", "clusters/staging/podinfo.yaml");
    assertThat(log.get(0).authorName()).isEqualTo("fluxcdbot");
    assertThat(log.get(0).message())
        .startsWith("Automated chart update by flux-system/fleet\n")
        .contains("- HelmRelease dev/podinfo: 1.2.3 -> 1.3.0")
        .contains("- HelmRelease staging/podinfo: 1.2.3 -> 1.2.5");
    assertThat(remote.readFile("develop", "clusters/dev/podinfo.yaml"))
        .hasValue(expected("clusters/dev/podinfo.yaml", "1.2.3", "1.3.0"));
    assertThat(remote.readFile("develop", "clusters/staging/podinfo.yaml"))
        .hasValue(expected("clusters/staging/podinfo.yaml", "1.2.3", "1.2.5"));
    assertThat(remote.readFile("develop", "clusters/prod/podinfo.yaml"))
        .hasValue(seeded.get("clusters/prod/podinfo.yaml"));
    assertThat(remote.head("main")).hasValue(mainBefore);

    String develop = remote.head("develop").orElseThrow();
    Result again =
        upkeep(withRegistry("run", "--repo", remote.url(), "--work-dir", work.toString()));
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("no commit: nothing to change");
    assertThat(remote.head("develop")).hasValue(develop);
  }

  @Test
  void verifyPassesOnThePushedBranchAndFailsOnAHandMadeDowngrade(@TempDir Path work)
      throws IOException {
    assertThat(
            upkeep(
                    withRegistry(
                        "run", "--repo", remote.url(), "--work-dir", work.resolve("w").toString()))
                .code())
        .isZero();
    Path checkout = work.resolve("checkout");
    remote.git("clone", "-q", "-b", "develop", remote.url(), checkout.toString());

    Result ok =
        upkeep(withRegistry("verify", "--repo", checkout.toString(), "--base", "origin/main"));
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .contains("ok     clusters/dev/podinfo.yaml:22  flux-system:podinfo-dev  1.2.3 -> 1.3.0")
        .contains("all 2 changes verified")
        .contains("release notes:")
        .contains("description: a readiness probe");

    Path dev = checkout.resolve("clusters/dev/podinfo.yaml");
    Files.writeString(dev, Files.readString(dev).replace("\"1.3.0\"", "\"1.0.0\""));
    Result bad =
        upkeep(
            withRegistry(
                "verify",
                "--repo",
                checkout.toString(),
                "--base",
                "origin/main",
                "--format",
                "json"));
    assertThat(bad.code()).isEqualTo(4);
    assertThat(bad.out()).contains("\"passed\": false").contains("1.2.3 -> 1.0.0 is a downgrade");
  }

  @Test
  void verifyJudgesAChangeByTheBasePoliciesNotByTheOnesItRewrites(@TempDir Path work)
      throws IOException {
    Path checkout = work.resolve("checkout");
    remote.git("clone", "-q", "-b", "main", remote.url(), checkout.toString());
    Path policies = checkout.resolve("clusters/flux-system/podinfo-automation.yaml");
    Files.writeString(
        policies,
        Files.readString(policies).replace("range: 1.2.3   # exact", "range: \">=0.0.0\"   # any"));
    Path prod = checkout.resolve("clusters/prod/podinfo.yaml");
    Files.writeString(
        prod,
        Files.readString(prod)
            .replace("\"1.2.3\"", "\"2.0.0\"")
            .replace(
                "oci://" + registry.host() + "/charts", "oci://" + registry.host() + "/other"));

    Result widened =
        upkeep(withRegistry("verify", "--repo", checkout.toString(), "--base", "origin/main"));

    assertThat(widened.code()).as(widened.out() + widened.err()).isEqualTo(4);
    assertThat(widened.out())
        .contains("2.0.0 does not satisfy semver 1.2.3 of policy flux-system:podinfo-prod")
        .contains("policy flux-system:podinfo-prod changed in this change")
        .contains("judged by the base's \"semver 1.2.3\"")
        .contains("HelmRepository prod/podinfo changed in this change (spec.url:");
  }

  @Test
  void planPrintsOnlyJsonOnStdoutAndWritesNothing(@TempDir Path work) {
    Result plan =
        upkeep(
            withRegistry(
                "plan",
                "--repo",
                remote.url(),
                "--work-dir",
                work.toString(),
                "--format",
                "json",
                "--exit-code"));
    assertThat(plan.code()).as(plan.err()).isEqualTo(3);
    assertThat(plan.out()).startsWith("{\n").endsWith("}\n").contains("\"dryRun\": true");
    assertThat(remote.branches()).containsExactly("main");
  }

  @Test
  void promoteProposesStagingsVersionForProdOnABranchOfItsOwn(@TempDir Path work) {
    assertThat(
            upkeep(
                    withRegistry(
                        "run", "--repo", remote.url(), "--work-dir", work.resolve("a").toString()))
                .code())
        .isZero();

    Result promote = promoteStagingToProd("develop", work.resolve("b"));

    assertThat(promote.code()).as(promote.err()).isZero();
    assertThat(remote.readFile("upkeep/promote-staging-to-prod", "clusters/prod/podinfo.yaml"))
        .hasValue(expected("clusters/prod/podinfo.yaml", "1.2.3", "1.2.5"));
    assertThat(remote.log("upkeep/promote-staging-to-prod").get(0).files())
        .containsExactly("clusters/prod/podinfo.yaml");
  }

  @Test
  void promoteWithNothingToPromoteKeepsAJsonStdoutEmpty(@TempDir Path work) {
    // on main, staging and prod both run 1.2.3
    Result promote = promoteStagingToProd("main", work, "--format", "json");

    assertThat(promote.code()).as(promote.err()).isZero();
    assertThat(promote.out()).isEmpty();
    assertThat(promote.err()).contains("prod already runs what staging runs; nothing to promote");
  }

  Result promoteStagingToProd(String base, Path work, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "promote",
                "staging",
                "prod",
                "--repo",
                remote.url(),
                "--base",
                base,
                "--work-dir",
                work.toString()));
    args.addAll(List.of(more));
    return upkeep(withRegistry(args.toArray(String[]::new)));
  }

  @Test
  void badUsageExitsWithTwo() {
    assertThat(upkeep("plan", "--format", "yaml").code()).isEqualTo(2);
    assertThat(upkeep("nonsense").code()).isEqualTo(2);
  }
}
