package dev.upkeep.patch.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk ignores what {@code git} ignores. Every expectation was observed with git 2.39; where
 * {@code git} is on the path, each test asks it again ({@code git ls-files --others
 * --exclude-standard}) so that an expectation cannot drift from git's answer.
 */
class ManifestWalkGitignoreTest {

  @TempDir Path root;

  private void write(String relative, byte[] bytes) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private void write(String relative, String text) throws IOException {
    write(relative, text.getBytes(StandardCharsets.UTF_8));
  }

  private void touch(String... relatives) throws IOException {
    for (String relative : relatives) {
      write(relative, "a: 1\n");
    }
  }

  /** Asserts that the walk lists exactly {@code expected}, and that git agrees when it is here. */
  private void assertListsLikeGit(String... expected) throws Exception {
    List<String> listed =
        ManifestWalk.create().list(root).stream()
            .map(ManifestWalk::slashed)
            .collect(Collectors.toList());
    assertThat(listed).containsExactlyInAnyOrder(expected);
    List<String> untracked = gitUntracked();
    if (untracked != null) {
      assertThat(
              untracked.stream()
                  .filter(p -> ManifestFilesNames.isManifest(p))
                  .collect(Collectors.toList()))
          .as("git's answer")
          .containsExactlyInAnyOrder(expected);
    }
  }

  /** The untracked files git does not ignore, or null when git cannot be run. */
  private List<String> gitUntracked() throws Exception {
    if (git("init", "-q", ".") == null) {
      return null;
    }
    String out = git("ls-files", "-z", "--others", "--exclude-standard");
    if (out == null) {
      return null;
    }
    List<String> paths = new ArrayList<>();
    for (String p : out.split("\0")) {
      if (!p.isEmpty()) {
        paths.add(p);
      }
    }
    return paths;
  }

  private String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "core.excludesFile=/dev/null"));
    command.addAll(List.of(args));
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return null; // no git here
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(out);
    }
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      return null;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The walk's own test of a file name, on a slash-separated path. */
  private static final class ManifestFilesNames {
    static boolean isManifest(String path) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      return name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("Kustomization");
    }
  }

  @Test
  void agreesWithGitOnTheCommonRules() throws Exception {
    write(
        ".gitignore",
        "# comment\r\n\r\n*.gen.yaml\r\n!keep.gen.yaml\r\nbuild/\r\n/top.yaml  \r\n"
            + "mid/a.yaml\r\n**/deep.yaml\r\na/**/b.yaml\r\nabc/**\r\n\\#hash.yaml\r\n"
            + "\\!bang.yaml\r\nspace.yaml\\ \r\n[a-c].yaml\r\nx?z.yaml\r\nA.yaml\r\n"
            + "Kustomization\r\n!apps/Kustomization\r\nlocked/\r\n!locked/x.yaml\r\n");
    write("sub/.gitignore", "!x.gen.yaml\n/local.yaml\nd/e.yaml\n");
    touch(
        "x.gen.yaml",
        "keep.gen.yaml",
        "build/a.yaml",
        "s/build/a.yaml",
        "top.yaml",
        "s/top.yaml",
        "mid/a.yaml",
        "s/mid/a.yaml",
        "deep.yaml",
        "q/r/deep.yaml",
        "a/b.yaml",
        "a/x/y/b.yaml",
        "abc/d/e.yaml",
        "#hash.yaml",
        "!bang.yaml",
        "space.yaml ",
        "space.yaml",
        "a.yaml",
        "d.yaml",
        "xyz.yaml",
        "x/z.yaml",
        "Kustomization",
        "b/Kustomization",
        "apps/Kustomization",
        "locked/x.yaml",
        "sub/x.gen.yaml",
        "sub/local.yaml",
        "sub/s/local.yaml",
        "sub/d/e.yaml",
        "sub/q/d/e.yaml",
        "d/e.yaml",
        ".yaml");
    assertListsLikeGit(
        "keep.gen.yaml",
        "s/top.yaml",
        "space.yaml",
        "d.yaml",
        "x/z.yaml",
        "apps/Kustomization",
        "sub/x.gen.yaml",
        "sub/s/local.yaml",
        "sub/q/d/e.yaml",
        "d/e.yaml",
        ".yaml");
  }

  @Test
  void aByteOrderMarkBeforeTheFirstPatternIsSkippedLikeGit() throws Exception {
    write(".gitignore", "\uFEFFa.yaml\nb.yaml\n");
    touch("a.yaml", "b.yaml", "c.yaml");
    assertListsLikeGit("c.yaml");
  }

  @Test
  void anIgnoreFileThatIsNotUtf8IsReadLikeGitInsteadOfFailingTheWalk() throws Exception {
    write(".gitignore", "# caf\u00e9\na.yaml\n".getBytes(StandardCharsets.ISO_8859_1));
    touch("a.yaml", "b.yaml");
    assertListsLikeGit("b.yaml");
  }

  @Test
  void aNegatedCharacterClassNeverMatchesASlash() throws Exception {
    write(".gitignore", "/env[!0-9]*.yaml\n");
    touch("env/app.yaml", "env-a.yaml", "env1.yaml");
    assertListsLikeGit("env/app.yaml", "env1.yaml");
  }

  @Test
  void characterClassesFollowGitsWildmatch() throws Exception {
    write(".gitignore", "v[[:digit:]].yaml\n[[:upper:]]*.yml\n[\\]]s.yaml\n[z-a].yaml\na[b.yaml\n");
    touch(
        "v1.yaml",
        "va.yaml",
        "A.yml",
        "a.yml",
        "]s.yaml",
        "s.yaml",
        "z.yaml",
        "a[b.yaml",
        "ab.yaml");
    // a reversed range matches its first character only, and does not fail the walk
    assertListsLikeGit("va.yaml", "a.yml", "s.yaml", "a[b.yaml", "ab.yaml");
  }

  @Test
  void aTrailingBackslashOrASecondTrailingSlashMatchesNothingLikeGit() throws Exception {
    write(".gitignore", "a.yaml\\\nd//\n");
    touch("a.yaml", "d/x.yaml");
    assertListsLikeGit("a.yaml", "d/x.yaml");
  }
}
