package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.ChangeRequestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Every request {@link GitHubOpener} makes, checked against GitHub's official OpenAPI description
 * (npm {@code @octokit/openapi}) by Prism in {@code --errors} mode: a wrong path, method, parameter
 * or body fails here. What Prism cannot check is state (which pull request is open, that labels
 * stick): {@link GitHubOpenerIT} and {@link PullRequestReconcileIT} cover that on scripted fakes.
 */
class GitHubOpenerContractIT {
  /** The operations GitHubOpener uses; a request outside them is answered 404 or 405. */
  static final Map<String, Set<String>> OPERATIONS =
      Map.of(
          "/repos/{owner}/{repo}/pulls", Set.of("get", "post"),
          "/repos/{owner}/{repo}/pulls/{pull_number}", Set.of("patch"),
          "/repos/{owner}/{repo}/issues/{issue_number}/labels", Set.of("post"),
          "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", Set.of("post"));

  static final ChangeRequestSpec SPEC =
      new ChangeRequestSpec(
          "upkeep/update",
          "main",
          "Update podinfo to 6.5.4",
          "| env | chart |\n|---|---|\n| dev | `6.5.4` |\n",
          List.of("dependencies"),
          List.of("jane"));

  static Path work;
  static PrismForge github;
  static String missing;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("upkeep-contract-");
    try {
      github = PrismForge.github(OPERATIONS, work);
    } catch (TestAbortedException e) {
      // Reported on every test, so that the build lists each one as skipped with the reason.
      missing = e.getMessage();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (github != null) {
      github.close();
    }
    Files.deleteIfExists(work.resolve("github-subset.json"));
    Files.deleteIfExists(work);
  }

  int seen;

  @BeforeEach
  void mark() {
    assumeTrue(missing == null, missing);
    github.noEmptyLists(); // each test says what it needs, whatever ran before it
    seen = github.exchanges().size();
  }

  List<PrismForge.Exchange> exchanges() {
    List<PrismForge.Exchange> all = github.exchanges();
    return all.subList(seen, all.size());
  }

  GitHubOpener opener() {
    return GitHubOpener.builder("org/fleet", "ghp_0123456789abcdef")
        .apiUrl(github.api())
        .labels(List.of("upkeep"))
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  @Test
  void opensAPullRequestWithLabelsAndReviewersThroughRequestsTheDescriptionAllows() {
    github.emptyList("/repos/org/fleet/pulls");

    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr.created()).isTrue();
    assertThat(exchanges())
        .extracting(PrismForge.Exchange::line)
        .containsExactly(
            "GET /repos/org/fleet/pulls",
            "POST /repos/org/fleet/pulls",
            "POST /repos/org/fleet/issues/{number}/labels",
            "POST /repos/org/fleet/pulls/{number}/requested_reviewers");
    assertThat(exchanges()).allSatisfy(e -> assertThat(e.violations()).isEmpty());
  }

  @Test
  void looksForARequestClosedAtTheSameCommitThroughRequestsTheDescriptionAllows() {
    github.emptyList("/repos/org/fleet/pulls");
    ChangeRequestSpec spec =
        new ChangeRequestSpec(
            SPEC.sourceBranch(),
            SPEC.targetBranch(),
            SPEC.title(),
            SPEC.body(),
            SPEC.labels(),
            SPEC.reviewers(),
            "6dcb09b5b57875f334f61aebed695e2e4193db5e");

    ChangeRequest pr = opener().openOrUpdate(spec);

    assertThat(pr.created()).isTrue();
    assertThat(exchanges())
        .extracting(PrismForge.Exchange::line)
        .containsExactly(
            "GET /repos/org/fleet/pulls",
            "GET /repos/org/fleet/pulls",
            "POST /repos/org/fleet/pulls",
            "POST /repos/org/fleet/issues/{number}/labels",
            "POST /repos/org/fleet/pulls/{number}/requested_reviewers");
    assertThat(exchanges()).allSatisfy(e -> assertThat(e.violations()).isEmpty());
  }

  @Test
  void updatesTheOpenPullRequestThroughRequestsTheDescriptionAllows() {
    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr.created()).isFalse();
    assertThat(exchanges())
        .extracting(PrismForge.Exchange::line)
        .containsExactly(
            "GET /repos/org/fleet/pulls",
            "PATCH /repos/org/fleet/pulls/{number}",
            "POST /repos/org/fleet/issues/{number}/labels");
    assertThat(exchanges()).allSatisfy(e -> assertThat(e.violations()).isEmpty());
  }

  @Test
  void aRequestTheDescriptionDoesNotAllowFails() {
    RestClient client =
        new RestClient("GitHub", "org/fleet", github.api(), Map.of(), Duration.ofSeconds(60));

    assertThatThrownBy(() -> client.send("POST", "/repos/org/fleet/issues/1/labels", "bug"))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("answered 422");
    assertThatThrownBy(
            () -> client.send("POST", "/repos/org/fleet/pulls", Map.of("title", "no head")))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("answered 422");
    assertThatThrownBy(() -> client.get("/repos/org/fleet/pulls?state=opened"))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("answered 422");
    assertThatThrownBy(() -> client.get("/repos/org/fleet/pull?state=open"))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("answered 404");
    assertThatThrownBy(() -> client.send("PUT", "/repos/org/fleet/pulls/1", Map.of()))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("answered 405");
    assertThat(exchanges())
        .extracting(PrismForge.Exchange::status)
        .containsExactly(422, 422, 422, 404, 405);
    assertThat(exchanges().get(0).violations()).contains("Request body must be object");
    assertThat(exchanges().get(1).violations()).contains("must have required property 'head'");
    assertThat(exchanges().get(2).violations()).contains("state");
  }
}
