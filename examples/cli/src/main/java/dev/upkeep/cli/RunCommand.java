package dev.upkeep.cli;

import dev.upkeep.ConfigurationException;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.group.ArtifactGroups;
import dev.upkeep.json.Json;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.publish.git.JGitPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code upkeep run}: update, commit, push to the push branch, and open or update the pull request.
 * Git credentials come from the environment, never from flags: {@code UPKEEP_GIT_TOKEN}, or {@code
 * UPKEEP_GIT_USERNAME} with {@code UPKEEP_GIT_PASSWORD}, or {@code UPKEEP_SSH_KEY} (a private key
 * file).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Update every value its policy allows, commit once, push to the push branch and open or"
          + " update the pull request.",
      "Git credentials come from UPKEEP_GIT_TOKEN, or UPKEEP_GIT_USERNAME and UPKEEP_GIT_PASSWORD,"
          + " or UPKEEP_SSH_KEY (a key file)."
    })
final class RunCommand implements Callable<Integer> {

  /** Where updates go when neither the automation nor the flags name a push branch. */
  static final String DEFAULT_PUSH_BRANCH = "upkeep/update";

  private static final Pattern AUTHOR = Pattern.compile("\\s*(.+?)\\s*<([^>]+)>\\s*");

  @Mixin RepositoryOptions options;

  @Mixin ChangeRequestOptions changeRequests;

  @Option(
      names = "--base",
      description =
          "The branch to build on (default: the automation's checkout branch, else the remote's default branch).")
  String base;

  @Mixin CommitOptions commit;

  @Option(
      names = "--in-place",
      description = "Patch the files of the local --repo directory; no commit, no push.")
  boolean inPlace;

  /** How updates are split into branches and pull requests. */
  enum GroupBy {
    none,
    artifact
  }

  @Option(
      names = "--group-by",
      defaultValue = "none",
      description =
          "none: one branch and pull request for everything; artifact: one per chart or image,"
              + " each rebuilt from the base (implies --strategy REBUILD), later runs update it,"
              + " and it is closed once the base has its update (default: ${DEFAULT-VALUE}).")
  GroupBy groupBy;

  @Option(
      names = "--branch-template",
      description =
          "With --group-by artifact: the branch of each artifact, {artifact} standing for its name"
              + " (default: the push branch followed by -{artifact}, e.g. upkeep/update-podinfo).")
  String branchTemplate;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Session session = new Session(options, out, err)) {
      if (inPlace && groupBy == GroupBy.artifact) {
        throw new ConfigurationException("--in-place cannot be combined with --group-by artifact");
      }
      if (groupBy == GroupBy.artifact) {
        Prepared p = prepare(session);
        return grouped(session, p.loaded, p.automation, p.publisher, p.baseBranch, p.push);
      }
      UpdateReport report = update(session);
      session.print(report);
      return report.hasErrors() ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
    }
  }

  /** Updates the repository of {@code session} as {@code run} does and returns the report. */
  UpdateReport update(Session session) {
    if (inPlace) {
      GitPublisher publisher = GitPublisher.inPlace(session.localRepository());
      Session.Loaded loaded = session.load(publisher);
      return session.pipeline(loaded, session.automation(loaded.flux()), publisher).build().run();
    }
    Prepared p = prepare(session);
    UpdatePipeline.Builder pipeline = session.pipeline(p.loaded, p.automation, p.publisher.build());
    changeRequests.configure(pipeline, session);
    return pipeline.build().run();
  }

  /** What a run against a Git remote needs: its policies, automation, publisher and branches. */
  private record Prepared(
      Session.Loaded loaded,
      Optional<FluxAutomation.Automation> automation,
      JGitPublisher.Builder publisher,
      String baseBranch,
      String push) {}

  /** Reads the repository at its base, finds the automation, and sets up the publisher. */
  private Prepared prepare(Session session) {
    PrintWriter err = session.err;
    String remote = options.isRemote() ? options.repo : session.localRepository().toString();
    // First read the repository at the requested (or default) base to find the automation.
    String firstBase = base != null ? base : defaultBranch(remote, session);
    JGitPublisher.Builder reader =
        credentials(JGitPublisher.builder(remote))
            .workDirectory(session.cloneDirectory())
            .sparseCheckout(Session.TOKENS)
            .baseBranch(firstBase);
    Session.Loaded loaded = session.load(reader.build());
    Optional<FluxAutomation.Automation> automation = session.automation(loaded.flux());
    String baseBranch =
        base != null
            ? base
            : automation
                .map(FluxAutomation.Automation::checkoutBranch)
                .filter(b -> !b.isEmpty())
                .orElse(firstBase);
    String push =
        commit.pushBranch != null
            ? commit.pushBranch
            : automation
                .map(FluxAutomation.Automation::pushBranch)
                .filter(b -> !b.isEmpty())
                .orElse(DEFAULT_PUSH_BRANCH);
    if (commit.pushBranch == null && push.equals(DEFAULT_PUSH_BRANCH)) {
      // Never straight to the base unless asked: a person reviews the update first.
      err.println(
          "upkeep: no push branch configured; pushing to "
              + DEFAULT_PUSH_BRANCH
              + " (pass --push-branch "
              + baseBranch
              + " to push to the base itself)");
    }
    JGitPublisher.Builder publisher =
        credentials(JGitPublisher.builder(remote))
            .workDirectory(session.cloneDirectory())
            .sparseCheckout(Session.TOKENS)
            .baseBranch(baseBranch)
            .pushBranch(push)
            .strategy(commit.strategy)
            .signOff(commit.signOff);
    author(automation, publisher);
    automation.ifPresent(
        a -> {
          publisher.automation(a.name());
          publisher.commitMessage(
              (changes, tree) ->
                  a.message()
                      .render(
                          changes,
                          file -> {
                            try {
                              return Files.readString(tree.resolve(file), StandardCharsets.UTF_8);
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          }));
        });
    if (!baseBranch.equals(firstBase)) {
      // The automation builds on another branch: read the policies there.
      loaded = session.load(publisher.build());
    }
    if (Session.needsEveryFile(loaded)) {
      // the chart review reads the ConfigMaps and Secrets a release's valuesFrom names
      publisher.sparseCheckout(List.of());
    }
    return new Prepared(loaded, automation, publisher, baseBranch, push);
  }

  /** One branch and pull request per artifact, each rebuilt from the base. */
  private int grouped(
      Session session,
      Session.Loaded loaded,
      Optional<FluxAutomation.Automation> automation,
      JGitPublisher.Builder publisher,
      String baseBranch,
      String push) {
    if (push.equals(baseBranch)) {
      throw new ConfigurationException(
          "--group-by artifact pushes one branch per artifact beside the base; the push branch \""
              + push
              + "\" is the base");
    }
    publisher.strategy(JGitPublisher.Strategy.REBUILD);
    UpdatePipeline.Builder pipeline = session.pipeline(loaded, automation, publisher.build());
    changeRequests.configure(pipeline, session);
    ArtifactGroups.Result result =
        ArtifactGroups.builder(
                pipeline.build(), baseBranch, branch -> publisher.pushBranch(branch).build())
            .branchTemplate(
                branchTemplate != null ? branchTemplate : push + "-" + ArtifactGroups.ARTIFACT)
            .build()
            .run();
    PrintWriter out = session.out;
    if (options.format == RepositoryOptions.Format.json) {
      // one JSON value on stdout, as fleet prints: an array with each group's outcome
      out.println(groupsJson(result, baseBranch));
      result.groups().stream()
          .flatMap(g -> g.error().stream().map(e -> g.branch() + ": " + e))
          .forEach(e -> session.err.println("upkeep: " + e));
      if (result.plan().hasErrors()) {
        result.plan().findings().forEach(f -> session.err.println("upkeep: " + f));
      }
      out.flush();
      return result.hasErrors() ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
    }
    for (ArtifactGroups.Group g : result.groups()) {
      out.println("== " + g.branch() + " (" + g.artifact() + ")");
      if (g.error().isPresent()) {
        session.err.println("upkeep: " + g.branch() + ": " + g.error().get());
      } else if (g.report().isPresent()) {
        session.print(g.report().get());
      } else if (g.closed().isPresent()) {
        out.println(
            "closed #"
                + g.closed().get().number()
                + " "
                + g.closed().get().url()
                + ": "
                + baseBranch
                + " already has its update");
      } else {
        out.println("no update");
      }
    }
    if (result.plan().hasErrors()) {
      result.plan().findings().forEach(f -> session.err.println("upkeep: " + f));
    }
    out.flush();
    return result.hasErrors() ? CommandLine.ExitCode.SOFTWARE : CommandLine.ExitCode.OK;
  }

  /**
   * The groups of a grouped run as a JSON array: per artifact its branch, what happened ({@code
   * updated}, {@code closed}, {@code unchanged} or {@code failed}), the error, the pull request
   * closed because the base has the update, and the run's report.
   */
  static String groupsJson(ArtifactGroups.Result result, String baseBranch) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < result.groups().size(); i++) {
      ArtifactGroups.Group g = result.groups().get(i);
      String status =
          g.error().isPresent()
              ? "failed"
              : g.report().isPresent()
                  ? "updated"
                  : g.closed().isPresent() ? "closed" : "unchanged";
      b.append(i == 0 ? "\n" : ",\n")
          .append("{\n  \"artifact\": ")
          .append(Json.quote(g.artifact()));
      b.append(",\n  \"branch\": ").append(Json.quote(g.branch()));
      b.append(",\n  \"base\": ").append(Json.quote(baseBranch));
      b.append(",\n  \"result\": ").append(Json.quote(status));
      b.append(",\n  \"error\": ").append(g.error().map(Json::quote).orElse("null"));
      b.append(",\n  \"closed\": ")
          .append(
              g.closed()
                  .map(
                      c ->
                          "{\"number\": "
                              + c.number()
                              + ", \"url\": "
                              + Json.quote(c.url().toString())
                              + "}")
                  .orElse("null"));
      b.append(",\n  \"report\": ")
          .append(g.report().map(r -> r.toJson().strip()).orElse("null"))
          .append("\n}");
    }
    return b.append(result.groups().isEmpty() ? "]" : "\n]").toString();
  }

  private void author(
      Optional<FluxAutomation.Automation> automation, JGitPublisher.Builder publisher) {
    if (commit.author != null) {
      Matcher m = author(commit.author, spec.commandLine());
      publisher.author(m.group(1), m.group(2));
    } else if (automation.isPresent()) {
      publisher.author(automation.get().authorName(), automation.get().authorEmail());
    } else {
      publisher.author("Upkeep", "upkeep@localhost");
    }
  }

  /** Reads {@code --author "Name <email>"}: group 1 is the name, group 2 the email. */
  static Matcher author(String value, CommandLine commandLine) {
    Matcher m = AUTHOR.matcher(value);
    if (!m.matches()) {
      throw new CommandLine.ParameterException(
          commandLine, "--author must look like \"Name <email>\", got \"" + value + "\"");
    }
    return m;
  }

  /** The remote's default branch (where its HEAD points), else {@code main}. */
  static String defaultBranch(String remote, Session session) {
    return session
        .own(
            credentials(JGitPublisher.builder(remote))
                .workDirectory(session.cloneDirectory())
                .build())
        .remoteDefaultBranch()
        .orElse("main");
  }

  /** Applies Git credentials from the environment. */
  static JGitPublisher.Builder credentials(JGitPublisher.Builder b) {
    String token = System.getenv("UPKEEP_GIT_TOKEN");
    String user = System.getenv("UPKEEP_GIT_USERNAME");
    String password = System.getenv("UPKEEP_GIT_PASSWORD");
    String key = System.getenv("UPKEEP_SSH_KEY");
    if (token != null && !token.isEmpty()) {
      b.token(token);
    } else if (user != null && password != null) {
      b.credentials(user, password);
    } else if (user != null || password != null) {
      throw new ConfigurationException(
          "set both UPKEEP_GIT_USERNAME and UPKEEP_GIT_PASSWORD, or neither");
    }
    if (key != null && !key.isEmpty()) {
      b.sshKey(Path.of(key));
    }
    return b;
  }
}
