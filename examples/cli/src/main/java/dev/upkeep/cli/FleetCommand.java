package dev.upkeep.cli;

import dev.upkeep.ConfigurationException;
import dev.upkeep.Finding;
import dev.upkeep.PolicyReport;
import dev.upkeep.Redaction;
import dev.upkeep.UpdateReport;
import dev.upkeep.UpkeepException;
import dev.upkeep.fleet.FleetConfig;
import dev.upkeep.fleet.TagCache;
import dev.upkeep.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code upkeep fleet}: {@code run} over every repository of a {@code fleet.yaml}, a few at a time,
 * in one process that lists each artifact's tags once. One repository's failure is reported and the
 * others go on; the exit code is 1 when any failed.
 */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = {
      "Run every repository of a fleet config, a few at a time, listing each artifact's tags once.",
      "Git credentials come from the environment, as for run; a repository with github:, gitlab:",
      "or gitea: owner/name in the file gets its pull request there (tokens as for run)."
    })
final class FleetCommand implements Callable<Integer> {

  @Mixin RepositoryOptions options;

  @Option(
      names = "--config",
      required = true,
      description = "The fleet config: a YAML file with a repositories: list of url: entries.")
  Path config;

  @Option(
      names = "--shard",
      defaultValue = "1/1",
      description =
          "i/n: only the repositories whose 0-based position mod n is i-1 (default: ${DEFAULT-VALUE}, all).")
  String shard;

  @Option(
      names = "--parallel",
      defaultValue = "4",
      description = "Repositories updated at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--report-dir",
      description = "Write one JSON report per repository into this directory.")
  Path reportDir;

  @Mixin CommitOptions commit;

  /** How each repository's pull request is opened; where, each says in the fleet file. */
  @Mixin ForgeOptions forge;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** What became of one repository. */
  record Outcome(
      int position,
      String url,
      Optional<UpdateReport> report,
      Optional<String> error,
      String messages) {

    boolean failed() {
      return error.isPresent();
    }

    String result() {
      if (failed()) {
        return "failed";
      }
      return report.orElseThrow().changed() ? "updated" : "unchanged";
    }

    /** {@code 03-platform}: the 1-based position in the config and the repository's name. */
    String name() {
      String path = url.replaceAll("[/\\\\]+$", "").replaceAll("\\.git$", "");
      String last = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf(':')) + 1);
      return String.format(Locale.ROOT, "%02d-%s", position + 1, last.replaceAll("[^\\w.-]", "_"));
    }

    String json() {
      StringBuilder b = new StringBuilder("{\n  \"repository\": ");
      b.append(Json.quote(url)).append(",\n  \"result\": ").append(Json.quote(result()));
      b.append(",\n  \"error\": ").append(error.map(Json::quote).orElse("null"));
      b.append(",\n  \"report\": ");
      b.append(report.map(r -> r.toJson().strip()).orElse("null")).append("\n}\n");
      return b.toString();
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (String single : List.of("--repo", "--automation")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(single)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            single + " does not apply to fleet; list repositories in --config " + config);
      }
    }
    if (parallel < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--parallel must be at least 1, got " + parallel);
    }
    if (commit.author != null) {
      RunCommand.author(commit.author, spec.commandLine());
    }
    FleetConfig.Shard mine;
    try {
      mine = FleetConfig.Shard.parse(shard);
    } catch (ConfigurationException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--shard: " + e.getMessage());
    }
    FleetConfig fleet = FleetConfig.load(config);
    TagCache tags = TagCache.create();
    List<FleetConfig.Repository> all = fleet.repositories();
    List<Future<Outcome>> running = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      for (int i = 0; i < all.size(); i++) {
        if (mine.contains(i)) {
          int position = i;
          running.add(pool.submit(() -> update(position, all.get(position), tags)));
        }
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : running) {
        Outcome o = await(f);
        outcomes.add(o);
        o.messages().lines().forEach(line -> err.println("[" + o.name() + "] " + line));
        err.flush();
      }
      writeReports(outcomes);
      if (options.format == RepositoryOptions.Format.json) {
        out.print("[");
        for (int i = 0; i < outcomes.size(); i++) {
          out.print((i == 0 ? "\n" : ",\n") + outcomes.get(i).json().strip());
        }
        out.println("\n]");
      } else if (options.format == RepositoryOptions.Format.markdown) {
        out.print(markdownTable(outcomes));
      } else {
        out.print(table(outcomes));
      }
      out.flush();
      return outcomes.stream().anyMatch(Outcome::failed)
          ? CommandLine.ExitCode.SOFTWARE
          : CommandLine.ExitCode.OK;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Outcome await(Future<Outcome> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the fleet", e);
    } catch (ExecutionException e) {
      // update() catches everything a repository can throw; this is a bug in the fleet itself.
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Runs one repository as {@code run} does; never throws, so the others go on. */
  private Outcome update(int position, FleetConfig.Repository repository, TagCache tags) {
    StringWriter messages = new StringWriter();
    PrintWriter log = new PrintWriter(messages);
    String url = Redaction.redact(repository.url());
    try {
      RunCommand run = new RunCommand();
      run.options = repositoryOptions(position, repository);
      run.changeRequests = ChangeRequestOptions.of(repository.pullRequests(), forge);
      run.commit = commit;
      run.spec = spec;
      try (Session session = new Session(run.options, new PrintWriter(new StringWriter()), log)) {
        session.sources = tags::wrap;
        UpdateReport report = run.update(session);
        log.flush();
        return new Outcome(
            position, url, Optional.of(report), firstError(report), messages.toString());
      }
    } catch (RuntimeException e) {
      String message =
          e instanceof UpkeepException || e instanceof CommandLine.ParameterException
              ? e.getMessage()
              : e.getClass().getSimpleName() + ": " + e.getMessage();
      log.flush();
      return new Outcome(
          position,
          url,
          Optional.empty(),
          Optional.of(Redaction.redact(message)),
          messages.toString());
    }
  }

  /** The first failed policy's reason or error finding of a report that has errors. */
  private static Optional<String> firstError(UpdateReport report) {
    return report.policies().stream()
        .filter(p -> p.status() == PolicyReport.Status.FAILED)
        .map(p -> p.policy() + ": " + p.reason())
        .findFirst()
        .or(
            () ->
                report.findings().stream()
                    .filter(f -> f.severity() == Finding.Severity.ERROR)
                    .map(Finding::toString)
                    .findFirst());
  }

  private RepositoryOptions repositoryOptions(int position, FleetConfig.Repository repository) {
    RepositoryOptions o =
        options.forRepository(
            repository.url(),
            repository.automation().orElse(null),
            options.workDir == null
                ? null
                : options.workDir.resolve(String.format(Locale.ROOT, "%02d", position + 1)));
    if (!o.isRemote()) {
      throw new ConfigurationException(
          "fleet repositories are Git URLs (https://, ssh://, file://), got \""
              + Redaction.redact(repository.url())
              + "\"");
    }
    return o;
  }

  private void writeReports(List<Outcome> outcomes) {
    if (reportDir == null) {
      return;
    }
    try {
      Files.createDirectories(reportDir);
      for (Outcome o : outcomes) {
        Files.writeString(reportDir.resolve(o.name() + ".json"), o.json(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write reports into " + reportDir, e);
    }
  }

  /** The first 12 digits of a commit id (SHA-1 or SHA-256); anything else as it is. */
  static String abbreviated(String commit) {
    return commit.length() > 12 && commit.chars().allMatch(c -> Character.digit(c, 16) >= 0)
        ? commit.substring(0, 12)
        : commit;
  }

  /** One line per repository: name, result, changes, commit or pull request, error. */
  static String table(List<Outcome> outcomes) {
    List<String[]> rows = rows(outcomes);
    int[] width = new int[5];
    rows.forEach(
        r -> {
          for (int i = 0; i < r.length; i++) {
            width[i] = Math.max(width[i], r[i].length());
          }
        });
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  /**
   * The same table in Markdown, for a CI job to post: a {@code |} or a line break in a value (an
   * error message) would end its cell or row, so it is escaped or folded.
   */
  static String markdownTable(List<Outcome> outcomes) {
    StringBuilder b = new StringBuilder();
    List<String[]> rows = rows(outcomes);
    for (int r = 0; r < rows.size(); r++) {
      b.append('|');
      for (String cell : rows.get(r)) {
        String text = cell.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ");
        b.append(' ').append(text.isEmpty() ? " " : text).append(" |");
      }
      b.append('\n');
      if (r == 0) {
        b.append("|---|---|---:|---|---|\n");
      }
    }
    return b.toString();
  }

  /** The header and one row per repository: name, result, changes, commit or PR, error. */
  private static List<String[]> rows(List<Outcome> outcomes) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"REPOSITORY", "RESULT", "CHANGES", "COMMIT/PR", "ERROR"});
    for (Outcome o : outcomes) {
      // the pull request in full; a commit as git abbreviates it (a URL of 40 characters was cut)
      String published =
          o.report()
              .flatMap(
                  r ->
                      r.changeRequest()
                          .map(c -> c.url().toString())
                          .or(() -> r.commit().map(FleetCommand::abbreviated)))
              .orElse("-");
      rows.add(
          new String[] {
            o.url(),
            o.result(),
            o.report().map(r -> String.valueOf(r.changes().size())).orElse("-"),
            published,
            o.error().orElse("")
          });
    }
    return rows;
  }
}
