package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefetchTest {

  @TempDir Path root;

  @AfterEach
  void dropAnyGuess() {
    Prefetch.take(root);
  }

  private void repository() throws IOException {
    Files.createDirectories(root.resolve("apps"));
    Files.writeString(
        root.resolve("apps/a.yaml"), "image: app:1.0 # {\"$imagepolicy\": \"flux-system:app\"}\n");
  }

  @Test
  void aPlanOfALocalDirectoryIsReadEarlyAndTheLoadOfThatDirectoryTakesIt() throws IOException {
    repository();
    Prefetch.startRead("plan", "--format", "json", "--repo", root.toString());
    Files.writeString(root.resolve("apps/late.yaml"), "v: 1 # {\"$imagepolicy\": \"ns:late\"}\n");

    Session.Loaded loaded = Session.load(root);

    // what the early read saw (the file written after it may or may not be there), taken once
    assertThat(loaded.screen().texts()).containsKey(Path.of("apps/a.yaml"));
    assertThat(Prefetch.take(root)).isEmpty();
    assertThat(Session.load(root).screen().texts()).containsKey(Path.of("apps/late.yaml"));
  }

  @Test
  void theEarlyReadIsDroppedWhenTheCommandLoadsAnotherDirectory(@TempDir Path other)
      throws IOException {
    repository();
    Prefetch.startRead("plan", "--repo=" + root);
    assertThat(Prefetch.take(other)).isEmpty();
    assertThat(Prefetch.take(root.resolve("apps/.."))).isPresent();
  }

  @Test
  void nothingIsReadEarlyForOtherCommandsUrlsOrAdoption() throws IOException {
    repository();
    Prefetch.startRead("run", "--repo", root.toString());
    assertThat(Prefetch.take(root)).isEmpty();
    Prefetch.startRead("plan", "--repo", "https://example.test/org/repo.git");
    assertThat(Prefetch.take(root)).isEmpty();
    Prefetch.startRead("plan", "--discover", "--repo", root.toString());
    assertThat(Prefetch.take(root)).isEmpty();
  }
}
