package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.ChangeRequestSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubOpenerIT {
  static final String TOKEN = "ghp_0123456789abcdef";
  static final String LIST =
      "GET /api/repos/org/fleet/pulls?state=open&head=org%3Adevelop&base=main&per_page=10";
  static final ChangeRequestSpec SPEC =
      new ChangeRequestSpec(
          "develop",
          "main",
          "Update podinfo to 6.5.4",
          "| env | chart |\n",
          List.of("deps"),
          List.of("jane"));

  FakeGitHost host;

  @BeforeEach
  void start() throws Exception {
    host = new FakeGitHost();
  }

  @AfterEach
  void stop() {
    host.close();
  }

  GitHubOpener opener() {
    return GitHubOpener.builder("org/fleet", TOKEN)
        .apiUrl(host.api())
        .labels(List.of("upkeep"))
        .build();
  }

  @Test
  void opensAPullRequestWithLabelsAndReviewersWhenNoneIsOpen() {
    host.on(LIST, 200, "[]")
        .on(
            "POST /api/repos/org/fleet/pulls",
            201,
            "{\"number\": 42, \"html_url\": \"https://github.com/org/fleet/pull/42\"}")
        .on("POST /api/repos/org/fleet/issues/42/labels", 200, "[]")
        .on("POST /api/repos/org/fleet/pulls/42/requested_reviewers", 201, "{}");

    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr)
        .isEqualTo(new ChangeRequest(42, URI.create("https://github.com/org/fleet/pull/42"), true));
    assertThat(host.lines())
        .containsExactly(
            LIST,
            "POST /api/repos/org/fleet/pulls",
            "POST /api/repos/org/fleet/issues/42/labels",
            "POST /api/repos/org/fleet/pulls/42/requested_reviewers");
    List<FakeGitHost.Request> r = host.requests();
    assertThat(r.get(1).json())
        .isEqualTo(
            Map.of(
                "title", "Update podinfo to 6.5.4",
                "head", "develop",
                "base", "main",
                "body", "| env | chart |\n"));
    assertThat(r.get(2).json()).isEqualTo(Map.of("labels", List.of("upkeep", "deps")));
    assertThat(r.get(3).json()).isEqualTo(Map.of("reviewers", List.of("jane")));
    assertThat(r)
        .allSatisfy(
            q -> {
              assertThat(q.headers()).containsEntry("authorization", "Bearer " + TOKEN);
              assertThat(q.headers()).containsEntry("accept", "application/vnd.github+json");
              assertThat(q.headers()).containsEntry("x-github-api-version", "2022-11-28");
            });
  }

  @Test
  void updatesTheOpenPullRequestInsteadOfOpeningASecond() {
    host.on(LIST, 200, "[{\"number\": 7, \"html_url\": \"https://github.com/org/fleet/pull/7\"}]")
        .on(
            "PATCH /api/repos/org/fleet/pulls/7",
            200,
            "{\"number\": 7, \"html_url\": \"https://github.com/org/fleet/pull/7\"}")
        .on("POST /api/repos/org/fleet/issues/7/labels", 200, "[]");

    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr.created()).isFalse();
    assertThat(pr.number()).isEqualTo(7);
    assertThat(host.lines())
        .containsExactly(
            LIST,
            "PATCH /api/repos/org/fleet/pulls/7",
            "POST /api/repos/org/fleet/issues/7/labels");
    assertThat(host.requests().get(1).json())
        .isEqualTo(Map.of("title", "Update podinfo to 6.5.4", "body", "| env | chart |\n"));
  }

  @Test
  void reportsARefusalWithTheHostsMessageAndWithoutTheToken() {
    host.on(LIST, 200, "[]")
        .on(
            "POST /api/repos/org/fleet/pulls",
            422,
            "{\"message\":\"Validation Failed\",\"errors\":[{\"message\":\"No commits between main and develop\"}]}");

    assertThatThrownBy(() -> opener().openOrUpdate(SPEC))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("GitHub answered 422 to POST /repos/org/fleet/pulls for org/fleet")
        .hasMessageContaining("No commits between main and develop")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
  }

  @Test
  void explainsAnUnauthorizedToken() {
    host.on(LIST, 401, "{\"message\":\"Bad credentials\"}");

    assertThatThrownBy(() -> opener().openOrUpdate(SPEC))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("token is missing, wrong or expired")
        .hasMessageContaining("Bad credentials");
  }

  @Test
  void validatesItsSettings() {
    assertThatThrownBy(() -> GitHubOpener.builder("fleet", TOKEN).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("\"owner/name\"");
    assertThatThrownBy(() -> GitHubOpener.builder("org/fleet", " ").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("token");
    assertThatThrownBy(
            () ->
                GitHubOpener.builder("org/fleet", TOKEN)
                    .apiUrl(URI.create("https://u:p@api.github.com"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must not carry credentials");
  }

  @Test
  void explainsARateLimitAsOneAndNotAsAMissingPermission() {
    host.on(
        LIST,
        403,
        "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes"
            + " before you try again.\",\"documentation_url\":\"https://docs.github.com/rest\"}");

    assertThatThrownBy(() -> opener().openOrUpdate(SPEC))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("GitHub answered 403")
        .hasMessageContaining("org/fleet")
        .hasMessageContaining("secondary rate limit")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("lacks a permission"));
  }
}
