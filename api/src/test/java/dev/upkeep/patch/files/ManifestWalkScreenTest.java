package dev.upkeep.patch.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestWalkScreenTest {

  @TempDir Path root;

  private void write(String name, byte[] bytes) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private void write(String name, String text) throws IOException {
    write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheTextOfFilesHoldingATokenInListOrder() throws IOException {
    write("b/marked.yaml", "image: app:1.0 # {\"$imagepolicy\": \"ns:app\"}\n");
    write("a/flux.yaml", "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\n");
    write("a/plain.yaml", "kind: ConfigMap\n");
    ManifestWalk.Screen screen =
        ManifestWalk.create().screen(root, List.of("$imagepolicy", "toolkit.fluxcd.io"));
    assertThat(screen.texts().keySet())
        .containsExactly(Path.of("a/flux.yaml"), Path.of("b/marked.yaml"));
    assertThat(screen.texts().get(Path.of("a/flux.yaml"))).startsWith("apiVersion:");
    assertThat(screen.unjudged()).isEmpty();
  }

  @Test
  void aTokenAfterNonAsciiTextIsFoundAndDecoded() throws IOException {
    write("app.yaml", "# café\nimage: app:1.0 # {\"$imagepolicy\": \"ns:app\"}\n");
    assertThat(ManifestWalk.create().screen(root, List.of("$imagepolicy")).texts())
        .containsValue("# café\nimage: app:1.0 # {\"$imagepolicy\": \"ns:app\"}\n");
  }

  @Test
  void leavesToThePipelineTheFilesItCannotVouchFor() throws IOException {
    write("binary.yaml", new byte[] {'a', 0, '\n'});
    write("latin1.yaml", new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
    write(
        "marked-latin1.yaml", "v: 1 # $imagepolicy \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    write("huge.yaml", "#".repeat(2000));
    write("plain.yaml", "a: b\n");
    ManifestWalk.Screen screen =
        ManifestWalk.builder().maxFileBytes(1000).build().screen(root, List.of("$imagepolicy"));
    assertThat(screen.texts()).isEmpty();
    assertThat(screen.unjudged())
        .containsExactlyInAnyOrder(
            Path.of("binary.yaml"),
            Path.of("latin1.yaml"),
            Path.of("marked-latin1.yaml"),
            Path.of("huge.yaml"));
  }

  @Test
  void aLargeTreeReadOnSeveralThreadsGivesWhatTheListAndOneReadOfEachFileGive() throws IOException {
    // more files than one reading task takes, in nested directories, with an ignored directory
    write(".gitignore", "skipped/\n");
    for (int i = 0; i < 700; i++) {
      String dir = "apps/team" + (i % 7) + (i % 3 == 0 ? "/deep" : "");
      String text =
          i % 50 == 0 ? "v: 1 # {\"$imagepolicy\": \"ns:a" + i + "\"}\n" : "a: " + i + "\n";
      write(dir + "/f" + i + ".yaml", text);
    }
    write("apps/team1/zz-binary.yaml", new byte[] {0, 1});
    write("skipped/f.yaml", "v: 1 # {\"$imagepolicy\": \"ns:skipped\"}\n");
    ManifestWalk walk = ManifestWalk.create();

    ManifestWalk.Screen screen = walk.screen(root, List.of("$imagepolicy"));

    List<Path> expected = new java.util.ArrayList<>();
    for (Path file : walk.list(root)) {
      if (walk.read(root, file).map(t -> t.contains("$imagepolicy")).orElse(false)) {
        expected.add(file);
      }
    }
    assertThat(expected).hasSize(14);
    assertThat(screen.texts().keySet()).containsExactlyElementsOf(expected);
    assertThat(screen.texts().get(Path.of("apps/team0/deep/f0.yaml"))).contains("ns:a0");
    assertThat(screen.unjudged()).containsExactly(Path.of("apps/team1/zz-binary.yaml"));
  }

  @Test
  void afterAScreenOnlyTheFilesItKeptAndThoseNewOrChangedSinceAreListed() throws IOException {
    write("a/marked.yaml", "v: 1 # {\"$imagepolicy\": \"ns:a\"}\n");
    write("a/plain.yaml", "a: b\n");
    write("a/touched.yaml", "c: d\n");
    write("b/gone.yaml", "v: 1 # {\"$imagepolicy\": \"ns:b\"}\n");
    write("b/same.yaml", "e: f\n");
    ManifestWalk walk = ManifestWalk.create();
    ManifestWalk.Screen screen = walk.screen(root, List.of("$imagepolicy"));

    // another checkout: a marker written into a plain file, a file rewritten with the same
    // bytes, a file deleted and one added; b/same.yaml is as the screen saw it
    write("a/plain.yaml", "v: 1 # {\"$imagepolicy\": \"ns:p\"}\n");
    Files.setLastModifiedTime(
        root.resolve("a/touched.yaml"),
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(root.resolve("a/touched.yaml")).toMillis() + 2000));
    Files.delete(root.resolve("b/gone.yaml"));
    write("c/new.yaml", "g: h\n");

    assertThat(walk.unchangedSince(root, screen).list(root))
        .containsExactly(
            Path.of("a/marked.yaml"),
            Path.of("a/plain.yaml"),
            Path.of("a/touched.yaml"),
            Path.of("c/new.yaml"));
  }

  @Test
  void anotherTreeOrAScreenWithoutStampsGetsTheWholeWalk(@TempDir Path other) throws IOException {
    write("a/marked.yaml", "v: 1 # {\"$imagepolicy\": \"ns:a\"}\n");
    write("a/plain.yaml", "a: b\n");
    Files.writeString(other.resolve("x.yaml"), "a: b\n");
    ManifestWalk walk = ManifestWalk.create();
    ManifestWalk.Screen screen = walk.screen(root, List.of("$imagepolicy"));

    assertThat(walk.unchangedSince(root, screen).list(other)).containsExactly(Path.of("x.yaml"));
    ManifestWalk.Screen unstamped = new ManifestWalk.Screen(screen.texts(), screen.unjudged());
    assertThat(walk.unchangedSince(root, unstamped).list(root)).isEqualTo(walk.list(root));
  }

  @Test
  void aScreenWithoutStampsKeepsTheSameTextsAndLeavesTheLaterListToTheWholeWalk()
      throws IOException {
    write("a/marked.yaml", "v: 1 # {\"$imagepolicy\": \"ns:a\"}\n");
    write("a/plain.yaml", "a: b\n");
    write("b/binary.yaml", new byte[] {0, 1});
    ManifestWalk walk = ManifestWalk.create();

    ManifestWalk.Screen stamped = walk.screen(root, List.of("$imagepolicy"));
    ManifestWalk.Screen unstamped = walk.screenUnstamped(root, List.of("$imagepolicy"));

    assertThat(stamped.stamps()).hasSize(3);
    assertThat(unstamped.stamps()).isEmpty();
    assertThat(unstamped.texts()).isEqualTo(stamped.texts()).hasSize(1);
    assertThat(unstamped.unjudged()).isEqualTo(stamped.unjudged()).hasSize(1);
    assertThat(walk.unchangedSince(root, unstamped).list(root)).isEqualTo(walk.list(root));
    assertThat(walk.unchangedSince(root, stamped).list(root))
        .containsExactly(Path.of("a/marked.yaml"), Path.of("b/binary.yaml"));
  }
}
