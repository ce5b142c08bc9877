package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.json.Json;
import dev.upkeep.testing.oci.DistributionRegistry;
import dev.upkeep.testing.oci.OciArtifact;
import dev.upkeep.testing.oci.RegistryUpload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first code block of README.md's "Container image" section, run as written against Debian's
 * {@code docker-registry}, on a small base image pushed there first (no internet needed): the image
 * it pushes sits on that base, runs the CLI, and runs as a non-root user.
 */
class ContainerImageIT {

  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  /** The first fenced block after {@code ## Container image}, as {@code .ci/run} reads its own. */
  static String readmeBlock() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int heading = lines.indexOf("## Container image");
    assertThat(heading).as("README.md has a \"## Container image\" section").isNotNegative();
    StringBuilder block = new StringBuilder();
    boolean inside = false;
    for (String line : lines.subList(heading + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("```")) {
        if (inside) {
          return block.toString();
        }
        inside = true;
      } else if (inside) {
        block.append(line).append('\n');
      }
    }
    throw new AssertionError("no code block in README.md's \"## Container image\" section");
  }

  static String run(Path log, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> inspect(Path log, String... args) throws Exception {
    String[] command = new String[args.length + 3];
    command[0] = "skopeo";
    command[1] = "inspect";
    command[2] = "--tls-verify=false";
    System.arraycopy(args, 0, command, 3, args.length);
    return (Map<String, Object>) Json.parse(run(log, Map.of(), command));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theReadmeBlockPushesTheCliImageOnTheGivenBase(@TempDir Path dir) throws Exception {
    try (DistributionRegistry registry = DistributionRegistry.start()) {
      RegistryUpload.to(registry.host())
          .push("base/tiny", "1", OciArtifact.image("tiny-base", "1"));
      String base = registry.host() + "/base/tiny:1";
      String image = registry.host() + "/upkeep/cli:it";

      run(
          dir.resolve("build.log"),
          Map.of("UPKEEP_IMAGE", image, "UPKEEP_BASE_IMAGE", base),
          "bash",
          "-euo",
          "pipefail",
          "-c",
          readmeBlock());

      Map<String, Object> baseManifest = inspect(dir.resolve("base.json"), "docker://" + base);
      Map<String, Object> manifest = inspect(dir.resolve("image.json"), "docker://" + image);
      List<Object> baseLayers = (List<Object>) baseManifest.get("Layers");
      List<Object> layers = (List<Object>) manifest.get("Layers");
      assertThat(layers.size()).isGreaterThan(baseLayers.size());
      assertThat(layers.subList(0, baseLayers.size())).isEqualTo(baseLayers);

      Map<String, Object> config =
          (Map<String, Object>)
              inspect(dir.resolve("config.json"), "--config", "docker://" + image).get("config");
      assertThat((List<Object>) config.get("Entrypoint")).first().isEqualTo("java");
      assertThat((List<Object>) config.get("Entrypoint")).contains("dev.upkeep.cli.UpkeepCommand");
      assertThat(config.get("User")).isEqualTo("65532");
    }
  }
}
