package dev.upkeep.cli;

import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.verify.ChangeVerifier;
import dev.upkeep.verify.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code upkeep verify}: for CI on a pull request, check every version changed since the base: it
 * exists, is the chart it claims, satisfies its policy, is no downgrade; list release notes.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check every chart or image version changed since --base: it exists in its registry, the"
          + " chart's name and version match, it satisfies its environment's policy, and it is not"
          + " a downgrade; for a chart, no values key the repository sets was removed from the"
          + " new chart and the values validate against its schema. Lists the charts'"
          + " artifacthub.io/changes.",
      "Policies, insecure-registry flags and the automation are read from the merge-base of"
          + " --base and HEAD, never from the change; a change to anything but a version (registry"
          + " host, repository, image name, pinned digest, the policy objects) fails.",
      "Exits 4 when a check fails."
    })
final class VerifyCommand implements Callable<Integer> {

  @Mixin RepositoryOptions options;

  @Option(
      names = "--base",
      defaultValue = "main",
      description = "The ref to compare with (default: ${DEFAULT-VALUE}).")
  String base;

  @Option(
      names = "--allow",
      paramLabel = "FINDING",
      description =
          "Accept a chart review finding for this run, as verify names it: removed:KEY (an"
              + " overridden values key the new chart no longer has) or schema:KEY. Repeatable.")
  List<String> allow = new ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Session session = new Session(options, out, err)) {
      Path repository = session.localRepository();
      GitPublisher tree = GitPublisher.inPlace(repository);
      // Policies, insecure flags and the automation come from the base, never from the change.
      VerifyReport report =
          ChangeVerifier.fromBase(
                  baseRoot -> {
                    Session.Loaded loaded = Session.load(baseRoot);
                    Optional<FluxAutomation.Automation> automation =
                        session.automation(loaded.flux());
                    return session.pipeline(loaded, automation, tree).build();
                  })
              .allow(allow)
              .verify(repository, base);
      switch (options.format) {
        case json:
          out.print(report.toJson());
          break;
        case markdown:
          out.print(report.toMarkdown());
          break;
        default:
          out.print(report.toText());
      }
      out.flush();
      return report.passed() ? CommandLine.ExitCode.OK : UpkeepCommand.VERIFY_FAILED;
    }
  }
}
