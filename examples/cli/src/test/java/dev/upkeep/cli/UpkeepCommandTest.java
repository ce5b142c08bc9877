package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

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
}
