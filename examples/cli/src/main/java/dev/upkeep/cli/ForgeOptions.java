package dev.upkeep.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How pull requests are opened, whichever repository they are opened in: the hosts' API URLs, the
 * title, labels and reviewers. {@code run} and {@code promote} take them with the repository's name
 * ({@link ChangeRequestOptions}); {@code fleet} takes them once for every repository, each naming
 * its own in the fleet file.
 */
final class ForgeOptions {

  @Option(
      names = "--github-api-url",
      description = "GitHub API URL (default: https://api.github.com).")
  URI githubApi;

  @Option(
      names = "--gitlab-api-url",
      description = "GitLab API URL (default: https://gitlab.com/api/v4).")
  URI gitlabApi;

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
}
