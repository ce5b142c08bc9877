package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.UpkeepExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code target/upkeep}, the launcher script, with its jar, run through a link as a user would. */
@ExtendWith(UpkeepExtension.class)
class LauncherIT {

  private static CliProcess.Result run(Path launcher, Path dir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    return CliProcess.run(command, dir, Map.of("JAVA_HOME", System.getProperty("java.home")));
  }

  private static List<Path> archives(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jsa"))
          .collect(Collectors.toList());
    }
  }

  @Test
  void writesAClassDataArchiveOnceUsesItThenAndWritesAnotherForANewerJar(
      FakeOciRegistry registry, @TempDir Path tmp) throws Exception {
    Path repo = CliProcess.markedRepository(tmp, registry);
    Path install = Files.createDirectories(tmp.resolve("opt/upkeep"));
    Files.copy(Path.of("target", "upkeep.jar"), install.resolve("upkeep.jar"));
    Files.copy(
        Path.of("target", "upkeep"), install.resolve("upkeep"), StandardCopyOption.COPY_ATTRIBUTES);
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("upkeep"), install.resolve("upkeep"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    String[] plan = {
      "plan", "--repo", repo.toString(), "--insecure-registry", registry.host(), "--format", "json"
    };

    CliProcess.Result first = run(link, work, plan);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("\"1.2.5\"");
    assertThat(first.err()).isEmpty();
    List<Path> written = archives(install);
    assertThat(written).hasSize(1);
    FileTime stamp = Files.getLastModifiedTime(written.get(0));

    CliProcess.Result second = run(link, work, plan);
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).contains("\"1.2.5\"");
    assertThat(second.err()).isEmpty();
    assertThat(archives(install)).isEqualTo(written);
    assertThat(Files.getLastModifiedTime(written.get(0))).isEqualTo(stamp);

    // another command adds the classes it loads to the archive, once
    String[] update = {
      "run", "--in-place", "--repo", repo.toString(), "--insecure-registry", registry.host()
    };
    CliProcess.Result other = run(link, work, update);
    assertThat(other.code()).as(other.err()).isZero();
    assertThat(archives(install)).hasSize(1);
    FileTime extended = Files.getLastModifiedTime(archives(install).get(0));
    assertThat(extended).isGreaterThan(stamp);
    Path covers =
        install.resolve(
            archives(install).get(0).getFileName().toString().replace(".jsa", ".commands"));
    assertThat(Files.readAllLines(covers)).containsExactly("plan", "run");
    assertThat(
            Files.readAllLines(
                install.resolve(covers.getFileName().toString().replace(".commands", ".classes"))))
        .contains("dev/upkeep/cli/RunCommand", "dev/upkeep/cli/PlanCommand");
    CliProcess.Result again = run(link, work, update);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(Files.getLastModifiedTime(archives(install).get(0))).isEqualTo(extended);
    stamp = extended;

    // the archive holds picocli's classes too (compiled for Java 5: an archive written at exit
    // leaves them out, and every command loaded and verified them again)
    Path loaded = tmp.resolve("loaded.txt");
    List<String> command = new ArrayList<>(List.of(link.toString()));
    command.addAll(List.of(plan));
    CliProcess.Result logged =
        CliProcess.run(
            command,
            work,
            Map.of(
                "JAVA_HOME",
                System.getProperty("java.home"),
                "UPKEEP_JAVA_OPTS",
                "-Xlog:class+load=info:file=" + loaded));
    assertThat(logged.code()).as(logged.err()).isZero();
    List<String> lines = Files.readAllLines(loaded);
    assertThat(lines).anyMatch(l -> l.contains(" picocli.CommandLine source: shared objects file"));
    // (the JVM cannot archive an old class it linked while dumping: a few of picocli's remain)
    assertThat(lines.stream().filter(l -> l.contains("source: file:") && l.contains("upkeep.jar")))
        .hasSizeLessThan(10);

    // a jar newer than its archive gets a new one, and the old one goes
    Files.setLastModifiedTime(
        install.resolve("upkeep.jar"), FileTime.fromMillis(stamp.toMillis() + 5000));
    CliProcess.Result third = run(link, work, plan);
    assertThat(third.code()).as(third.err()).isZero();
    assertThat(third.err()).isEmpty();
    assertThat(archives(install)).hasSize(1);
    assertThat(Files.getLastModifiedTime(archives(install).get(0))).isGreaterThan(stamp);
    stamp = Files.getLastModifiedTime(archives(install).get(0));

    // an archive written for another Java runtime (or another jar of the same age) is not used:
    // the next command writes one for this runtime and jar
    Path runtime = install.resolve("upkeep.runtime");
    String identity = Files.readString(runtime);
    assertThat(identity).startsWith(System.getProperty("java.home")).contains("JAVA_VERSION=");
    Files.writeString(runtime, "/opt/other-java/bin/java;JAVA_VERSION=\"21\";123\n");
    Thread.sleep(1100); // a new modification time, on file systems that count seconds
    CliProcess.Result fourth = run(link, work, plan);
    assertThat(fourth.code()).as(fourth.err()).isZero();
    assertThat(fourth.err()).isEmpty();
    assertThat(Files.readString(runtime)).isEqualTo(identity);
    assertThat(archives(install)).hasSize(1);
    assertThat(Files.getLastModifiedTime(archives(install).get(0))).isGreaterThan(stamp);
  }
}
