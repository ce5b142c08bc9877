package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.fleet.FleetConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The sample deployments ({@code examples/deploy}) and workflows ({@code examples/ci}) call the
 * command line with options it really has: each {@code upkeep SUBCOMMAND ...} in them is parsed by
 * the CLI's own picocli model, so a renamed or removed option fails here.
 */
class SampleDeploymentsTest {

  static final List<Path> SAMPLES = List.of(Path.of("../deploy"), Path.of("../ci"));

  /**
   * Where a sample calls the CLI: {@code upkeep SUB} (the image's launcher), {@code upkeep.jar SUB}
   * or {@code "$UPKEEP_IMAGE" SUB} (docker run), at the start of a shell command.
   */
  static final Pattern CALL =
      Pattern.compile(
          "(?m)(?:^\\s*|exec\\s+|java -jar \\S*)(?:upkeep(?:\\.jar)?|\"\\$UPKEEP_IMAGE\")"
              + "\\s+(plan|run|fleet|verify|promote)\\b");

  static List<Path> sampleFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : SAMPLES) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** The arguments of every call in {@code text}, after the shell has expanded them. */
  static List<List<String>> calls(String text) {
    List<List<String>> calls = new ArrayList<>();
    Matcher m = CALL.matcher(text);
    while (m.find()) {
      StringBuilder command = new StringBuilder(m.group(1));
      int at = m.end();
      // The command goes on over lines that end with a backslash.
      while (true) {
        int eol = text.indexOf('\n', at);
        String line = text.substring(at, eol < 0 ? text.length() : eol);
        boolean continued = line.stripTrailing().endsWith("\\");
        command.append(' ').append(continued ? line.stripTrailing().replaceAll("\\\\$", "") : line);
        if (!continued || eol < 0) {
          break;
        }
        at = eol + 1;
      }
      calls.add(words(expand(command.toString())));
    }
    return calls;
  }

  /** Stands in for what a shell, Kubernetes or GitHub would substitute. */
  static String expand(String command) {
    return command
        .replaceAll("\\s[>|]+.*$", "") // a redirection or pipe ends the CLI's arguments
        .replaceAll("\\$\\(\\(JOB_COMPLETION_INDEX\\+1\\)\\)", "1")
        .replaceAll("\\$\\{\\{\\s*matrix\\.shard\\s*}}", "2")
        .replaceAll("\\$\\{\\{[^}]*}}", "value")
        .replaceAll("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?", "value");
  }

  /** Splits on blanks outside double or single quotes, and drops the quotes. */
  static List<String> words(String command) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(command);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
    }
    return out;
  }

  static void parse(List<String> args) {
    CommandLine cli = UpkeepCommand.commandLine();
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.parseArgs(args.toArray(String[]::new));
  }

  @Test
  void everySampleCallsTheCliWithOptionsItHas() throws IOException {
    List<Path> files = sampleFiles();
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .contains("upkeep-fleet.yaml", "upkeep-fleet.yml", "upkeep-run.yml", "upkeep-verify.yml");
    for (Path file : files) {
      List<List<String>> calls = calls(Files.readString(file, StandardCharsets.UTF_8));
      assertThat(calls).as(file + " calls upkeep").isNotEmpty();
      for (List<String> args : calls) {
        assertThatCode(() -> parse(args)).as(file + ": upkeep " + args).doesNotThrowAnyException();
      }
    }
  }

  @Test
  void theFleetSamplesShardWithTheJobIndexAndTheMatrix() throws IOException {
    List<String> shards =
        sampleFiles().stream()
            .filter(p -> p.getFileName().toString().startsWith("upkeep-fleet"))
            .flatMap(p -> calls(read(p)).stream())
            .map(args -> args.get(args.indexOf("--shard") + 1))
            .collect(Collectors.toList());

    // $((JOB_COMPLETION_INDEX+1))/3 and ${{ matrix.shard }}/3, as the shell and GitHub expand them
    assertThat(shards).containsExactlyInAnyOrder("1/3", "2/3");
  }

  @Test
  void theKubernetesSamplesFleetFileReadsAsAFleetWithItsPullRequestHosts(@TempDir Path dir)
      throws IOException {
    String sample = read(Path.of("../deploy/kubernetes/upkeep-fleet.yaml"));
    // the ConfigMap's fleet.yaml: the block under "fleet.yaml: |", its four-blank indent taken off
    String fleet =
        sample
            .substring(
                sample.indexOf("fleet.yaml: |\n") + "fleet.yaml: |\n".length(),
                sample.indexOf("---"))
            .lines()
            .map(l -> l.length() > 4 ? l.substring(4) : "")
            .collect(Collectors.joining("\n"));
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(file, fleet);

    assertThat(FleetConfig.load(file).repositories())
        .extracting(r -> r.pullRequests().map(FleetConfig.PullRequests::repository).orElse(""))
        .containsExactly("org/gitops", "org/platform", "");
  }

  @Test
  void aRenamedOptionWouldFailTheCheck() {
    List<String> args = calls("  exec upkeep fleet --config fleet.yaml --shards 1/3\n").get(0);

    assertThat(args).containsExactly("fleet", "--config", "fleet.yaml", "--shards", "1/3");
    assertThatThrownBy(() -> parse(args)).isInstanceOf(CommandLine.ParameterException.class);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
