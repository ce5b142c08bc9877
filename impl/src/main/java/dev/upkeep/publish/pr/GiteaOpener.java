package dev.upkeep.publish.pr;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestException;
import dev.upkeep.publish.ChangeRequestOpener;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.OpenChangeRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens or updates a pull request on Gitea or Forgejo (Codeberg included) through the REST API
 * {@code https://HOST/api/v1}.
 *
 * <p>It pages through the open pull requests for one from the push branch into the target branch
 * and updates its title and body; only when there is none does it open one, and asks the reviewers
 * then. Labels, which the API takes by id, are looked up by name and added either way. Immutable
 * and thread-safe.
 */
public final class GiteaOpener implements ChangeRequestOpener, AutoCloseable {
  private static final int PAGE = 50;
  private static final int MAX_PAGES = 20;

  private final String repository;
  private final RestClient client;
  private final List<String> labels;
  private final List<String> reviewers;

  private GiteaOpener(Builder b) {
    this.repository = b.repository;
    this.labels = List.copyOf(b.labels);
    this.reviewers = List.copyOf(b.reviewers);
    this.client =
        new RestClient(
            "Gitea",
            b.repository,
            b.apiUrl,
            Map.of("Authorization", "token " + b.token),
            b.timeout);
  }

  /**
   * Starts an opener for {@code repository} ({@code owner/name}) on the server whose API root is
   * {@code apiUrl} ({@code https://codeberg.org/api/v1}), with an access token that may write
   * issues and the repository.
   */
  public static Builder builder(URI apiUrl, String repository, String token) {
    return new Builder(apiUrl, repository, token);
  }

  @Override
  public ChangeRequest openOrUpdate(ChangeRequestSpec spec) {
    String repo = "/repos/" + repository;
    // Resolve labels first, so an unknown label fails before anything is opened.
    List<String> allLabels = OpenerSettings.union(labels, spec.labels());
    List<Long> labelIds = allLabels.isEmpty() ? List.of() : labelIds(repo, allLabels);
    Object pr = find(repo, spec, "open");
    if (pr == null && !spec.headCommit().isEmpty()) {
      Object closed = find(repo, spec, "closed");
      if (closed != null
          && !Boolean.TRUE.equals(RestClient.field(closed, "merged"))
          && spec.headCommit().equals(RestClient.text(RestClient.field(closed, "head"), "sha"))) {
        return ChangeRequest.declined(
            RestClient.number(closed, "number", "Gitea"),
            URI.create(RestClient.text(closed, "html_url")));
      }
    }
    boolean created;
    if (pr != null) {
      long number = RestClient.number(pr, "number", "Gitea");
      Map<String, Object> patch = new LinkedHashMap<>();
      patch.put("title", spec.title());
      patch.put("body", spec.body());
      pr = client.send("PATCH", repo + "/pulls/" + number, patch);
      created = false;
    } else {
      Map<String, Object> create = new LinkedHashMap<>();
      create.put("head", spec.sourceBranch());
      create.put("base", spec.targetBranch());
      create.put("title", spec.title());
      create.put("body", spec.body());
      pr = client.send("POST", repo + "/pulls", create);
      created = true;
    }
    long number = RestClient.number(pr, "number", "Gitea");
    if (!labelIds.isEmpty()) {
      client.send("POST", repo + "/issues/" + number + "/labels", Map.of("labels", labelIds));
    }
    List<String> allReviewers = OpenerSettings.union(reviewers, spec.reviewers());
    if (created && !allReviewers.isEmpty()) {
      client.send(
          "POST",
          repo + "/pulls/" + number + "/requested_reviewers",
          Map.of("reviewers", allReviewers));
    }
    return new ChangeRequest(number, URI.create(RestClient.text(pr, "html_url")), created);
  }

  /**
   * The first pull request in {@code state} from the spec's branch into its target, or null: any
   * open one, or among the most recently updated closed ones (one page).
   */
  private Object find(String repo, ChangeRequestSpec spec, String state) {
    boolean closed = state.equals("closed");
    String order = closed ? "&sort=recentupdate" : "";
    for (int page = 1; page <= (closed ? 1 : MAX_PAGES); page++) {
      List<?> prs =
          RestClient.list(
              client.get(
                  repo + "/pulls?state=" + state + order + "&limit=" + PAGE + "&page=" + page));
      for (Object pr : prs) {
        Object head = RestClient.field(pr, "head");
        String from = RestClient.text(RestClient.field(head, "repo"), "full_name");
        // a fork's pull request from a branch of the same name is not this branch's
        if (spec.sourceBranch().equals(RestClient.text(head, "ref"))
            && (from == null || repository.equalsIgnoreCase(from))
            && spec.targetBranch().equals(RestClient.text(RestClient.field(pr, "base"), "ref"))) {
          return pr;
        }
      }
      if (prs.size() < PAGE) {
        return null;
      }
    }
    return null;
  }

  private List<Long> labelIds(String repo, List<String> names) {
    Map<String, Long> byName = new HashMap<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      List<?> found = RestClient.list(client.get(repo + "/labels?limit=" + PAGE + "&page=" + page));
      for (Object l : found) {
        byName.put(RestClient.text(l, "name"), RestClient.number(l, "id", "Gitea"));
      }
      if (found.size() < PAGE) {
        break;
      }
    }
    List<Long> ids = new ArrayList<>();
    for (String name : names) {
      Long id = byName.get(name);
      if (id == null) {
        throw new ChangeRequestException(
            "Gitea repository " + repository + " has no label \"" + name + "\"; create it first");
      }
      ids.add(id);
    }
    return ids;
  }

  @Override
  public List<OpenChangeRequest> openRequests(String branchPrefix, String targetBranch) {
    String repo = "/repos/" + repository;
    List<OpenChangeRequest> out = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      List<?> prs =
          RestClient.list(client.get(repo + "/pulls?state=open&limit=" + PAGE + "&page=" + page));
      for (Object pr : prs) {
        OpenChangeRequest r =
            RestClient.pullFrom(pr, repository, branchPrefix, targetBranch, "Gitea");
        if (r != null) {
          out.add(r);
        }
      }
      if (prs.size() < PAGE) {
        break;
      }
    }
    return out;
  }

  @Override
  public void close(long number, String comment) {
    client.commentThenClose("/repos/" + repository, number, comment);
  }

  @Override
  public String toString() {
    return "GiteaOpener[" + repository + "]";
  }

  /** Configures a {@link GiteaOpener}. */
  public static final class Builder {
    private final URI apiUrl;
    private final String repository;
    private final String token;
    private List<String> labels = List.of();
    private List<String> reviewers = List.of();
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(URI apiUrl, String repository, String token) {
      this.apiUrl = apiUrl;
      this.repository = repository;
      this.token = token;
    }

    /** Labels (by name) to add to every pull request, besides those of the spec. */
    public Builder labels(List<String> labels) {
      this.labels = List.copyOf(labels);
      return this;
    }

    /** User names to ask for review when a pull request is opened, besides those of the spec. */
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
    public GiteaOpener build() {
      OpenerSettings.apiUrl(apiUrl);
      OpenerSettings.repository(repository, false);
      OpenerSettings.token(token, "Gitea", "UPKEEP_GITEA_TOKEN");
      OpenerSettings.timeout(timeout);
      return new GiteaOpener(this);
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
