package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the command line as a separate process, as a user would, and keeps what it printed. */
final class CliProcess {
  record Result(int code, String out, String err) {}

  private CliProcess() {}

  /**
   * A directory {@code repo} under {@code dir} holding one file whose inline marker follows
   * podinfo's 1.2.x in {@code registry}, which gets 1.2.3 and 1.2.5: a plan moves it to 1.2.5.
   */
  static Path markedRepository(Path dir, dev.upkeep.testing.FakeOciRegistry registry)
      throws IOException {
    registry.pushChart("charts/podinfo", "1.2.3");
    registry.pushChart("charts/podinfo", "1.2.5");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(
        repo.resolve("app.yaml"),
        "version: 1.2.3 # {\"$upkeep\": {\"chart\": \"oci://"
            + registry.host()
            + "/charts/podinfo\", \"semver\": \"1.2.x\"}}\n");
    return repo;
  }

  /**
   * Runs {@code command} in {@code dir} (where its output is kept) without the environment that
   * would change the JVM or the CLI under test, plus {@code env}.
   */
  static Result run(List<String> command, Path dir, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    for (String name :
        List.of("CLASSPATH", "JAVA_TOOL_OPTIONS", "UPKEEP_DEBUG", "UPKEEP_JAVA_OPTS")) {
      pb.environment().remove(name);
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("upkeep finished").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }
}
