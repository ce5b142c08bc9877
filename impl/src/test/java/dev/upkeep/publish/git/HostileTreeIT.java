package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.testing.GitRemoteFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trees a hostile pusher can write, each aimed at a sentinel directory outside the clone: every one
 * is refused before anything is written, and the sentinel stays empty.
 */
class HostileTreeIT {
  static final String DEV = JGitPublisherIT.DEV;
  static final List<String> REFUSED = new ArrayList<>();
  static final List<String> WRITES_OUTSIDE = new ArrayList<>();

  GitRemoteFixture remote;
  @TempDir Path tmp;
  Path work;
  Path sentinel;

  @BeforeEach
  void seed() throws IOException {
    remote = GitRemoteFixture.create().seed(Map.of(DEV, JGitPublisherIT.DEV_TEXT));
    work = tmp.resolve("work");
    sentinel = Files.createDirectories(tmp.resolve("sentinel"));
  }

  @AfterEach
  void close() {
    remote.close();
  }

  @AfterAll
  static void printFigure() {
    System.out.printf(
        Locale.ROOT,
        "hostile trees: %d kinds, %d refused, %d writes outside the clone%n",
        kinds().count(),
        REFUSED.size(),
        WRITES_OUTSIDE.size());
  }

  JGitPublisher publisher() {
    return JGitPublisher.builder(remote.url())
        .pushBranch("develop")
        .author("Upkeep Bot", "bot@upkeep.test")
        .workDirectory(work)
        .build();
  }

  /** A hostile tree: its name, the entries it adds at the root, and the path the error names. */
  record Kind(
      String name, BiFunction<HostileTrees, String, HostileTrees.Entry[]> entries, String path) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
            new Kind(
                "a symlink and a directory of the same name",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {
                      t.symlink("x", sentinel), t.dir("x", t.file("pwned.txt", "gotcha\n"))
                    },
                "x"),
            new Kind(
                "two files of the same name",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {
                      t.file("twice.txt", "one\n"), t.file("twice.txt", "two\n")
                    },
                "twice.txt"),
            new Kind(
                "a .. component",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {
                      t.dir("..", t.dir("..", t.dir("sentinel", t.file("pwned.txt", "gotcha\n"))))
                    },
                ".."),
            new Kind(
                "a . component",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {t.dir(".", t.file("pwned.txt", "gotcha\n"))},
                "."),
            new Kind(
                "an absolute path as one name",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {t.file(sentinel + "/pwned.txt", "gotcha\n")},
                "SENTINEL/pwned.txt"),
            new Kind(
                "a .git directory",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {
                      t.dir(
                          ".git",
                          t.file("config", "[core]\n\tfsmonitor = touch " + sentinel + "/x\n"))
                    },
                ".git"),
            new Kind(
                "a .GIT directory (case-insensitive file systems)",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {t.dir("charts", t.dir(".GIT", t.file("config", "")))},
                "charts/.GIT"),
            new Kind(
                "git~1 (the NTFS short name of .git)",
                (t, sentinel) -> new HostileTrees.Entry[] {t.dir("GIT~1", t.file("config", ""))},
                "GIT~1"),
            new Kind(
                ".git. (NTFS drops the trailing dot)",
                (t, sentinel) -> new HostileTrees.Entry[] {t.dir(".git.", t.file("config", ""))},
                ".git."),
            new Kind(
                ".g\u200cit (HFS+ ignores the zero-width non-joiner)",
                (t, sentinel) ->
                    new HostileTrees.Entry[] {t.dir(".g\u200cit", t.file("config", ""))},
                ".g\u200cit"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void refusesTheTreeNamingThePathAndWritesNothingOutsideTheClone(Kind kind) throws IOException {
    String bad;
    try (HostileTrees trees = new HostileTrees(remote.directory())) {
      bad = trees.commitOnTop("main", kind.entries().apply(trees, sentinel.toString()));
    }
    String mainHead = remote.head("main").orElseThrow();
    JGitPublisher p = publisher();

    try {
      assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("refusing to check out " + bad.substring(0, 7))
          .hasMessageContaining("\"" + kind.path().replace("SENTINEL", sentinel.toString()) + "\"");
      REFUSED.add(kind.name());
    } finally {
      if (!listOutside().isEmpty()) {
        WRITES_OUTSIDE.add(kind.name());
      }
    }

    assertThat(listOutside()).isEmpty();
    assertThat(remote.branches()).containsExactly("main");
    assertThat(remote.head("main")).contains(mainHead);
    assertThat(cloneFiles()).as("nothing of the hostile tree is in the clone").isEmpty();
  }

  @Test
  void aLaterRunOnARepairedBranchChecksOutOnlyTheRepairedTree() throws IOException {
    try (HostileTrees trees = new HostileTrees(remote.directory())) {
      HostileTrees.Entry[] bad = {
        trees.symlink("x", sentinel.toString()), trees.dir("x", trees.file("pwned.txt", "no\n"))
      };
      trees.commitOnTop("main", bad);
    }
    JGitPublisher p = publisher();
    assertThatThrownBy(() -> p.publish(Updates.replace("6.5.3", "6.5.4", DEV)))
        .isInstanceOf(PublishException.class);

    remote.commitBytes("main", Map.of(), List.of("x"), "Jane Doe", "Remove the odd entries");
    PublishResult result = p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

    assertThat(result.pushed()).isTrue();
    assertThat(cloneFiles()).isEqualTo(remote.files("main"));
    assertThat(Files.isSymbolicLink(work.resolve("clone/x"))).isFalse();
    assertThat(listOutside()).isEmpty();
  }

  @Test
  void aSymlinkReplacedByADirectoryInALaterCommitIsNeverWrittenThrough() throws IOException {
    JGitPublisher p = publisher();
    try (HostileTrees trees = new HostileTrees(remote.directory())) {
      trees.commitOnTop("main", trees.symlink("x", sentinel.toString()));
    }
    p.inspect(tree -> null);
    assertThat(work.resolve("clone/x")).isSymbolicLink();

    remote.commitBytes(
        "main", Map.of("x/pwned.txt", "gotcha\n".getBytes()), List.of("x"), "Jane Doe", "Dir");
    p.publish(Updates.replace("6.5.3", "6.5.4", DEV));

    assertThat(listOutside()).isEmpty();
    assertThat(work.resolve("clone/x")).isDirectory();
    assertThat(Files.isSymbolicLink(work.resolve("clone/x"))).isFalse();
    assertThat(remote.readFile("develop", "x/pwned.txt")).contains("gotcha\n");
  }

  @Test
  void refusesAHostileTreeOnAWarmCloneAsOnAFreshOne() throws IOException {
    JGitPublisher p = publisher();
    p.publish(Updates.replace("6.5.3", "6.5.4", DEV));
    String bad;
    try (HostileTrees trees = new HostileTrees(remote.directory())) {
      bad =
          trees.commitOnTop(
              "develop",
              trees.symlink("x", sentinel.toString()),
              trees.dir("x", trees.file("pwned.txt", "gotcha\n")));
    }

    assertThatThrownBy(() -> p.publish(Updates.replace("6.5.4", "6.5.5", DEV)))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("refusing to check out " + bad.substring(0, 7))
        .hasMessageContaining("\"x\" twice in one directory");
    assertThat(listOutside()).isEmpty();
    assertThat(work.resolve("clone/x")).doesNotExist();
  }

  @Test
  void neverCommitsAFileReachedThroughASymbolicLink() throws IOException {
    Files.writeString(sentinel.resolve("secret.yaml"), "token: hunter2\n");
    try (HostileTrees trees = new HostileTrees(remote.directory())) {
      trees.commitOnTop("main", trees.symlink("linked", sentinel.toString()));
    }
    JGitPublisher p = publisher();

    assertThatThrownBy(
            () ->
                p.publish(
                    tree ->
                        new dev.upkeep.publish.TreeChanges(
                            List.of(new dev.upkeep.FileReport("linked/secret.yaml", List.of())),
                            Map.of())))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("\"linked/secret.yaml\"")
        .hasMessageContaining("under the symbolic link \"linked\"");
    assertThat(remote.branches()).containsExactly("main");
  }

  private List<Path> listOutside() throws IOException {
    try (Stream<Path> s = Files.list(sentinel)) {
      return s.toList();
    }
  }

  private List<String> cloneFiles() throws IOException {
    Path clone = work.resolve("clone");
    if (!Files.exists(clone)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(clone)) {
      return s.filter(f -> !clone.relativize(f).startsWith(".git"))
          .filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS))
          .map(f -> clone.relativize(f).toString())
          .sorted()
          .toList();
    }
  }
}
