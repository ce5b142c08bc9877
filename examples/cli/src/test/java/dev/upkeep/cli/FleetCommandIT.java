package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.oci.DistributionRegistry;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.RegistryUpload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code upkeep fleet} over bare Git remotes and Debian's real {@code docker-registry}. */
class FleetCommandIT {

  static DistributionRegistry registry;
  final List<GitRemoteFixture> remotes = new ArrayList<>();

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void startRegistry() {
    registry = DistributionRegistry.start();
    RegistryUpload upload = RegistryUpload.to(registry.host());
    for (String chart : List.of("podinfo", "nginx")) {
      for (String v : List.of("1.2.3", "1.2.5", "1.3.0")) {
        HelmChart c = HelmChart.of(chart, v);
        upload.push("charts/" + chart, c.tag(), c.toArtifact());
      }
    }
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @AfterEach
  void deleteRemotes() {
    remotes.forEach(GitRemoteFixture::close);
  }

  static String marker(String chart) {
    return "{\"$upkeep\": {\"chart\": \"oci://"
        + registry.host()
        + "/charts/"
        + chart
        + "\", \"semver\": \"1.2.x\"}}";
  }

  /** A remote whose app.yaml pins podinfo and nginx 1.2.3, to be moved to 1.2.5. */
  GitRemoteFixture repository() {
    GitRemoteFixture remote = GitRemoteFixture.create();
    remote.seed(
        Map.of(
            "app.yaml",
            "podinfo: 1.2.3 # "
                + marker("podinfo")
                + "\nnginx: 1.2.3 # "
                + marker("nginx")
                + "\n"));
    remotes.add(remote);
    return remote;
  }

  static Path config(Path dir, List<String> urls) throws IOException {
    StringBuilder b = new StringBuilder("repositories:\n");
    urls.forEach(u -> b.append("  - url: ").append(u).append('\n'));
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(file, b);
    return file;
  }

  static Result upkeep(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = UpkeepCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  static long tagListings(String chart) {
    return registry.requests().stream()
        .filter(r -> r.startsWith("GET /v2/charts/" + chart + "/tags/list"))
        .count();
  }

  /**
   * A forge's REST API on loopback: {@code answer} gives the JSON for a method and raw path (GET
   * answers 200, anything else 201); each request and the value of its {@code credential} header
   * are recorded.
   */
  static final class FakeForge implements AutoCloseable {
    final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> credentials = new java.util.concurrent.CopyOnWriteArrayList<>();
    final com.sun.net.httpserver.HttpServer server;

    FakeForge(String credential, java.util.function.BiFunction<String, String, String> answer)
        throws IOException {
      server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 8);
      server.createContext(
          "/",
          ex -> {
            try (ex) {
              // raw: a GitLab project path must arrive encoded (group%2Fsub%2Fname)
              String path = ex.getRequestURI().getRawPath();
              requests.add(ex.getRequestMethod() + " " + path);
              credentials.add(String.valueOf(ex.getRequestHeaders().getFirst(credential)));
              ex.getRequestBody().readAllBytes();
              byte[] out =
                  answer
                      .apply(ex.getRequestMethod(), path)
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8);
              ex.getResponseHeaders().set("Content-Type", "application/json");
              ex.sendResponseHeaders(ex.getRequestMethod().equals("GET") ? 200 : 201, out.length);
              ex.getResponseBody().write(out);
            }
          });
      server.start();
    }

    /** GitHub: pull request 7 in any repository. */
    static FakeForge gitHub() throws IOException {
      return new FakeForge(
          "Authorization",
          (method, path) ->
              method.equals("GET")
                  ? "[]"
                  : path.endsWith("/pulls")
                      ? "{\"number\": 7, \"html_url\": \"https://github.com/"
                          + path.replaceAll("^/repos/([^/]+/[^/]+)/.*", "$1")
                          + "/pull/7\"}"
                      : "{}");
    }

    /** GitLab (API under /api/v4): merge request 9 in any project. */
    static FakeForge gitLab() throws IOException {
      return new FakeForge(
          "PRIVATE-TOKEN",
          (method, path) ->
              method.equals("GET")
                  ? "[]"
                  : "{\"iid\": 9, \"web_url\": \"https://gitlab.example/"
                      + java.net.URLDecoder.decode(
                          path.replaceAll("^/api/v4/projects/([^/]+)/.*", "$1"),
                          java.nio.charset.StandardCharsets.UTF_8)
                      + "/-/merge_requests/9\"}");
    }

    /** Gitea (API under /api/v1): pull request 5 in any repository, which has a label upkeep. */
    static FakeForge gitea() throws IOException {
      return new FakeForge(
          "Authorization",
          (method, path) ->
              method.equals("GET")
                  ? path.endsWith("/labels") ? "[{\"name\": \"upkeep\", \"id\": 3}]" : "[]"
                  : path.endsWith("/pulls")
                      ? "{\"number\": 5, \"html_url\": \"https://gitea.example/"
                          + path.replaceAll("^/api/v1/repos/([^/]+/[^/]+)/.*", "$1")
                          + "/pulls/5\"}"
                      : "{}");
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Runs {@code fleet} over a repository that names a forge project and one that names none. */
  Result fleetWithOnePullRequest(Path dir, String forgeLine, String... options) throws IOException {
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(
        file,
        "repositories:\n  - url: "
            + repository().url()
            + "\n    "
            + forgeLine
            + "\n  - url: "
            + repository().url()
            + "\n");
    List<String> args =
        new ArrayList<>(
            List.of("fleet", "--config", file.toString(), "--insecure-registry", registry.host()));
    args.addAll(List.of(options));
    return upkeep(args.toArray(String[]::new));
  }

  /** Maven's failsafe sets the forge tokens (examples/cli/pom.xml); elsewhere this is skipped. */
  static void assumeTokenFromTheBuild(String variable, String value) {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        value.equals(System.getenv(variable)) || "true".equals(System.getenv("CI")),
        "needs " + variable + "=" + value + ", as the build sets it");
  }

  @Test
  void opensEachRepositorysPullRequestWhereTheFleetFileSays(@TempDir Path dir) throws Exception {
    assumeTokenFromTheBuild("UPKEEP_GITHUB_TOKEN", "fleet-test-token-7f3a");
    try (FakeForge github = FakeForge.gitHub()) {
      Result r =
          fleetWithOnePullRequest(
              dir, "github: org/gitops", "--github-api-url", github.url(), "--label", "upkeep");

      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(github.requests)
          .contains(
              "GET /repos/org/gitops/pulls",
              "POST /repos/org/gitops/pulls",
              "POST /repos/org/gitops/issues/7/labels")
          .allSatisfy(q -> assertThat(q).contains("/repos/org/gitops/"));
      assertThat(github.credentials).allMatch(a -> a.endsWith("fleet-test-token-7f3a"));
      List<String> lines = r.out().lines().skip(1).toList();
      assertThat(lines.get(0)).contains("https://github.com/org/gitops/pull/7");
      assertThat(lines.get(1)).doesNotContain("/pull/");
      assertThat(r.out() + r.err()).doesNotContain("fleet-test-token-7f3a");
    }
  }

  @Test
  void opensAGitLabMergeRequestInASubgroupProjectWhereTheFleetFileSays(@TempDir Path dir)
      throws Exception {
    assumeTokenFromTheBuild("UPKEEP_GITLAB_TOKEN", "fleet-test-token-gl-3c1d");
    try (FakeForge gitlab = FakeForge.gitLab()) {
      Result r =
          fleetWithOnePullRequest(
              dir,
              "gitlab: platform/team/gitops",
              "--gitlab-api-url",
              gitlab.url() + "/api/v4",
              "--label",
              "upkeep");

      assertThat(r.code()).as(r.out() + r.err()).isZero();
      String project = "/api/v4/projects/platform%2Fteam%2Fgitops/merge_requests";
      assertThat(gitlab.requests)
          .contains("POST " + project)
          .anySatisfy(q -> assertThat(q).startsWith("GET " + project))
          .allSatisfy(q -> assertThat(q).contains("/projects/platform%2Fteam%2Fgitops/"));
      assertThat(gitlab.credentials).containsOnly("fleet-test-token-gl-3c1d");
      List<String> lines = r.out().lines().skip(1).toList();
      assertThat(lines.get(0))
          .contains("https://gitlab.example/platform/team/gitops/-/merge_requests/9");
      assertThat(lines.get(1)).doesNotContain("merge_requests");
      assertThat(r.out() + r.err()).doesNotContain("fleet-test-token-gl-3c1d");
    }
  }

  @Test
  void opensAGiteaPullRequestWhereTheFleetFileSays(@TempDir Path dir) throws Exception {
    assumeTokenFromTheBuild("UPKEEP_GITEA_TOKEN", "fleet-test-token-gt-9e2b");
    try (FakeForge gitea = FakeForge.gitea()) {
      Result r =
          fleetWithOnePullRequest(
              dir,
              "gitea: org/gitops",
              "--gitea-api-url",
              gitea.url() + "/api/v1",
              "--label",
              "upkeep");

      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(gitea.requests)
          .contains(
              "GET /api/v1/repos/org/gitops/labels",
              "GET /api/v1/repos/org/gitops/pulls",
              "POST /api/v1/repos/org/gitops/pulls",
              "POST /api/v1/repos/org/gitops/issues/5/labels")
          .allSatisfy(q -> assertThat(q).contains("/api/v1/repos/org/gitops/"));
      assertThat(gitea.credentials).containsOnly("token fleet-test-token-gt-9e2b");
      List<String> lines = r.out().lines().skip(1).toList();
      assertThat(lines.get(0)).as(r.out()).contains("https://gitea.example/org/gitops/pulls/5");
      assertThat(lines.get(1)).doesNotContain("/pulls/");
      assertThat(r.out() + r.err()).doesNotContain("fleet-test-token-gt-9e2b");
    }
  }

  @Test
  void printsItsSummaryAsAMarkdownTableWhenAskedForMarkdown(@TempDir Path dir) throws Exception {
    Path file = config(dir, List.of(repository().url()));

    Result r =
        upkeep(
            "fleet",
            "--config",
            file.toString(),
            "--insecure-registry",
            registry.host(),
            "--format",
            "markdown");

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("| REPOSITORY | RESULT | CHANGES | COMMIT/PR | ERROR |");
    assertThat(lines.get(1)).isEqualTo("|---|---|---:|---|---|");
    assertThat(lines.get(2)).startsWith("| file:").contains("| updated | 2 |");
  }

  @Test
  void aFleetWideRepositoryNameIsNotAnOption() throws Exception {
    Result r = upkeep("fleet", "--config", "fleet.yaml", "--github-repository", "org/gitops");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--github-repository");
  }

  @Test
  void updatesFiveRepositoriesListingEachArtifactsTagsOnce(@TempDir Path dir) throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      urls.add(repository().url());
    }
    long podinfoBefore = tagListings("podinfo");
    long nginxBefore = tagListings("nginx");

    Result r =
        upkeep(
            "fleet",
            "--config",
            config(dir, urls).toString(),
            "--insecure-registry",
            registry.host(),
            "--parallel",
            "3",
            "--report-dir",
            dir.resolve("reports").toString());

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    for (GitRemoteFixture remote : remotes) {
      assertThat(remote.readFile("upkeep/update", "app.yaml"))
          .hasValueSatisfying(
              text -> assertThat(text).contains("podinfo: 1.2.5 #").contains("nginx: 1.2.5 #"));
    }
    assertThat(tagListings("podinfo") - podinfoBefore).isEqualTo(1);
    assertThat(tagListings("nginx") - nginxBefore).isEqualTo(1);
    assertThat(r.out().lines().skip(1))
        .hasSize(5)
        .allSatisfy(line -> assertThat(line).contains(" updated ").contains(" 2 "));
    try (Stream<Path> reports = Files.list(dir.resolve("reports"))) {
      assertThat(reports.map(p -> p.getFileName().toString()).sorted())
          .containsExactly(
              "01-remote.json",
              "02-remote.json",
              "03-remote.json",
              "04-remote.json",
              "05-remote.json");
    }
    assertThat(Files.readString(dir.resolve("reports/03-remote.json")))
        .contains("\"result\": \"updated\"")
        .contains("\"error\": null");
  }

  static List<String> packageDownloads(String chart) {
    return registry.requests().stream()
        .filter(r -> r.startsWith("GET /v2/charts/" + chart + "/blobs/"))
        .collect(Collectors.toList());
  }

  /** A remote whose Chart.yaml depends on podinfo and nginx 1.2.3: each move is reviewed. */
  GitRemoteFixture umbrella() {
    StringBuilder chart = new StringBuilder("apiVersion: v2\nname: umbrella\nversion: 0.1.0\n");
    chart.append("dependencies:\n");
    for (String name : List.of("podinfo", "nginx")) {
      chart
          .append("  - name: ")
          .append(name)
          .append("\n    version: 1.2.3 # ")
          .append(marker(name))
          .append("\n    repository: oci://")
          .append(registry.host())
          .append("/charts\n");
    }
    GitRemoteFixture remote = GitRemoteFixture.create();
    remote.seed(Map.of("Chart.yaml", chart.toString()));
    remotes.add(remote);
    return remote;
  }

  @Test
  void downloadsEachChartPackageOnceForTheWholeFleet(@TempDir Path dir) throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      urls.add(umbrella().url());
    }
    int podinfoBefore = packageDownloads("podinfo").size();
    int nginxBefore = packageDownloads("nginx").size();

    Result r =
        upkeep(
            "fleet",
            "--config",
            config(dir, urls).toString(),
            "--insecure-registry",
            registry.host(),
            "--parallel",
            "3",
            "--cache-dir",
            dir.resolve("cache").toString());

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    // five repositories review the same two moves (1.2.3 -> 1.2.5): two packages of each chart,
    // downloaded once whichever repositories ask at the same time or later
    List<String> podinfo = packageDownloads("podinfo");
    List<String> nginx = packageDownloads("nginx");
    assertThat(podinfo.subList(podinfoBefore, podinfo.size())).hasSize(2).doesNotHaveDuplicates();
    assertThat(nginx.subList(nginxBefore, nginx.size())).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void reportsAFailingRepositoryAndUpdatesTheOthers(@TempDir Path dir) throws Exception {
    String first = repository().url();
    String missing = dir.resolve("missing.git").toUri().toString();
    String last = repository().url();

    Result r =
        upkeep(
            "fleet",
            "--config",
            config(dir, List.of(first, missing, last)).toString(),
            "--insecure-registry",
            registry.host(),
            "--report-dir",
            dir.resolve("reports").toString());

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(remotes).allSatisfy(remote -> assertThat(remote.head("upkeep/update")).isPresent());
    List<String> rows = r.out().lines().skip(1).collect(Collectors.toList());
    assertThat(rows.get(0)).contains(" updated ");
    assertThat(rows.get(1)).contains(missing).contains(" failed ");
    assertThat(rows.get(2)).contains(" updated ");
    assertThat(Files.readString(dir.resolve("reports/02-missing.json")))
        .contains("\"result\": \"failed\"")
        .contains("\"report\": null");
  }

  @Test
  void shardsOneTwoAndThreeOfThreeCoverSevenRepositoriesExactlyOnce(@TempDir Path dir)
      throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      urls.add(repository().url());
    }
    Path config = config(dir, urls);
    List<String> covered = new ArrayList<>();

    for (int i = 1; i <= 3; i++) {
      Path reports = dir.resolve("shard" + i);
      Result r =
          upkeep(
              "fleet",
              "--config",
              config.toString(),
              "--shard",
              i + "/3",
              "--insecure-registry",
              registry.host(),
              "--report-dir",
              reports.toString());
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      try (Stream<Path> files = Files.list(reports)) {
        files.map(p -> p.getFileName().toString()).forEach(covered::add);
      }
    }

    assertThat(covered)
        .containsExactlyInAnyOrder(
            "01-remote.json",
            "02-remote.json",
            "03-remote.json",
            "04-remote.json",
            "05-remote.json",
            "06-remote.json",
            "07-remote.json");
    for (GitRemoteFixture remote : remotes) {
      assertThat(remote.log("upkeep/update")).hasSize(2); // the seed and one update
    }
  }

  @Test
  void refusesAShardOutsideOneToN(@TempDir Path dir) throws Exception {
    Result r =
        upkeep(
            "fleet",
            "--config",
            config(dir, List.of("file:///x.git")).toString(),
            "--shard",
            "4/3");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("a shard is i/n with 1 <= i <= n").contains("\"4/3\"");
  }
}
