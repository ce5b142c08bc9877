package dev.upkeep.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The jars the build makes, as a host or the module path sees them. */
class ModuleJarsIT {

  static final Path ROOT = Path.of("..");

  /** Module directory → its Automatic-Module-Name. */
  static final Map<String, String> MODULES =
      Map.of(
          "api", "dev.upkeep",
          "impl", "dev.upkeep.impl",
          "src-test-fixtures", "dev.upkeep.testing",
          "examples/cli", "dev.upkeep.cli",
          "examples", "dev.upkeep.examples");

  static List<Path> jars(String module) throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void everyJarNamesItsModule() throws IOException {
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      List<Path> jars =
          jars(module.getKey()).stream()
              .filter(p -> !p.toString().matches(".*-(sources|javadoc)\\.jar"))
              .collect(Collectors.toList());
      assertThat(jars).as(module.getKey()).isNotEmpty();
      for (Path jar : jars) {
        try (JarFile file = new JarFile(jar.toFile())) {
          assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
              .as(jar.toString())
              .isEqualTo(module.getValue());
        }
      }
    }
  }

  @Test
  void theLibraryModulesShipSourcesAndJavadoc() throws IOException {
    for (String module : List.of("api", "impl", "src-test-fixtures")) {
      List<String> names =
          jars(module).stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
      assertThat(names).as(module).anyMatch(n -> n.endsWith("-sources.jar"));
      assertThat(names).as(module).anyMatch(n -> n.endsWith("-javadoc.jar"));
      Path javadoc =
          jars(module).stream()
              .filter(p -> p.toString().endsWith("-javadoc.jar"))
              .findFirst()
              .orElseThrow();
      try (JarFile file = new JarFile(javadoc.toFile())) {
        assertThat(file.getEntry("index.html")).as(javadoc.toString()).isNotNull();
      }
    }
  }
}
