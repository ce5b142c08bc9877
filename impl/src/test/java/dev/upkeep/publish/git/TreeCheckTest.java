package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeCheckTest {
  @TempDir Path tmp;

  @Nested
  class Trees {
    Repository repo;
    HostileTrees trees;

    @BeforeEach
    void open() throws IOException {
      repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("r.git").toFile()).build();
      repo.create(true);
      trees = new HostileTrees(repo.getDirectory().toPath());
    }

    @AfterEach
    void close() {
      trees.close();
      repo.close();
    }

    Set<ObjectId> check(HostileTrees.Entry root, Set<ObjectId> known) throws IOException {
      try (ObjectReader reader = repo.newObjectReader()) {
        return TreeCheck.requireSafe(reader, ObjectId.zeroId(), root.id(), known);
      }
    }

    @Test
    void checksEachTreeOnceAndSkipsTreesAlreadyFoundSafe() throws IOException {
      HostileTrees.Entry shared = trees.dir("apps", trees.file("a.yaml", "a: 1\n"));
      HostileTrees.Entry root =
          trees.dir(
              "", shared, trees.dir("more", trees.dir("apps", trees.file("a.yaml", "a: 1\n"))));

      Set<ObjectId> first = check(root, Set.of());
      Set<ObjectId> again = check(root, first);

      assertThat(first).hasSize(3).contains(root.id(), shared.id());
      assertThat(again).isEmpty();
    }

    @Test
    void remembersTheTreesOfACheckedCommitInTheRepositoryOnce() throws IOException {
      ObjectId commit =
          TestCommits.commit(
              repo,
              null,
              java.util.List.of(),
              "apps/a.yaml",
              "a: 1\n",
              new org.eclipse.jgit.lib.PersonIdent("A", "a@example.test"),
              new org.eclipse.jgit.lib.PersonIdent("A", "a@example.test"),
              "One\n");
      Path memo = repo.getDirectory().toPath().resolve(TreeCheck.CHECKED);

      TreeCheck.requireSafe(repo, commit);
      long size = Files.size(memo);
      TreeCheck.requireSafe(repo, commit);

      assertThat(size).as("the root tree and apps/, 20 bytes each").isEqualTo(40);
      assertThat(Files.size(memo)).isEqualTo(size);
    }

    @Test
    void refusesAHostileSubtreeBesideTreesAlreadyFoundSafe() throws IOException {
      HostileTrees.Entry safe = trees.dir("apps", trees.file("a.yaml", "a: 1\n"));
      Set<ObjectId> known = check(trees.dir("", safe), Set.of());
      HostileTrees.Entry root =
          trees.dir("", safe, trees.dir("deep", trees.dir(".Git", trees.file("config", ""))));

      assertThatThrownBy(() -> check(root, known))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("\"deep/.Git\", a spelling of .git")
          .hasMessageContaining("nothing was written");
    }
  }

  @Nested
  class CommittedPaths {
    Path work;

    @BeforeEach
    void tree() throws IOException {
      work = Files.createDirectories(tmp.resolve("work"));
    }

    @Test
    void acceptsAPlainRelativePathAndNormalizesIt() {
      assertThat(TreeCheck.requireCommittable(work, "apps/./dev/../dev/a.yaml"))
          .isEqualTo("apps/dev/a.yaml");
    }

    @Test
    void refusesGitDirectoriesInAnySpelling() {
      for (String bad : new String[] {".git/config", "apps/.GIT/config", "git~1/config"}) {
        assertThatThrownBy(() -> TreeCheck.requireCommittable(work, bad))
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("\"" + bad + "\"")
            .hasMessageContaining("not a file inside the work tree");
      }
    }

    @Test
    void refusesAPathUnderASymbolicLink() throws IOException {
      Path outside = Files.createDirectories(tmp.resolve("outside"));
      Files.createSymbolicLink(work.resolve("apps"), outside);

      assertThatThrownBy(() -> TreeCheck.requireCommittable(work, "apps/secret.yaml"))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("lies under the symbolic link \"apps\"");
    }
  }
}
