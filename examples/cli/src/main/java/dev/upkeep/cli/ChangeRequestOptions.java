package dev.upkeep.cli;

import dev.upkeep.ConfigurationException;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.fleet.FleetConfig;
import dev.upkeep.publish.pr.GitHubOpener;
import dev.upkeep.publish.pr.GitLabOpener;
import dev.upkeep.publish.pr.GiteaOpener;
import java.util.Optional;
import picocli.CommandLine.Mixin;
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
      names = "--gitlab-project",
      description = "Open a GitLab merge request in group/name (token: UPKEEP_GITLAB_TOKEN).")
  String gitlab;

  @Option(
      names = "--gitea-repository",
      description =
          "Open a Gitea/Forgejo pull request in owner/name (token: UPKEEP_GITEA_TOKEN; needs --gitea-api-url).")
  String gitea;

  @Mixin ForgeOptions forge = new ForgeOptions();

  /**
   * The options of one repository of a fleet: its pull requests opened where the fleet file says,
   * as {@code forge} (the fleet command's, shared) says; none when it names no host.
   */
  static ChangeRequestOptions of(
      Optional<FleetConfig.PullRequests> pullRequests, ForgeOptions forge) {
    ChangeRequestOptions o = new ChangeRequestOptions();
    o.forge = forge;
    pullRequests.ifPresent(
        p -> {
          switch (p.forge()) {
            case GITHUB:
              o.github = p.repository();
              break;
            case GITLAB:
              o.gitlab = p.repository();
              break;
            case GITEA:
              o.gitea = p.repository();
              break;
          }
        });
    return o;
  }

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
    if (forge.title != null) {
      b.changeRequestTitle(forge.title);
    }
    b.labels(forge.labels);
    b.reviewers(forge.reviewers);
    if (github != null) {
      GitHubOpener.Builder o = GitHubOpener.builder(github, token("UPKEEP_GITHUB_TOKEN"));
      if (forge.githubApi != null) {
        o.apiUrl(forge.githubApi);
      }
      b.changeRequests(session.own(o.build()));
    } else if (gitlab != null) {
      GitLabOpener.Builder o = GitLabOpener.builder(gitlab, token("UPKEEP_GITLAB_TOKEN"));
      if (forge.gitlabApi != null) {
        o.apiUrl(forge.gitlabApi);
      }
      b.changeRequests(session.own(o.build()));
    } else if (gitea != null) {
      if (forge.giteaApi == null) {
        throw new ConfigurationException(gitea + ": a Gitea pull request needs --gitea-api-url");
      }
      b.changeRequests(
          session.own(
              GiteaOpener.builder(forge.giteaApi, gitea, token("UPKEEP_GITEA_TOKEN")).build()));
    }
  }

  /** The variable's value, checked by the opener's builder, which names the variable. */
  private static String token(String variable) {
    return System.getenv(variable);
  }
}
