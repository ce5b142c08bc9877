package dev.upkeep.publish.pr;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.ChangeRequestOpener;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.OpenChangeRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens or updates a GitLab merge request through the REST API v4 ({@code gitlab.com} or a
 * self-managed instance's {@code https://HOST/api/v4}).
 *
 * <p>It looks for an opened merge request from the push branch into the target branch and updates
 * its title and description; only when there is none does it open one, with the reviewers (looked
 * up by user name). Labels are added either way. Immutable and thread-safe.
 */
public final class GitLabOpener implements ChangeRequestOpener, AutoCloseable {
  private final String project;
  private final String path;
  private final RestClient client;
  private final List<String> labels;
  private final List<String> reviewers;

  private GitLabOpener(Builder b) {
    this.project = b.project;
    this.path = "/projects/" + OpenerSettings.encode(b.project);
    this.labels = List.copyOf(b.labels);
    this.reviewers = List.copyOf(b.reviewers);
    this.client =
        new RestClient("GitLab", b.project, b.apiUrl, Map.of("PRIVATE-TOKEN", b.token), b.timeout);
  }

  /**
   * Starts an opener for {@code project} ({@code group/subgroup/project}) authenticated with a
   * personal, group or project access token with the {@code api} scope.
   */
  public static Builder builder(String project, String token) {
    return new Builder(project, token);
  }

  @Override
  public ChangeRequest openOrUpdate(ChangeRequestSpec spec) {
    List<?> found =
        RestClient.list(
                client.get(
                    path
                        + "/merge_requests?state=opened&source_branch="
                        + OpenerSettings.encode(spec.sourceBranch())
                        + "&target_branch="
                        + OpenerSettings.encode(spec.targetBranch())))
            .stream()
            .filter(GitLabOpener::fromThisProject)
            .toList();
    if (found.isEmpty() && !spec.headCommit().isEmpty()) {
      // closed, not merged (GitLab says "merged" for those), at the very commit the branch is at
      for (Object closed :
          RestClient.list(
              client.get(
                  path
                      + "/merge_requests?state=closed&source_branch="
                      + OpenerSettings.encode(spec.sourceBranch())
                      + "&target_branch="
                      + OpenerSettings.encode(spec.targetBranch())))) {
        if (fromThisProject(closed) && spec.headCommit().equals(RestClient.text(closed, "sha"))) {
          return ChangeRequest.declined(
              RestClient.number(closed, "iid", "GitLab"),
              URI.create(RestClient.text(closed, "web_url")));
        }
      }
    }
    List<String> allLabels = OpenerSettings.union(labels, spec.labels());
    Object mr;
    boolean created;
    if (!found.isEmpty()) {
      long iid = RestClient.number(found.get(0), "iid", "GitLab");
      Map<String, Object> update = new LinkedHashMap<>();
      update.put("title", spec.title());
      update.put("description", spec.body());
      if (!allLabels.isEmpty()) {
        update.put("add_labels", String.join(",", allLabels));
      }
      mr = client.send("PUT", path + "/merge_requests/" + iid, update);
      created = false;
    } else {
      Map<String, Object> create = new LinkedHashMap<>();
      create.put("source_branch", spec.sourceBranch());
      create.put("target_branch", spec.targetBranch());
      create.put("title", spec.title());
      create.put("description", spec.body());
      if (!allLabels.isEmpty()) {
        create.put("labels", String.join(",", allLabels));
      }
      List<String> names = OpenerSettings.union(reviewers, spec.reviewers());
      if (!names.isEmpty()) {
        create.put("reviewer_ids", userIds(names));
      }
      mr = client.send("POST", path + "/merge_requests", create);
      created = true;
    }
    return new ChangeRequest(
        RestClient.number(mr, "iid", "GitLab"),
        URI.create(RestClient.text(mr, "web_url")),
        created);
  }

  private List<Long> userIds(List<String> names) {
    List<Long> ids = new ArrayList<>();
    for (String name : names) {
      List<?> users = RestClient.list(client.get("/users?username=" + OpenerSettings.encode(name)));
      if (users.isEmpty()) {
        throw new ChangeRequestException(
            "GitLab has no user \"" + name + "\" to ask for review on " + project);
      }
      ids.add(RestClient.number(users.get(0), "id", "GitLab"));
    }
    return ids;
  }

  @Override
  public List<OpenChangeRequest> openRequests(String branchPrefix, String targetBranch) {
    List<OpenChangeRequest> out = new ArrayList<>();
    // up to 2,000 open merge requests, 100 a page
    for (int page = 1; page <= 20; page++) {
      List<?> open =
          RestClient.list(
              client.get(
                  path
                      + "/merge_requests?state=opened&target_branch="
                      + OpenerSettings.encode(targetBranch)
                      + "&per_page=100"
                      + (page == 1 ? "" : "&page=" + page)));
      for (Object mr : open) {
        String ref = RestClient.text(mr, "source_branch");
        if (ref != null && ref.startsWith(branchPrefix) && fromThisProject(mr)) {
          out.add(
              new OpenChangeRequest(
                  RestClient.number(mr, "iid", "GitLab"),
                  URI.create(RestClient.text(mr, "web_url")),
                  ref,
                  targetBranch));
        }
      }
      if (open.size() < 100) {
        break;
      }
    }
    return out;
  }

  /** Whether a merge request's source is this project: one from a fork has another. */
  private static boolean fromThisProject(Object mr) {
    return String.valueOf(RestClient.field(mr, "source_project_id"))
        .equals(String.valueOf(RestClient.field(mr, "target_project_id")));
  }

  @Override
  public void close(long number, String comment) {
    client.send("POST", path + "/merge_requests/" + number + "/notes", Map.of("body", comment));
    client.send("PUT", path + "/merge_requests/" + number, Map.of("state_event", "close"));
  }

  @Override
  public String toString() {
    return "GitLabOpener[" + project + "]";
  }

  /** Configures a {@link GitLabOpener}. */
  public static final class Builder {
    private final String project;
    private final String token;
    private URI apiUrl = URI.create("https://gitlab.com/api/v4");
    private List<String> labels = List.of();
    private List<String> reviewers = List.of();
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(String project, String token) {
      this.project = project;
      this.token = token;
    }

    /** The API root; {@code https://gitlab.com/api/v4} unless set. */
    public Builder apiUrl(URI url) {
      this.apiUrl = url;
      return this;
    }

    /** Labels to add to every merge request, besides those of the spec. */
    public Builder labels(List<String> labels) {
      this.labels = List.copyOf(labels);
      return this;
    }

    /** User names to ask for review when a merge request is opened, besides those of the spec. */
    public Builder reviewers(List<String> reviewers) {
      this.reviewers = List.copyOf(reviewers);
      return this;
    }

    /** The timeout of each API request; 30 seconds unless set. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Validates and builds the opener.
     *
     * @throws dev.upkeep.ConfigurationException naming the setting that is wrong
     */
    public GitLabOpener build() {
      OpenerSettings.repository(project, true);
      OpenerSettings.token(token, "GitLab", "UPKEEP_GITLAB_TOKEN");
      OpenerSettings.apiUrl(apiUrl);
      OpenerSettings.timeout(timeout);
      return new GitLabOpener(this);
    }
  }

  /**
   * Stops this opener's HTTP connection threads. Optional (they are daemon threads), but a JVM that
   * exits with one open waits up to 300 ms for it. A later call opens new connections.
   */
  @Override
  public void close() {
    client.close();
  }
}
