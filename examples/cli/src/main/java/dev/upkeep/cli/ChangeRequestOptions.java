package dev.upkeep.cli;

import dev.upkeep.ConfigurationException;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.publish.pr.GitHubOpener;
import dev.upkeep.publish.pr.GitLabOpener;
import dev.upkeep.publish.pr.GiteaOpener;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where to open the pull request after a push. Tokens come from the environment only ({@code
 * UPKEEP_GITHUB_TOKEN}, {@code UPKEEP_GITLAB_TOKEN}, {@code UPKEEP_GITEA_TOKEN}), so they never
 * show in a process list or a shell history.
 */
final class ChangeRequestOptions {

  @Option(
      names = "--github-repository",
      description = "Open a GitHub pull request in owner/name (token: UPKEEP_GITHUB_TOKEN).")
  String github;

  @Option(
      names = "--github-api-url",
      description = "GitHub API URL (default: https://api.github.com).")
  URI githubApi;

  @Option(
      names = "--gitlab-project",
      description = "Open a GitLab merge request in group/name (token: UPKEEP_GITLAB_TOKEN).")
  String gitlab;

  @Option(
      names = "--gitlab-api-url",
      description = "GitLab API URL (default: https://gitlab.com/api/v4).")
  URI gitlabApi;

  @Option(
      names = "--gitea-repository",
      description =
          "Open a Gitea/Forgejo pull request in owner/name (token: UPKEEP_GITEA_TOKEN; needs --gitea-api-url).")
  String gitea;

  @Option(
      names = "--gitea-api-url",
      description = "Gitea/Forgejo API URL, e.g. https://codeberg.org/api/v1.")
  URI giteaApi;

  @Option(names = "--title", description = "Pull request title (default: Update versions).")
  String title;

  @Option(names = "--label", description = "A label for the pull request (repeatable).")
  List<String> labels = new ArrayList<>();

  @Option(names = "--reviewer", description = "A reviewer to request (repeatable).")
  List<String> reviewers = new ArrayList<>();

  /**
   * Adds the opener, title, labels and reviewers chosen on the command line to {@code b}; the
   * opener closes with {@code session}.
   */
  void configure(UpdatePipeline.Builder b, Session session) {
    int hosts = (github != null ? 1 : 0) + (gitlab != null ? 1 : 0) + (gitea != null ? 1 : 0);
    if (hosts > 1) {
      throw new ConfigurationException(
          "choose one of --github-repository, --gitlab-project and --gitea-repository");
    }
    if (title != null) {
      b.changeRequestTitle(title);
    }
    b.labels(labels);
    b.reviewers(reviewers);
    if (github != null) {
      GitHubOpener.Builder o = GitHubOpener.builder(github, token("UPKEEP_GITHUB_TOKEN"));
      if (githubApi != null) {
        o.apiUrl(githubApi);
      }
      b.changeRequests(session.own(o.build()));
    } else if (gitlab != null) {
      GitLabOpener.Builder o = GitLabOpener.builder(gitlab, token("UPKEEP_GITLAB_TOKEN"));
      if (gitlabApi != null) {
        o.apiUrl(gitlabApi);
      }
      b.changeRequests(session.own(o.build()));
    } else if (gitea != null) {
      if (giteaApi == null) {
        throw new ConfigurationException("--gitea-repository needs --gitea-api-url");
      }
      b.changeRequests(
          session.own(GiteaOpener.builder(giteaApi, gitea, token("UPKEEP_GITEA_TOKEN")).build()));
    }
  }

  /** The variable's value, checked by the opener's builder, which names the variable. */
  private static String token(String variable) {
    return System.getenv(variable);
  }
}
