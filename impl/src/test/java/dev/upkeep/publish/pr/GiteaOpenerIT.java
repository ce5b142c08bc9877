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

class GiteaOpenerIT {
  static final String TOKEN = "gitea-0123456789";
  static final String LIST = "GET /api/repos/org/fleet/pulls?state=open&limit=50&page=1";
  static final String LABELS = "GET /api/repos/org/fleet/labels?limit=50&page=1";
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

  GiteaOpener opener() {
    return GiteaOpener.builder(host.api(), "org/fleet", TOKEN).build();
  }

  @Test
  void opensAPullRequestAndAddsLabelsById() {
    host.on(
            LIST,
            200,
            "[{\"number\": 1, \"head\": {\"ref\": \"feature\"}, \"base\": {\"ref\": \"main\"}}]")
        .on(
            "POST /api/repos/org/fleet/pulls",
            201,
            "{\"number\": 5, \"html_url\": \"https://codeberg.org/org/fleet/pulls/5\"}")
        .on(LABELS, 200, "[{\"id\": 11, \"name\": \"deps\"}, {\"id\": 12, \"name\": \"bug\"}]")
        .on("POST /api/repos/org/fleet/issues/5/labels", 200, "[]")
        .on("POST /api/repos/org/fleet/pulls/5/requested_reviewers", 201, "[]");

    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr)
        .isEqualTo(
            new ChangeRequest(5, URI.create("https://codeberg.org/org/fleet/pulls/5"), true));
    assertThat(host.lines())
        .containsExactly(
            LABELS,
            LIST,
            "POST /api/repos/org/fleet/pulls",
            "POST /api/repos/org/fleet/issues/5/labels",
            "POST /api/repos/org/fleet/pulls/5/requested_reviewers");
    assertThat(host.requests().get(2).json())
        .isEqualTo(
            Map.of("head", "develop", "base", "main", "title", "Update podinfo", "body", "body"));
    assertThat(host.requests().get(3).json()).isEqualTo(Map.of("labels", List.of(11L)));
    assertThat(host.requests().get(4).json()).isEqualTo(Map.of("reviewers", List.of("jane")));
    assertThat(host.requests())
        .allSatisfy(r -> assertThat(r.headers()).containsEntry("authorization", "token " + TOKEN));
  }

  @Test
  void updatesTheOpenPullRequestFromTheSameBranches() {
    host.on(
            LIST,
            200,
            "[{\"number\": 8, \"head\": {\"ref\": \"develop\"}, \"base\": {\"ref\": \"main\"}}]")
        .on(
            "PATCH /api/repos/org/fleet/pulls/8",
            200,
            "{\"number\": 8, \"html_url\": \"https://g/8\"}")
        .on(LABELS, 200, "[{\"id\": 11, \"name\": \"deps\"}]")
        .on("POST /api/repos/org/fleet/issues/8/labels", 200, "[]");

    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr).isEqualTo(new ChangeRequest(8, URI.create("https://g/8"), false));
    assertThat(host.lines())
        .doesNotContain("POST /api/repos/org/fleet/pulls/8/requested_reviewers");
  }

  @Test
  void namesALabelTheRepositoryDoesNotHave() {
    host.on(LIST, 200, "[]")
        .on(
            "POST /api/repos/org/fleet/pulls",
            201,
            "{\"number\": 5, \"html_url\": \"https://g/5\"}")
        .on(LABELS, 200, "[]");

    assertThatThrownBy(() -> opener().openOrUpdate(SPEC))
        .isInstanceOf(ChangeRequestException.class)
        .hasMessageContaining("has no label \"deps\"");
    assertThat(host.lines()).containsExactly(LABELS);
  }

  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String CLOSED =
      "GET /api/repos/org/fleet/pulls?state=closed&sort=recentupdate&limit=50&page=1";
  static final ChangeRequestSpec AT_SHA =
      new ChangeRequestSpec(
          "develop", "main", "Update podinfo", "body", List.of("deps"), List.of("jane"), SHA);

  /** No open pull request, and #6 from develop into main closed at {@link #SHA}. */
  void closedAtSha(boolean merged) {
    host.on(LIST, 200, "[]")
        .on(LABELS, 200, "[{\"id\": 11, \"name\": \"deps\"}]")
        .on(
            CLOSED,
            200,
            "[{\"number\": 6, \"merged\": "
                + merged
                + ", \"html_url\": \"https://codeberg.org/org/fleet/pulls/6\","
                + " \"head\": {\"ref\": \"develop\", \"sha\": \""
                + SHA
                + "\"}, \"base\": {\"ref\": \"main\"}}]");
  }

  @Test
  void opensNoPullRequestAPersonClosedUnmergedAtTheBranchsCurrentCommit() {
    closedAtSha(false);

    ChangeRequest pr = opener().openOrUpdate(AT_SHA);

    assertThat(pr)
        .isEqualTo(ChangeRequest.declined(6, URI.create("https://codeberg.org/org/fleet/pulls/6")));
    assertThat(host.lines()).containsExactly(LABELS, LIST, CLOSED);
  }

  @Test
  void opensANewPullRequestWhenTheClosedOneWasMerged() {
    closedAtSha(true);
    host.on(
            "POST /api/repos/org/fleet/pulls",
            201,
            "{\"number\": 7, \"html_url\": \"https://codeberg.org/org/fleet/pulls/7\"}")
        .on("POST /api/repos/org/fleet/issues/7/labels", 200, "[]")
        .on("POST /api/repos/org/fleet/pulls/7/requested_reviewers", 201, "[]");

    ChangeRequest pr = opener().openOrUpdate(AT_SHA);

    assertThat(pr)
        .isEqualTo(
            new ChangeRequest(7, URI.create("https://codeberg.org/org/fleet/pulls/7"), true));
  }

  @Test
  void opensItsOwnPullRequestRatherThanUpdateAForksFromABranchOfTheSameName() {
    host.on(
            LIST,
            200,
            "[{\"number\": 8, \"head\": {\"ref\": \"develop\", \"repo\": {\"full_name\":"
                + " \"someone/fleet\"}}, \"base\": {\"ref\": \"main\", \"repo\":"
                + " {\"full_name\": \"org/fleet\"}}}]")
        .on(LABELS, 200, "[{\"id\": 11, \"name\": \"deps\"}]")
        .on(
            "POST /api/repos/org/fleet/pulls",
            201,
            "{\"number\": 9, \"html_url\": \"https://g/9\"}")
        .on("POST /api/repos/org/fleet/issues/9/labels", 200, "[]")
        .on("POST /api/repos/org/fleet/pulls/9/requested_reviewers", 201, "[]");

    ChangeRequest pr = opener().openOrUpdate(SPEC);

    assertThat(pr).isEqualTo(new ChangeRequest(9, URI.create("https://g/9"), true));
    assertThat(host.lines()).doesNotContain("PATCH /api/repos/org/fleet/pulls/8");
  }
}
