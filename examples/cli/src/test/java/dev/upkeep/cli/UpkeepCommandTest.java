package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpkeepCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    return UpkeepCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void theFullCommandLineHasEverySubcommandInHelpOrder() {
    assertThat(UpkeepCommand.commandLine().getSubcommands().keySet())
        .containsExactly("plan", "run", "fleet", "verify", "promote", "adopt", "help");
  }

  @Test
  void noOptionTakesAValueWhoseConverterTheCommandLineLeavesOut() {
    // main() tells picocli not to load java.sql and java.time for converters
    for (picocli.CommandLine sub : UpkeepCommand.commandLine().getSubcommands().values()) {
      for (picocli.CommandLine.Model.ArgSpec arg : sub.getCommandSpec().args()) {
        assertThat(arg.type().getName())
            .as("%s %s", sub.getCommandName(), arg.paramLabel())
            .doesNotStartWith("java.sql.")
            .doesNotStartWith("java.time.");
      }
    }
  }

  @Test
  void aSubcommandThatRunsIsTheOnlyOneBuilt() {
    assertThat(UpkeepCommand.commandLine("plan", "--help").getSubcommands().keySet())
        .containsExactly("plan");
  }

  @Test
  void runTakesTheRepositoryOfItsPullRequestAndHowToOpenIt() {
    picocli.CommandLine cli = UpkeepCommand.commandLine("run");
    picocli.CommandLine.ParseResult parsed =
        cli.parseArgs(
            "run",
            "--repo",
            "https://example.com/org/gitops.git",
            "--github-repository",
            "org/gitops",
            "--github-api-url",
            "http://127.0.0.1:1/api",
            "--label",
            "deps",
            "--title",
            "Bump");

    RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(run.changeRequests.github).isEqualTo("org/gitops");
    assertThat(run.changeRequests.forge.githubApi).hasToString("http://127.0.0.1:1/api");
    assertThat(run.changeRequests.forge.labels).containsExactly("deps");
    assertThat(run.changeRequests.forge.title).isEqualTo("Bump");
  }

  @Test
  void helpListsEverySubcommand() {
    assertThat(execute("--help")).isZero();
    assertThat(out.toString())
        .contains("plan", "run", "fleet", "verify", "promote", "adopt", "help");
  }

  @Test
  void theHelpSubcommandDescribesAnotherSubcommand() {
    assertThat(execute("help", "fleet")).isZero();
    assertThat(out.toString()).contains("--config");
  }

  @Test
  void versionPrintsTheProjectVersionWithoutSubcommands() {
    assertThat(execute("--version")).isZero();
    assertThat(out.toString()).startsWith("upkeep ");
  }

  @Test
  void anUnknownSubcommandIsBadUsage() {
    assertThat(execute("plna")).isEqualTo(2);
  }

  @Test
  void aPlanWithoutUsablePoliciesSaysWhyBeforeItFails(@TempDir Path repo) throws IOException {
    // Flux removed the v1beta1 image APIs: such a policy is skipped, and the failure points at it
    Files.writeString(
        repo.resolve("policy.yaml"),
        "apiVersion: image.toolkit.fluxcd.io/v1beta1\nkind: ImagePolicy\n"
            + "metadata: {name: app, namespace: flux-system}\n"
            + "spec:\n  imageRepositoryRef: {name: app}\n  policy: {semver: {range: 1.x}}\n");

    assertThat(execute("plan", "--repo", repo.toString())).isEqualTo(1);
    assertThat(err.toString())
        .containsSubsequence(
            "upkeep: warning: policy.yaml:1: ignoring ImagePolicy of unsupported apiVersion"
                + " \"image.toolkit.fluxcd.io/v1beta1\"",
            "upkeep: the repository defines no policy",
            "that Upkeep can use (1 warning(s) about Flux objects above)");
  }
}
