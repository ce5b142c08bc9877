package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckedOutTest {
  @TempDir Path tmp;

  Clone clone;
  ObjectId commit;

  @BeforeEach
  void checkOut() throws IOException {
    clone = Clone.open(tmp.resolve("clone"));
    commit = commit(commit(null, "a.yaml", "a: 1\n"), "apps/b.yaml", "b: 2\n");
    clone.checkout(commit, false);
  }

  @AfterEach
  void close() {
    clone.close();
  }

  boolean matches(ObjectId c) throws IOException {
    return CheckedOut.matches(clone.repository(), clone.workTree(), c);
  }

  @Test
  void holdsRightAfterACheckout() throws IOException {
    assertThat(matches(commit)).isTrue();
  }

  @Test
  void failsForAnotherCommit() throws IOException {
    assertThat(matches(commit(commit, "a.yaml", "a: 3\n"))).isFalse();
  }

  @Test
  void failsWhenAFileChangedKeepingItsSize() throws IOException {
    Files.writeString(clone.workTree().resolve("apps/b.yaml"), "b: 9\n");
    assertThat(matches(commit)).isFalse();
  }

  @Test
  void failsWhenAFileIsGone() throws IOException {
    Files.delete(clone.workTree().resolve("a.yaml"));
    assertThat(matches(commit)).isFalse();
  }

  @Test
  void failsWhenAFileBecameExecutable() throws IOException {
    assertThat(clone.workTree().resolve("a.yaml").toFile().setExecutable(true)).isTrue();
    assertThat(matches(commit)).isFalse();
  }

  @Test
  void failsWhenADirectoryWasSwappedForALinkToACopy() throws IOException {
    Path apps = clone.workTree().resolve("apps");
    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    Files.copy(apps.resolve("b.yaml"), copy.resolve("b.yaml"));
    Files.delete(apps.resolve("b.yaml"));
    Files.delete(apps);
    Files.createSymbolicLink(apps, copy);
    assertThat(matches(commit)).isFalse();
  }

  @Test
  void aCheckoutAfterATamperedFileRestoresIt() throws IOException {
    Path b = clone.workTree().resolve("apps/b.yaml");
    Files.writeString(b, "b: 9\n");
    clone.checkout(commit, false);
    assertThat(Files.readString(b)).isEqualTo("b: 2\n");
    assertThat(matches(commit)).isTrue();
  }

  @Test
  void holdsForASparseCheckoutWithoutLookingAtTheFilesItLeftOut() throws IOException {
    clone.close();
    clone = Clone.open(tmp.resolve("sparse"), List.of("$imagepolicy"));
    commit = commit(commit(null, "a.yaml", "a: 1\n"), "apps/b.yaml", "b: 2\n");
    clone.checkout(commit, false);

    assertThat(clone.workTree().resolve("a.yaml")).doesNotExist();
    assertThat(matches(commit)).isTrue();
    Files.writeString(clone.workTree().resolve("a.yaml"), "a: 9\n");
    assertThat(matches(commit))
        .as("a file written where one was left out is not looked at (assume unchanged)")
        .isTrue();
  }

  /** A commit of {@code file} on top of {@code base}'s tree (none when null), not checked out. */
  ObjectId commit(ObjectId base, String file, String content) throws IOException {
    PersonIdent who = new PersonIdent("Test", "test@example.test");
    return TestCommits.commit(
        clone.repository(), base, List.of(), file, content, who, who, "test\n");
  }
}
