package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.ChangeRequestSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitLabOpenerIT {
  static final String TOKEN = "glpat-0123456789";
  static final String PROJECT = "/api/projects/platform%2Fgitops%2Ffleet";
  static final String LIST =
      "GET " + PROJECT + "/merge_requests?state=opened&source_branch=develop&target_branch=main";
  static final ChangeRequestSpec SPEC =
      new ChangeRequestSpec(
          "develop", "main", "Update podinfo", "body", List.of("deps"), List.of("jane"));

  FakeGitHost host;

  @BeforeEach
  void start() throws Exception {
    host = new FakeGitHost();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  GitLabOpener opener() {
    return GitLabOpener.builder("platform/gitops/fleet", TOKEN).apiUrl(host.api()).build();
  }

  @Test
  void opensAMergeRequestWithLabelsAndReviewersLookedUpByName() {
    host.on(LIST, 200, "[]")
        .on("GET /api/users?username=jane", 200, "[{\"id\": 17, \"username\": \"jane\"}]")
        .on(
            "POST " + PROJECT + "/merge_requests",
            201,
            "{\"iid\": 3, \"web_url\": \"https://gitlab.com/platform/gitops/fleet/-/merge_requests/3\"}");

    ChangeRequest mr = opener().openOrUpdate(SPEC);

    assertThat(mr)
        .isEqualTo(
            new ChangeRequest(
                3,
                URI.create("https://gitlab.com/platform/gitops/fleet/-/merge_requests/3"),
                true));
    assertThat(host.lines())
        .containsExactly(
            LIST, "GET /api/users?username=jane", "POST " + PROJECT + "/merge_requests");
    assertThat(host.requests().get(2).json())
        .isEqualTo(
            Map.of(
                "source_branch", "develop",
                "target_branch", "main",
                "title", "Update podinfo",
                "description", "body",
                "labels", "deps",
                "reviewer_ids", List.of(17L)));
    assertThat(host.requests())
        .allSatisfy(r -> assertThat(r.headers()).containsEntry("private-token", TOKEN));
  }

  @Test
  void updatesTheOpenMergeRequestAndAddsLabels() {
    host.on(LIST, 200, "[{\"iid\": 9, \"web_url\": \"u\"}]")
        .on(
            "PUT " + PROJECT + "/merge_requests/9",
            200,
            "{\"iid\": 9, \"web_url\": \"https://gl/mr/9\"}");

    ChangeRequest mr = opener().openOrUpdate(SPEC);

    assertThat(mr).isEqualTo(new ChangeRequest(9, URI.create("https://gl/mr/9"), false));
    assertThat(host.requests().get(1).json())
        .isEqualTo(Map.of("title", "Update podinfo", "description", "body", "add_labels", "deps"));
  }

  @Test
  void namesAReviewerGitLabDoesNotKnow() {
    host.on(LIST, 200, "[]").on("GET /api/users?username=jane", 200, "[]");

    assertThatThrownBy(() -> opener().openOrUpdate(SPEC))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessage("GitLab has no user \"jane\" to ask for review on platform/gitops/fleet");
    assertThat(host.lines()).doesNotContain("POST " + PROJECT + "/merge_requests");
  }

  @Test
  void opensNoMergeRequestAPersonClosedAtTheBranchsCurrentCommit() {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    host.on(LIST, 200, "[]")
        .on(
            "GET "
                + PROJECT
                + "/merge_requests?state=closed&source_branch=develop&target_branch=main",
            200,
            "[{\"iid\": 4, \"sha\": \"ffffffffffffffffffffffffffffffffffffffff\","
                + " \"web_url\": \"https://gitlab.com/platform/gitops/fleet/-/merge_requests/4\"},"
                + " {\"iid\": 3, \"sha\": \""
                + sha
                + "\", \"web_url\": \"https://gitlab.com/platform/gitops/fleet/-/merge_requests/3\"}]");
    ChangeRequestSpec spec =
        new ChangeRequestSpec(
            "develop", "main", "Update podinfo", "body", List.of("deps"), List.of("jane"), sha);

    ChangeRequest mr = opener().openOrUpdate(spec);

    assertThat(mr)
        .isEqualTo(
            ChangeRequest.declined(
                3, URI.create("https://gitlab.com/platform/gitops/fleet/-/merge_requests/3")));
    assertThat(host.lines())
        .containsExactly(
            LIST,
            "GET "
                + PROJECT
                + "/merge_requests?state=closed&source_branch=develop&target_branch=main");
  }

  @Test
  void opensItsOwnMergeRequestRatherThanUpdateAForksFromABranchOfTheSameName() {
    host.on(
            LIST,
            200,
            "[{\"iid\": 9, \"web_url\": \"https://gl/mr/9\", \"source_branch\": \"develop\","
                + " \"source_project_id\": 777, \"target_project_id\": 12}]")
        .on("GET /api/users?username=jane", 200, "[{\"id\": 17, \"username\": \"jane\"}]")
        .on(
            "POST " + PROJECT + "/merge_requests",
            201,
            "{\"iid\": 10, \"web_url\": \"https://gl/mr/10\"}");

    ChangeRequest mr = opener().openOrUpdate(SPEC);

    assertThat(mr).isEqualTo(new ChangeRequest(10, URI.create("https://gl/mr/10"), true));
    assertThat(host.lines()).doesNotContain("PUT " + PROJECT + "/merge_requests/9");
  }
}
