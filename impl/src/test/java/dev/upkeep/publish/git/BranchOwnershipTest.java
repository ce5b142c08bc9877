package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.publish.PublishException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BranchOwnershipTest {
  static final PersonIdent BOT = new PersonIdent("Upkeep Bot", "bot@upkeep.test");
  static final PersonIdent JANE = new PersonIdent("Jane Doe", "jane@example.test");

  final BranchOwnership ownership = new BranchOwnership("fleet", "Bot@Upkeep.test");

  @Nested
  class Marking {
    @Test
    void addsTheTrailerAfterABlankLine() {
      assertThat(ownership.mark("Update podinfo\n\n- a.yaml: 1 -> 2\n", List.of()))
          .isEqualTo("Update podinfo\n\n- a.yaml: 1 -> 2\n\nUpkeep-Automation: fleet\n");
    }

    @Test
    void neverTakesTheSubjectForATrailerBlock() {
      assertThat(ownership.mark("chore: bump", List.of()))
          .isEqualTo("chore: bump\n\nUpkeep-Automation: fleet\n");
    }

    @Test
    void joinsATrailerBlockTheTemplateWroteAndPutsSignedOffByLast() {
      String message =
          ownership.mark(
              "Update podinfo\n\nCo-authored-by: Jane <jane@example.test>\n",
              List.of("Signed-off-by: Upkeep Bot <bot@upkeep.test>"));

      assertThat(message)
          .isEqualTo(
              "Update podinfo\n\nCo-authored-by: Jane <jane@example.test>\n"
                  + "Upkeep-Automation: fleet\nSigned-off-by: Upkeep Bot <bot@upkeep.test>\n");
      assertThat(BranchOwnership.trailers(message))
          .containsExactly(
              "Co-authored-by: Jane <jane@example.test>",
              "Upkeep-Automation: fleet",
              "Signed-off-by: Upkeep Bot <bot@upkeep.test>");
    }

    @Test
    void readsNoTrailersOutsideTheLastParagraph() {
      assertThat(BranchOwnership.trailers("Subject\n\nUpkeep-Automation: fleet\n\nMore words."))
          .isEmpty();
      assertThat(BranchOwnership.trailers("Upkeep-Automation: fleet")).isEmpty();
    }
  }

  @Nested
  class Commits {
    @TempDir Path tmp;
    Repository repo;
    ObjectId base;

    @BeforeEach
    void open() throws IOException {
      repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("r.git").toFile()).build();
      repo.create(true);
      base = commit(null, JANE, JANE, "Initial commit");
    }

    @AfterEach
    void close() {
      repo.close();
    }

    ObjectId commit(ObjectId parent, PersonIdent author, PersonIdent committer, String message)
        throws IOException {
      List<ObjectId> parents = parent == null ? List.of() : List.of(parent);
      return TestCommits.commit(
          repo, parent, parents, "log.txt", message, author, committer, message);
    }

    RevCommit parse(ObjectId id) throws IOException {
      try (RevWalk walk = new RevWalk(repo)) {
        return walk.parseCommit(id);
      }
    }

    String own(String subject) {
      return ownership.mark(subject, List.of());
    }

    @Test
    void countsACommitWithItsTrailerAndCommitterAsItsOwn() throws IOException {
      ObjectId c = commit(base, BOT, BOT, own("Update podinfo"));

      assertThat(ownership.isOwn(parse(c))).isTrue();
    }

    @Test
    void countsAnAmendThatKeptTheAuthorAsAPersons() throws IOException {
      ObjectId amended = commit(base, BOT, JANE, own("Update podinfo"));

      assertThat(ownership.isOwn(parse(amended))).isFalse();
    }

    @Test
    void countsACommitByTheAutomationsAddressWithoutTheTrailerAsAPersons() throws IOException {
      ObjectId c = commit(base, BOT, BOT, "Update podinfo\n");

      assertThat(ownership.isOwn(parse(c))).isFalse();
    }

    @Test
    void countsAnotherAutomationsTrailerAsAPersons() throws IOException {
      ObjectId c =
          commit(
              base, BOT, BOT, new BranchOwnership("other", "bot@upkeep.test").mark("X", List.of()));

      assertThat(ownership.isOwn(parse(c))).isFalse();
    }

    @Test
    void acceptsABranchOfOnlyItsOwnCommits() throws IOException {
      ObjectId head = commit(commit(base, BOT, BOT, own("One")), BOT, BOT, own("Two"));

      ownership.requireOnlyOwnCommits(repo, base, head, "\"develop\"", "main", 0);
    }

    @Test
    void refusesNamingThePersonsCommitByShortIdAuthorAndSubject() throws IOException {
      ObjectId amended = commit(base, BOT, JANE, own("Update podinfo"));
      ObjectId head = commit(amended, BOT, BOT, own("Update again"));

      assertThatThrownBy(
              () -> ownership.requireOnlyOwnCommits(repo, base, head, "\"develop\"", "main", 0))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("refusing to rebuild \"develop\": 1 of its 2 commits")
          .hasMessageContaining(
              amended.abbreviate(7).name() + " by Upkeep Bot <bot@upkeep.test>: \"Update podinfo\"")
          .hasMessageContaining("Strategy.STACK");
    }
  }
}
