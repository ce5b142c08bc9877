package dev.upkeep.cli;

import dev.upkeep.publish.git.JGitPublisher;
import picocli.CommandLine.Option;

/** How {@code run} and {@code fleet} commit and push: branch, strategy, author, sign-off. */
final class CommitOptions {

  @Option(
      names = "--push-branch",
      description =
          "The branch to push to (default: the automation's push branch, else upkeep/update).")
  String pushBranch;

  @Option(
      names = "--strategy",
      defaultValue = "STACK",
      description =
          "STACK adds a commit to the push branch; REBUILD resets it to base plus one commit (default: ${DEFAULT-VALUE}).")
  JGitPublisher.Strategy strategy;

  @Option(
      names = "--author",
      description =
          "Commit author as \"Name <email>\" (default: the automation's author, else Upkeep).")
  String author;

  @Option(names = "--sign-off", description = "Add a Signed-off-by trailer.")
  boolean signOff;
}
