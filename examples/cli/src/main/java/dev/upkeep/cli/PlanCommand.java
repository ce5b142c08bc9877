package dev.upkeep.cli;

import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.adopt.Adoption;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.publish.git.JGitPublisher;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upkeep plan}: what a run would change, as a table and a unified diff; writes nothing. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Show what a run would change, as a table and a unified diff. Writes nothing.")
final class PlanCommand implements Callable<Integer> {

  @Mixin RepositoryOptions options;

  @Option(
      names = "--exit-code",
      description = "Exit with 3 when there are changes (like git diff --exit-code).")
  boolean exitCode;

  @Option(
      names = "--base",
      description =
          "The branch to read a remote repository at (default: the automation's checkout branch, else the remote's default branch).")
  String base;

  @Option(
      names = "--discover",
      description =
          "Show what adopt would mark and which policies it would write, instead of updates.")
  boolean discover;

  @Mixin AdoptionOptions adoption;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A reader of the remote repository at {@code branch}, in the session's clone. */
  private GitPublisher remote(Session session, String branch, boolean sparse) {
    return RunCommand.credentials(JGitPublisher.builder(options.repo))
        .workDirectory(session.cloneDirectory())
        .sparseCheckout(sparse ? Session.TOKENS : List.of())
        .baseBranch(branch)
        .build();
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Session session = new Session(options, out, err)) {
      GitPublisher reader;
      String branch = null;
      if (options.isRemote()) {
        branch = base != null ? base : RunCommand.defaultBranch(options.repo, session);
        // adoption looks at every manifest; a plan only at those with a token
        reader = remote(session, branch, !discover);
      } else {
        reader = GitPublisher.inPlace(session.localRepository());
      }
      if (discover) {
        Adoption adopt = adoption.build();
        Adoption.Result found = reader.inspect(adopt::discover);
        out.print(
            options.format == RepositoryOptions.Format.json ? found.toJson() : found.toText());
        return CommandLine.ExitCode.OK;
      }
      Session.Loaded loaded = session.load(reader);
      Optional<FluxAutomation.Automation> automation = session.automation(loaded.flux());
      if (options.isRemote()
          && base == null
          && automation.isPresent()
          && !automation.get().checkoutBranch().isEmpty()) {
        branch = automation.get().checkoutBranch();
        reader = remote(session, branch, true);
        loaded = session.load(reader);
      }
      if (options.isRemote() && Session.needsEveryFile(loaded)) {
        // the chart review reads the ConfigMaps and Secrets a release's valuesFrom names
        reader = remote(session, branch, false);
      }
      UpdatePipeline.Builder pipeline = session.pipeline(loaded, automation, reader);
      if (!options.isRemote()) {
        // The local tree the load just screened: read only the files the screen kept. (A clone is
        // fetched again for the plan, and the remote may have moved since.)
        pipeline.files(Session.screened(loaded, session.updatePath(automation)));
      }
      UpdateReport report = pipeline.build().plan();
      session.print(report);
      if (report.hasErrors()) {
        return CommandLine.ExitCode.SOFTWARE;
      }
      return exitCode && report.changed() ? UpkeepCommand.CHANGES_FOUND : CommandLine.ExitCode.OK;
    }
  }
}
