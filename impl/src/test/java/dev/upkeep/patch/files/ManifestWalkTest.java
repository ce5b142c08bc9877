package dev.upkeep.patch.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ProblemFile;
import dev.upkeep.Selection;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.yaml.InlineMarkers;
import dev.upkeep.patch.yaml.InlinePolicy;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestWalkTest {

  private static final String MARKED =
      "image: ghcr.io/stefanprodan/podinfo:6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
  private static final Map<String, Selection> SELECTIONS =
      Map.of(
          "flux-system:podinfo",
          Selection.of(
              "flux-system:podinfo", ArtifactRef.parse("ghcr.io/stefanprodan/podinfo"), "6.5.4"));

  @TempDir Path root;
  @TempDir Path outside;

  private Path write(String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  /** A registry that holds one tag of every artifact. */
  private static RegistrySource only(String tag) {
    return new RegistrySource() {
      @Override
      public List<String> listTags(ArtifactRef ref) {
        return List.of(tag);
      }

      @Override
      public Optional<String> digest(ArtifactRef ref, String t) {
        return Optional.empty();
      }
    };
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(ManifestWalk::slashed).collect(Collectors.toList());
  }

  @Nested
  class Listing {

    @Test
    void listsYamlAndKustomizationFilesSortedAndSkipsGitAndOtherExtensions() throws IOException {
      write("b.yml", "a: 1\n");
      write("a.yaml", "a: 1\n");
      write("notes.txt", "a: 1\n");
      write("Kustomization", "a: 1\n");
      write("apps/Kustomization", "a: 1\n");
      write("apps/kustomization", "a: 1\n");
      write("apps/Kustomization.txt", "a: 1\n");
      write(".git/config.yaml", "a: 1\n");
      write("apps/dev/app.yaml", "a: 1\n");
      assertThat(names(ManifestWalk.create().list(root)))
          .containsExactly(
              "Kustomization", "a.yaml", "apps/Kustomization", "apps/dev/app.yaml", "b.yml");
    }

    @Test
    void honoursGitignoreFilesAtEveryLevelWithNegation() throws IOException {
      write(".gitignore", "build/\n*.generated.yaml\n");
      write("build/out.yaml", "a: 1\n");
      write("x.generated.yaml", "a: 1\n");
      write("apps/.gitignore", "*.tmpl.yaml\n!keep.tmpl.yaml\n");
      write("apps/a.tmpl.yaml", "a: 1\n");
      write("apps/keep.tmpl.yaml", "a: 1\n");
      write("apps/app.yaml", "a: 1\n");
      write("other/a.tmpl.yaml", "a: 1\n");
      assertThat(names(ManifestWalk.create().list(root)))
          .containsExactly("apps/app.yaml", "apps/keep.tmpl.yaml", "other/a.tmpl.yaml");
    }

    @Test
    void givenExcludesApplyLikeGitignorePatterns() throws IOException {
      write("charts/app/values.yaml", "a: 1\n");
      write("clusters/legacy/a.yaml", "a: 1\n");
      write("clusters/prod/legacy/a.yaml", "a: 1\n");
      write("clusters/prod/a.yaml", "a: 1\n");
      ManifestWalk walk = ManifestWalk.builder().exclude("charts/", "/clusters/legacy").build();
      assertThat(names(walk.list(root)))
          .containsExactly("clusters/prod/a.yaml", "clusters/prod/legacy/a.yaml");
    }

    @Test
    void aSubPathLimitsTheWalkWhileTheRootGitignoreStillApplies() throws IOException {
      write(".gitignore", "secret.yaml\n");
      write("clusters/prod/a.yaml", "a: 1\n");
      write("clusters/prod/secret.yaml", "a: 1\n");
      write("clusters/dev/a.yaml", "a: 1\n");
      ManifestWalk walk = ManifestWalk.builder().path("clusters/prod").build();
      assertThat(names(walk.list(root))).containsExactly("clusters/prod/a.yaml");
      assertThatThrownBy(() -> ManifestWalk.builder().path("../elsewhere"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"../elsewhere\"");
    }

    @Test
    void neverFollowsSymbolicLinks() throws IOException {
      Files.writeString(outside.resolve("secret.yaml"), MARKED);
      Files.createDirectories(outside.resolve("dir"));
      Files.writeString(outside.resolve("dir/x.yaml"), MARKED);
      write("real.yaml", MARKED);
      Files.createSymbolicLink(root.resolve("out.yaml"), outside.resolve("secret.yaml"));
      Files.createSymbolicLink(root.resolve("in.yaml"), root.resolve("real.yaml"));
      Files.createSymbolicLink(root.resolve("outdir"), outside.resolve("dir"));
      assertThat(names(ManifestWalk.create().list(root))).containsExactly("real.yaml");
      assertThat(ManifestWalk.create().read(root, Path.of("out.yaml"))).isEmpty();
      assertThat(ManifestWalk.builder().path("outdir").build().list(root)).isEmpty();
      for (String link : List.of("out.yaml", "in.yaml", "outdir")) {
        Files.delete(root.resolve(link));
      }
    }

    @Test
    void listsFilesLargerThanTheLimitButNeverReadsThem() throws IOException {
      write("small.yaml", "a: 1\n");
      write("big.yaml", "a: " + "x".repeat(2000) + "\n");
      ManifestWalk walk = ManifestWalk.builder().maxFileBytes(1000).build();
      assertThat(names(walk.list(root))).containsExactly("big.yaml", "small.yaml");
      assertThat(walk.maxFileBytes()).isEqualTo(1000);
      assertThat(walk.read(root, Path.of("big.yaml"))).isEmpty();
      assertThat(walk.read(root, Path.of("small.yaml"))).hasValue("a: 1\n");
    }
  }

  @Nested
  class Patching {

    @Test
    void thePipelinePatchesOnlyMarkedFilesAndListsBrokenAndBinaryOnesAsProblemFiles()
        throws IOException {
      write("apps/a.yaml", MARKED);
      write("apps/plain.yaml", "a: 1\n");
      write("apps/template.yaml", "{{ .Values.x }}: [\n");
      write("apps/broken.yaml", "a: [1\n" + MARKED);
      Files.write(
          root.resolve("apps/bin.yaml"), ("a: 1\u0000" + MARKED).getBytes(StandardCharsets.UTF_8));
      StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
      for (int i = 1; i < 8; i++) {
        bomb.append("a").append(i).append(": &a").append(i).append(" [");
        bomb.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1))));
        bomb.append("]\n");
      }
      write("apps/bomb.yaml", bomb + MARKED);
      write("apps/Kustomization", MARKED);
      write("apps/huge.yaml", "#".repeat(5000) + "\n" + MARKED);
      Selection s = SELECTIONS.get("flux-system:podinfo");
      UpdateReport plan =
          UpdatePipeline.builder()
              .source(only(s.tag()))
              .policy(s.policy(), s.artifact(), tags -> tags.stream().findFirst())
              .patcher(SetterPatcher.create())
              .files(ManifestWalk.builder().maxFileBytes(4096).build())
              .publisher(GitPublisher.inPlace(root))
              .build()
              .plan();
      assertThat(plan.files())
          .extracting(f -> f.file(), f -> f.changes().get(0).newValue())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "apps/Kustomization", "ghcr.io/stefanprodan/podinfo:6.5.4"),
              org.assertj.core.groups.Tuple.tuple(
                  "apps/a.yaml", "ghcr.io/stefanprodan/podinfo:6.5.4"));
      assertThat(plan.findings()).isEmpty();
      assertThat(plan.problemFiles())
          .extracting(ProblemFile::file, ProblemFile::line)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("apps/bin.yaml", 0),
              org.assertj.core.groups.Tuple.tuple("apps/bomb.yaml", 6),
              org.assertj.core.groups.Tuple.tuple("apps/broken.yaml", 2),
              org.assertj.core.groups.Tuple.tuple("apps/huge.yaml", 0));
      assertThat(plan.problemFiles().get(1).reason()).contains("alias");
      assertThat(plan.problemFiles().get(2).reason()).contains("does not parse as YAML");
      assertThat(plan.problemFiles().get(3).reason())
          .isEqualTo("larger than 4096 bytes (5085 bytes); not read");
      assertThat(Files.readString(root.resolve("apps/a.yaml"))).isEqualTo(MARKED);
    }

    @Test
    void aRunOnALocalRepositoryWritesAllFilesOrNone() throws IOException {
      for (int i = 1; i <= 5; i++) {
        write("apps/f" + i + ".yaml", MARKED);
      }
      Selection s = SELECTIONS.get("flux-system:podinfo");
      SetterPatcher setter = SetterPatcher.create();
      // While the last file is patched, the third turns into a directory: its write must fail
      // after the first two files were prepared.
      dev.upkeep.patch.ManifestPatcher patcher =
          new dev.upkeep.patch.ManifestPatcher() {
            @Override
            public dev.upkeep.patch.Patch patch(
                Path file, String content, Map<String, Selection> selections) {
              if (file.endsWith("f5.yaml")) {
                try {
                  Path third = root.resolve("apps/f3.yaml");
                  Files.delete(third);
                  Files.createDirectories(third.resolve("inside"));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
              return setter.patch(file, content, selections);
            }

            @Override
            public boolean mayApply(String content) {
              return setter.mayApply(content);
            }
          };
      UpdatePipeline pipeline =
          UpdatePipeline.builder()
              .source(only(s.tag()))
              .policy(s.policy(), s.artifact(), tags -> tags.stream().findFirst())
              .patcher(patcher)
              .publisher(GitPublisher.inPlace(root))
              .build();
      assertThatThrownBy(pipeline::run)
          .isInstanceOf(dev.upkeep.patch.PatchException.class)
          .hasMessageContaining("f3.yaml");
      for (int i : new int[] {1, 2, 4, 5}) {
        assertThat(Files.readString(root.resolve("apps/f" + i + ".yaml"))).isEqualTo(MARKED);
      }
      try (var files = Files.list(root.resolve("apps"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("f1.yaml", "f2.yaml", "f3.yaml", "f4.yaml", "f5.yaml");
      }
    }

    @Test
    void findsInlinePoliciesAcrossTheTree() throws IOException {
      write(
          "apps/hr.yaml",
          "spec:\n  chart:\n    spec:\n      version: 1.2.3 # {\"$upkeep\": {\"chart\":"
              + " \"oci://ghcr.io/org/charts/app\", \"semver\": \"1.2.x\"}}\n");
      write("apps/broken.yaml", "a: [ # {\"$upkeep\": {}}\n");
      assertThat(InlineMarkers.scan(root, ManifestWalk.create()))
          .singleElement()
          .extracting(InlinePolicy::name, InlinePolicy::file, InlinePolicy::line)
          .containsExactly("oci://ghcr.io/org/charts/app?semver=1.2.x", "apps/hr.yaml", 4);
    }
  }

  @Nested
  class Reading {

    @Test
    void keepsTheByteOrderMarkAndAReplacementCharacterWrittenInTheFile() {
      String text = "\uFEFFa: \"\uFFFD 😀\"\r\n";
      assertThat(ManifestText.decode(text.getBytes(StandardCharsets.UTF_8))).contains(text);
    }

    @Test
    void refusesBytesThatAreNotUtf8OrHoldNul() {
      assertThat(ManifestText.decode(new byte[] {'a', ':', ' ', (byte) 0xC3, '\n'})).isEmpty();
      assertThat(ManifestText.decode(new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'})).isEmpty();
      assertThat(ManifestText.decode(new byte[] {'a', 0, 'b'})).isEmpty();
    }

    @Test
    void readsNothingButRegularFiles() throws IOException {
      Files.createDirectories(root.resolve("dir.yaml"));
      assertThat(ManifestText.read(root.resolve("dir.yaml"), 100)).isEmpty();
      Path big = write("big.yaml", "a: 1234567890\n");
      assertThat(ManifestText.read(big, 5)).isEmpty();
      assertThat(ManifestText.read(big, 100)).contains("a: 1234567890\n");
    }
  }

  @Nested
  class Writing {

    @Test
    void replacesTheContentAtomicallyKeepingPermissions() throws IOException {
      Path file = write("a.yaml", "old\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
      ManifestText.write(file, "\uFEFFnew\r\n");
      assertThat(Files.readAllBytes(file))
          .isEqualTo("\uFEFFnew\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-r-----");
      try (var s = Files.list(root)) {
        assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.yaml");
      }
    }

    @Test
    void refusesToReplaceASymbolicLink() throws IOException {
      Path target = outside.resolve("t.yaml");
      Files.writeString(target, "keep\n");
      Path link = root.resolve("l.yaml");
      Files.createSymbolicLink(link, target);
      assertThatThrownBy(() -> ManifestText.write(link, "x"))
          .isInstanceOf(dev.upkeep.patch.PatchException.class)
          .hasMessageContaining("l.yaml");
      assertThat(Files.readString(target)).isEqualTo("keep\n");
      Files.delete(link);
    }
  }
}
