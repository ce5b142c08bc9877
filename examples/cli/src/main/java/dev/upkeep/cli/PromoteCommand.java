package dev.upkeep.cli;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.promote.Promotion;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.publish.git.JGitPublisher;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code upkeep promote staging prod}: proposes the target environment's pins as the source
 * environment's current versions, on a branch of its own with a pull request for review.
 */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description =
        "Propose TARGET's pinned versions as SOURCE's current ones (clusters/SOURCE ->"
            + " clusters/TARGET), pushed to a promotion branch with a pull request.")
final class PromoteCommand implements Callable<Integer> {

  @Mixin RepositoryOptions options;

  @Mixin ChangeRequestOptions changeRequests;

  @Parameters(
      index = "0",
      description = "The environment whose versions are promoted, e.g. staging.")
  String source;

  @Parameters(index = "1", description = "The environment that receives them, e.g. prod.")
  String target;

  @Option(
      names = "--environments",
      defaultValue = "clusters",
      description = "The directory holding one folder per environment (default: ${DEFAULT-VALUE}).")
  String environments;

  @Option(
      names = "--base",
      defaultValue = "main",
      description = "The branch to build on (default: ${DEFAULT-VALUE}).")
  String base;

  @Option(
      names = "--push-branch",
      description = "The branch to push (default: upkeep/promote-SOURCE-to-TARGET).")
  String pushBranch;

  @Option(
      names = "--author",
      defaultValue = "Upkeep <upkeep@localhost>",
      description = "Commit author as \"Name <email>\" (default: ${DEFAULT-VALUE}).")
  String author;

  @Option(names = "--dry-run", description = "Show the promotion; write nothing.")
  boolean dryRun;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Session session = new Session(options, out, err)) {
      String remote = options.isRemote() ? options.repo : session.localRepository().toString();
      String branch =
          pushBranch != null ? pushBranch : "upkeep/promote-" + source + "-to-" + target;
      java.util.regex.Matcher who = RunCommand.author(author, spec.commandLine());
      GitPublisher publisher =
          RunCommand.credentials(JGitPublisher.builder(remote))
              .workDirectory(session.cloneDirectory())
              .baseBranch(base)
              .pushBranch(branch)
              .strategy(JGitPublisher.Strategy.REBUILD)
              .author(who.group(1), who.group(2))
              .messageTemplate("Promote " + source + " to " + target + "\n\n${changes}")
              .build();
      Session.Loaded loaded = session.load(publisher);
      Optional<FluxAutomation.Automation> automation = session.automation(loaded.flux());
      UpdatePipeline current = session.pipeline(loaded, automation, publisher).build();
      String from = environments + "/" + source;
      String to = environments + "/" + target;
      Promotion promotion =
          publisher.inspect(root -> Promotion.between(root, from, to, current.policies()));
      if (promotion.isEmpty()) {
        // a sentence is no JSON or Markdown report: there it goes to stderr, stdout stays empty
        (options.format == RepositoryOptions.Format.text ? out : err)
            .println(target + " already runs what " + source + " runs; nothing to promote");
        out.flush();
        err.flush();
        return CommandLine.ExitCode.OK;
      }
      Map<String, Promotion.Step> byPolicy = new LinkedHashMap<>();
      promotion.steps().forEach(s -> byPolicy.putIfAbsent(s.policy(), s));
      UpdatePipeline.Builder pipeline =
          UpdatePipeline.builder()
              .patcher(SetterPatcher.create())
              .publisher(publisher)
              .files(dev.upkeep.patch.files.ManifestWalk.builder().path(to).build())
              .changeRequestTitle("Promote " + source + " to " + target);
      current.sources().forEach(pipeline::source);
      for (Promotion.Step step : byPolicy.values()) {
        UpdatePipeline.Policy original = current.policies().get(step.policy());
        ArtifactRef artifact = step.artifact();
        String registryTag = artifact.registryTag(step.to());
        pipeline.policy(
            step.policy(),
            artifact,
            Promotion.exactly(registryTag, original.policy()),
            original.options());
      }
      changeRequests.configure(pipeline, session);
      UpdatePipeline promote = pipeline.build();
      UpdateReport report = dryRun ? promote.plan() : promote.run();
      session.print(report);
      return report.hasErrors() ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
    }
  }
}
