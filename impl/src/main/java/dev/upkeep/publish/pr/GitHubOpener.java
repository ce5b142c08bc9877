package dev.upkeep.publish.pr;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestOpener;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.OpenChangeRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens or updates a GitHub pull request through the REST API ({@code api.github.com} or a GitHub
 * Enterprise Server's {@code https://HOST/api/v3}).
 *
 * <pre>{@code
 * ChangeRequestOpener github = GitHubOpener.builder("org/fleet", System.getenv("GITHUB_TOKEN"))
 *     .labels(List.of("dependencies"))
 *     .build();
 * }</pre>
 *
 * <p>It looks for an open pull request from the push branch into the target branch and updates its
 * title and body; only when there is none does it open one, and asks the reviewers then. Labels are
 * added either way. Immutable and thread-safe.
 */
public final class GitHubOpener implements ChangeRequestOpener, AutoCloseable {
  private final String owner;
  private final String repository;
  private final RestClient client;
  private final List<String> labels;
  private final List<String> reviewers;

  private GitHubOpener(Builder b) {
    this.repository = b.repository;
    this.owner = b.repository.substring(0, b.repository.indexOf('/'));
    this.labels = List.copyOf(b.labels);
    this.reviewers = List.copyOf(b.reviewers);
    this.client =
        new RestClient(
            "GitHub",
            b.repository,
            b.apiUrl,
            Map.of(
                "Authorization", "Bearer " + b.token,
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28"),
            b.timeout);
  }

  /**
   * Starts an opener for {@code repository} ({@code owner/name}) authenticated with {@code token}
   * (needs the {@code pull_requests: write} permission, and {@code issues: write} for labels).
   */
  public static Builder builder(String repository, String token) {
    return new Builder(repository, token);
  }

  @Override
  public ChangeRequest openOrUpdate(ChangeRequestSpec spec) {
    String repo = "/repos/" + repository;
    Object open =
        client.get(
            repo
                + "/pulls?state=open&head="
                + OpenerSettings.encode(owner + ":" + spec.sourceBranch())
                + "&base="
                + OpenerSettings.encode(spec.targetBranch())
                + "&per_page=10");
    List<?> found = RestClient.list(open);
    if (found.isEmpty() && !spec.headCommit().isEmpty()) {
      Optional<ChangeRequest> declined = declined(repo, spec);
      if (declined.isPresent()) {
        return declined.get();
      }
    }
    Object pr;
    boolean created;
    if (!found.isEmpty()) {
      long number = RestClient.number(found.get(0), "number", "GitHub");
      Map<String, Object> patch = new LinkedHashMap<>();
      patch.put("title", spec.title());
      patch.put("body", spec.body());
      pr = client.send("PATCH", repo + "/pulls/" + number, patch);
      created = false;
    } else {
      Map<String, Object> create = new LinkedHashMap<>();
      create.put("title", spec.title());
      create.put("head", spec.sourceBranch());
      create.put("base", spec.targetBranch());
      create.put("body", spec.body());
      pr = client.send("POST", repo + "/pulls", create);
      created = true;
    }
    long number = RestClient.number(pr, "number", "GitHub");
    List<String> allLabels = OpenerSettings.union(labels, spec.labels());
    if (!allLabels.isEmpty()) {
      client.send("POST", repo + "/issues/" + number + "/labels", Map.of("labels", allLabels));
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
   * The most recent pull requests from the spec's branch into its target that were closed without
   * merging, the first whose head is the spec's head commit: a person declined exactly this.
   */
  private Optional<ChangeRequest> declined(String repo, ChangeRequestSpec spec) {
    List<?> closed =
        RestClient.list(
            client.get(
                repo
                    + "/pulls?state=closed&head="
                    + OpenerSettings.encode(owner + ":" + spec.sourceBranch())
                    + "&base="
                    + OpenerSettings.encode(spec.targetBranch())
                    + "&per_page=10"));
    for (Object pr : closed) {
      if (RestClient.field(pr, "merged_at") == null
          && spec.headCommit().equals(RestClient.text(RestClient.field(pr, "head"), "sha"))) {
        return Optional.of(
            ChangeRequest.declined(
                RestClient.number(pr, "number", "GitHub"),
                URI.create(RestClient.text(pr, "html_url"))));
      }
    }
    return Optional.empty();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pages through the open pull requests into {@code targetBranch} (up to 2,000) and keeps those
   * whose head is a branch of this repository (never a fork's branch of the same name).
   */
  @Override
  public List<OpenChangeRequest> openRequests(String branchPrefix, String targetBranch) {
    List<OpenChangeRequest> out = new ArrayList<>();
    for (int page = 1; page <= 20; page++) {
      List<?> open =
          RestClient.list(
              client.get(
                  "/repos/"
                      + repository
                      + "/pulls?state=open&base="
                      + OpenerSettings.encode(targetBranch)
                      + "&per_page=100"
                      + (page == 1 ? "" : "&page=" + page)));
      for (Object pr : open) {
        OpenChangeRequest r =
            RestClient.pullFrom(pr, repository, branchPrefix, targetBranch, "GitHub");
        if (r != null) {
          out.add(r);
        }
      }
      if (open.size() < 100) {
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
    return "GitHubOpener[" + repository + "]";
  }

  /** Configures a {@link GitHubOpener}. */
  public static final class Builder {
    private final String repository;
    private final String token;
    private URI apiUrl = URI.create("https://api.github.com");
    private List<String> labels = List.of();
    private List<String> reviewers = List.of();
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(String repository, String token) {
      this.repository = repository;
      this.token = token;
    }

    /** The API root; {@code https://api.github.com} unless set. */
    public Builder apiUrl(URI url) {
      this.apiUrl = url;
      return this;
    }

    /** Labels to add to every pull request, besides those of the spec. */
    public Builder labels(List<String> labels) {
      this.labels = List.copyOf(labels);
      return this;
    }

    /** User logins to ask for review when a pull request is opened, besides those of the spec. */
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
    public GitHubOpener build() {
      OpenerSettings.repository(repository, false);
      OpenerSettings.token(token, "GitHub", "UPKEEP_GITHUB_TOKEN");
      OpenerSettings.apiUrl(apiUrl);
      OpenerSettings.timeout(timeout);
      return new GitHubOpener(this);
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
