package dev.upkeep.patch.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.patch.PatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTextTest {

  @TempDir Path dir;

  Map<Path, String> fiveFiles() throws IOException {
    Map<Path, String> contents = new LinkedHashMap<>();
    for (int i = 1; i <= 5; i++) {
      Path f = dir.resolve("f" + i + ".yaml");
      Files.writeString(f, "old " + i + "\n");
      contents.put(f, "new " + i + "\n");
    }
    return contents;
  }

  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void writesEveryFile() throws IOException {
    Map<Path, String> contents = fiveFiles();
    ManifestText.writeAll(contents);
    for (Map.Entry<Path, String> e : contents.entrySet()) {
      assertThat(Files.readString(e.getKey())).isEqualTo(e.getValue());
    }
    assertThat(names()).hasSize(5);
  }

  @Test
  void putsTheOldBytesBackWhenTheThirdOfFiveReplacementsFails() throws IOException {
    Map<Path, String> contents = fiveFiles();
    AtomicInteger moves = new AtomicInteger();
    assertThatThrownBy(
            () ->
                ManifestText.writeAll(
                    contents,
                    (temp, file) -> {
                      if (moves.incrementAndGet() == 3) {
                        throw new IOException("disk full");
                      }
                      Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }))
        .isInstanceOf(PatchException.class)
        .hasMessageContaining("f3.yaml")
        .hasMessageContaining("cannot replace: disk full; none was changed");
    for (int i = 1; i <= 5; i++) {
      assertThat(Files.readString(dir.resolve("f" + i + ".yaml"))).isEqualTo("old " + i + "\n");
    }
    assertThat(names()).containsExactly("f1.yaml", "f2.yaml", "f3.yaml", "f4.yaml", "f5.yaml");
  }

  @Test
  void refusesALinkAmongTheFilesBeforeWritingAny(@TempDir Path outside) throws IOException {
    Map<Path, String> contents = fiveFiles();
    Path target = outside.resolve("t.yaml");
    Files.writeString(target, "keep\n");
    Path link = dir.resolve("f3.yaml");
    Files.delete(link);
    Files.createSymbolicLink(link, target);
    assertThatThrownBy(() -> ManifestText.writeAll(contents))
        .isInstanceOf(PatchException.class)
        .hasMessageContaining("f3.yaml")
        .hasMessageContaining("symbolic link");
    assertThat(Files.readString(target)).isEqualTo("keep\n");
    assertThat(Files.readString(dir.resolve("f1.yaml"))).isEqualTo("old 1\n");
    assertThat(names()).hasSize(5);
  }

  @Test
  void writesNoneAndLeavesNoTemporaryFileWhenOneOfFiveCannotBeWritten() throws IOException {
    Map<Path, String> contents = fiveFiles();
    contents.put(dir.resolve("missing/f6.yaml"), "new 6\n");
    assertThatThrownBy(() -> ManifestText.writeAll(contents))
        .isInstanceOf(PatchException.class)
        .hasMessageContaining("f6.yaml")
        .hasMessageContaining("none was changed");
    for (int i = 1; i <= 5; i++) {
      assertThat(Files.readString(dir.resolve("f" + i + ".yaml"))).isEqualTo("old " + i + "\n");
    }
    assertThat(names()).containsExactly("f1.yaml", "f2.yaml", "f3.yaml", "f4.yaml", "f5.yaml");
  }

  @Test
  void keepsEachFilesPermissions() throws IOException {
    Map<Path, String> contents = fiveFiles();
    Path script = dir.resolve("f2.yaml");
    Set<PosixFilePermission> executable = PosixFilePermissions.fromString("rwxr-x---");
    Files.setPosixFilePermissions(script, executable);
    ManifestText.writeAll(contents);
    assertThat(Files.getPosixFilePermissions(script)).isEqualTo(executable);
    assertThat(Files.getPosixFilePermissions(dir.resolve("f1.yaml")))
        .isNotEqualTo(executable)
        .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
  }

  @Test
  void aWalkedFileIsReadAsTheWalkSawItAndNeverThroughALinkSwappedInSince(@TempDir Path outside)
      throws IOException {
    Path file = dir.resolve("a.yaml");
    Files.writeString(file, "kind: A\n");
    assertThat(ManifestText.bytesOfWalked(file, 8, 100)).hasValue("kind: A\n".getBytes());
    // the walk saw more bytes than are left: what is there
    assertThat(ManifestText.bytesOfWalked(file, 20, 100)).hasValue("kind: A\n".getBytes());
    // appended since the walk: the bytes it saw, never more than the limit allowed
    assertThat(ManifestText.bytesOfWalked(file, 4, 100)).hasValue("kind".getBytes());
    assertThat(ManifestText.bytesOfWalked(file, 101, 100)).isEmpty();

    Path secret = Files.writeString(outside.resolve("secret"), "password: hunter2\n");
    Files.delete(file);
    Files.createSymbolicLink(file, secret);
    assertThat(ManifestText.bytesOfWalked(file, 8, 100)).isEmpty();
  }
}
