package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.publish.OpenChangeRequest;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Listing a grouped run's open requests and closing one with a comment, on each forge's API. */
class OpenRequestsIT {

  FakeGitHost host;

  @BeforeEach
  void start() throws Exception {
    host = new FakeGitHost();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  static String pull(int number, String ref, String repo, String base) {
    return "{\"number\": "
        + number
        + ", \"html_url\": \"https://forge.test/pull/"
        + number
        + "\", \"head\": {\"ref\": \""
        + ref
        + "\", \"repo\": {\"full_name\": \""
        + repo
        + "\"}}, \"base\": {\"ref\": \""
        + base
        + "\"}}";
  }

  @Nested
  class GitHub {
    GitHubOpener opener() {
      return GitHubOpener.builder("org/fleet", "ghp_token").apiUrl(host.api()).build();
    }

    @Test
    void listsOpenPullRequestsFromBranchesWithThePrefixInThisRepositoryOnly() {
      host.on(
          "GET /api/repos/org/fleet/pulls?state=open&base=main&per_page=100",
          200,
          "["
              + pull(1, "upkeep/update-podinfo", "org/fleet", "main")
              + ","
              + pull(2, "feature/x", "org/fleet", "main")
              + ","
              + pull(3, "upkeep/update-web", "someone/fleet", "main")
              + "]");

      assertThat(opener().openRequests("upkeep/update-", "main"))
          .containsExactly(
              new OpenChangeRequest(
                  1, URI.create("https://forge.test/pull/1"), "upkeep/update-podinfo", "main"));
    }

    @Test
    void listsTheOpenPullRequestsOnTheSecondPageToo() {
      StringBuilder first = new StringBuilder("[");
      for (int i = 1; i <= 100; i++) {
        first.append(i == 1 ? "" : ",").append(pull(100 + i, "feature/" + i, "org/fleet", "main"));
      }
      host.on(
              "GET /api/repos/org/fleet/pulls?state=open&base=main&per_page=100",
              200,
              first.append("]").toString())
          .on(
              "GET /api/repos/org/fleet/pulls?state=open&base=main&per_page=100&page=2",
              200,
              "[" + pull(1, "upkeep/update-podinfo", "org/fleet", "main") + "]");

      assertThat(opener().openRequests("upkeep/update-", "main"))
          .containsExactly(
              new OpenChangeRequest(
                  1, URI.create("https://forge.test/pull/1"), "upkeep/update-podinfo", "main"));
    }

    @Test
    void commentsThenClosesWithoutMerging() {
      host.on("POST /api/repos/org/fleet/issues/7/comments", 201, "{}")
          .on("PATCH /api/repos/org/fleet/pulls/7", 200, "{}");

      opener().close(7, "already on `main`");

      assertThat(host.lines())
          .containsExactly(
              "POST /api/repos/org/fleet/issues/7/comments", "PATCH /api/repos/org/fleet/pulls/7");
      assertThat(host.requests().get(0).json()).isEqualTo(Map.of("body", "already on `main`"));
      assertThat(host.requests().get(1).json()).isEqualTo(Map.of("state", "closed"));
    }
  }

  @Nested
  class GitLab {
    static final String PROJECT = "/api/projects/platform%2Ffleet";

    GitLabOpener opener() {
      return GitLabOpener.builder("platform/fleet", "glpat-token").apiUrl(host.api()).build();
    }

    @Test
    void listsOpenMergeRequestsFromBranchesWithThePrefixInThisProjectOnly() {
      host.on(
          "GET " + PROJECT + "/merge_requests?state=opened&target_branch=main&per_page=100",
          200,
          "[{\"iid\": 4, \"web_url\": \"https://gitlab.test/mr/4\", \"source_branch\":"
              + " \"upkeep/update-web\", \"source_project_id\": 9, \"target_project_id\": 9},"
              + "{\"iid\": 5, \"web_url\": \"https://gitlab.test/mr/5\", \"source_branch\":"
              + " \"upkeep/update-db\", \"source_project_id\": 10, \"target_project_id\": 9}]");

      assertThat(opener().openRequests("upkeep/update-", "main"))
          .containsExactly(
              new OpenChangeRequest(
                  4, URI.create("https://gitlab.test/mr/4"), "upkeep/update-web", "main"));
    }

    @Test
    void listsTheOpenMergeRequestsOnTheSecondPageToo() {
      StringBuilder first = new StringBuilder("[");
      for (int i = 1; i <= 100; i++) {
        first
            .append(i == 1 ? "" : ",")
            .append("{\"iid\": ")
            .append(100 + i)
            .append(", \"web_url\": \"u\", \"source_branch\": \"feature/")
            .append(i)
            .append("\", \"source_project_id\": 9, \"target_project_id\": 9}");
      }
      host.on(
              "GET " + PROJECT + "/merge_requests?state=opened&target_branch=main&per_page=100",
              200,
              first.append("]").toString())
          .on(
              "GET "
                  + PROJECT
                  + "/merge_requests?state=opened&target_branch=main&per_page=100&page=2",
              200,
              "[{\"iid\": 4, \"web_url\": \"https://gitlab.test/mr/4\", \"source_branch\":"
                  + " \"upkeep/update-web\", \"source_project_id\": 9, \"target_project_id\": 9}]");

      assertThat(opener().openRequests("upkeep/update-", "main"))
          .containsExactly(
              new OpenChangeRequest(
                  4, URI.create("https://gitlab.test/mr/4"), "upkeep/update-web", "main"));
    }

    @Test
    void addsANoteThenClosesWithoutMerging() {
      host.on("POST " + PROJECT + "/merge_requests/4/notes", 201, "{}")
          .on("PUT " + PROJECT + "/merge_requests/4", 200, "{}");

      opener().close(4, "superseded");

      assertThat(host.lines())
          .containsExactly(
              "POST " + PROJECT + "/merge_requests/4/notes",
              "PUT " + PROJECT + "/merge_requests/4");
      assertThat(host.requests().get(1).json()).isEqualTo(Map.of("state_event", "close"));
    }
  }

  @Nested
  class Gitea {
    GiteaOpener opener() {
      return GiteaOpener.builder(host.api(), "org/fleet", "gitea-token").build();
    }

    @Test
    void listsOpenPullRequestsIntoTheTargetFromBranchesWithThePrefix() {
      host.on(
          "GET /api/repos/org/fleet/pulls?state=open&limit=50&page=1",
          200,
          "["
              + pull(1, "upkeep/update-podinfo", "org/fleet", "main")
              + ","
              + pull(2, "upkeep/update-web", "org/fleet", "release")
              + "]");

      assertThat(opener().openRequests("upkeep/update-", "main"))
          .extracting(OpenChangeRequest::number)
          .containsExactly(1L);
    }

    @Test
    void commentsThenClosesWithoutMerging() {
      host.on("POST /api/repos/org/fleet/issues/3/comments", 201, "{}")
          .on("PATCH /api/repos/org/fleet/pulls/3", 200, "{}");

      opener().close(3, "merged already");

      assertThat(host.lines())
          .containsExactly(
              "POST /api/repos/org/fleet/issues/3/comments", "PATCH /api/repos/org/fleet/pulls/3");
      assertThat(host.requests().get(1).json()).isEqualTo(Map.of("state", "closed"));
    }
  }
}
