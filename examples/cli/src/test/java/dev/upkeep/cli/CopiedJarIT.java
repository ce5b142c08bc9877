package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code target/upkeep.jar} copied alone into an empty directory, run as a user would. */
@ExtendWith(UpkeepExtension.class)
class CopiedJarIT {

  /** Runs {@code java -jar upkeep.jar ARGS} from a directory holding nothing but the jar. */
  static CliProcess.Result upkeep(Path dir, String... args)
      throws IOException, InterruptedException {
    return upkeep(dir, Map.of(), args);
  }

  /** As {@link #upkeep(Path, String...)}, with {@code env} added to the environment. */
  static CliProcess.Result upkeep(Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path jar = dir.resolve("upkeep.jar");
    if (!Files.exists(jar)) {
      Files.copy(Path.of("target", "upkeep.jar"), jar, StandardCopyOption.COPY_ATTRIBUTES);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return CliProcess.run(command, dir, env);
  }

  @Test
  void printsTheProjectVersion(@TempDir Path dir) throws Exception {
    CliProcess.Result r = upkeep(dir, "--version");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("upkeep " + System.getProperty("upkeep.version"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void plansARemoteRepositoryWithNothingOnStderrAndEnumsInAnyCase(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path dir) throws Exception {
    registry.pushChart("charts/podinfo", "1.2.3");
    registry.pushChart("charts/podinfo", "1.2.5");
    String marker =
        "{\"$upkeep\": {\"chart\": \"oci://"
            + registry.host()
            + "/charts/podinfo\", \"semver\": \"1.2.x\"}}";
    remote.seed(Map.of("app.yaml", "version: 1.2.3 # " + marker + "\n"));

    // Cloning loads JGit, which logs through SLF4J: no "no provider" notice may follow.
    CliProcess.Result r =
        upkeep(
            dir,
            "plan",
            "--repo",
            remote.url(),
            "--insecure-registry",
            registry.host(),
            "--format",
            "JSON");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("{").contains("\"1.2.5\"");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void logsOnlyWarningsAndWithUpkeepDebugEveryFineRecordOnStderr(
      FakeOciRegistry registry, @TempDir Path dir) throws Exception {
    // java.util.logging starts only when something logs, configured then as at the start before
    Path repo = CliProcess.markedRepository(dir, registry);
    String[] plan = {
      "plan", "--repo", repo.toString(), "--insecure-registry", registry.host(), "--format", "json"
    };

    CliProcess.Result quiet = upkeep(dir, plan);
    CliProcess.Result debug = upkeep(dir, Map.of("UPKEEP_DEBUG", "1"), plan);

    assertThat(quiet.code()).as(quiet.err()).isZero();
    assertThat(quiet.err()).isEmpty();
    assertThat(debug.code()).as(debug.err()).isZero();
    assertThat(debug.out()).contains("\"1.2.5\"");
    assertThat(debug.err())
        .contains("FINE: " + registry.host() + "/charts/podinfo: 2 tags")
        .doesNotContain("FINER:");
  }

  @Test
  void acceptsAStrategyInLowerCase(@TempDir Path dir) throws Exception {
    CliProcess.Result r = upkeep(dir, "run", "--strategy", "rebuild", "--help");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
  }
}
