package dev.upkeep.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetConfigTest {

  @Nested
  class Loading {
    @Test
    void readsUrlsAndOptionalAutomationsInFileOrder(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("fleet.yaml");
      Files.writeString(
          file,
          "repositories:\n"
              + "  - url: https://github.com/org/gitops.git\n"
              + "  - url: file:///srv/git/platform.git\n"
              + "    automation: flux-system:platform\n"
              + "  - url: ssh://git@example.com/org/apps.git\n");

      assertThat(FleetConfig.load(file).repositories())
          .containsExactly(
              new FleetConfig.Repository("https://github.com/org/gitops.git", Optional.empty()),
              new FleetConfig.Repository(
                  "file:///srv/git/platform.git", Optional.of("flux-system:platform")),
              new FleetConfig.Repository("ssh://git@example.com/org/apps.git", Optional.empty()));
    }

    @Test
    void readsWhereEachRepositoryOpensItsPullRequest(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("fleet.yaml");
      Files.writeString(
          file,
          "repositories:\n"
              + "  - url: https://github.com/org/gitops.git\n"
              + "    github: org/gitops\n"
              + "  - url: https://gitlab.example.com/group/platform.git\n"
              + "    gitlab: group/sub/platform\n"
              + "  - url: file:///srv/git/apps.git\n");

      assertThat(FleetConfig.load(file).repositories())
          .extracting(FleetConfig.Repository::pullRequests)
          .containsExactly(
              Optional.of(new FleetConfig.PullRequests(FleetConfig.Forge.GITHUB, "org/gitops")),
              Optional.of(
                  new FleetConfig.PullRequests(FleetConfig.Forge.GITLAB, "group/sub/platform")),
              Optional.empty());
    }

    @Test
    void refusesTwoHostsOrANameWithoutOwnerForOneRepository(@TempDir Path dir) throws Exception {
      Path two = dir.resolve("two.yaml");
      Files.writeString(
          two, "repositories:\n  - url: file:///a.git\n    github: o/a\n    gitea: o/a\n");
      Path bare = dir.resolve("bare.yaml");
      Files.writeString(bare, "repositories:\n  - url: file:///a.git\n    github: gitops\n");

      assertThatThrownBy(() -> FleetConfig.load(two))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("repositories[0]")
          .hasMessageContaining("more than one of github, gitlab and gitea");
      assertThatThrownBy(() -> FleetConfig.load(bare))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("github must be owner/name, got \"gitops\"");
      for (String bad : List.of("org/", "a/b/c", "/gitops", "")) {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(
            file, "repositories:\n  - url: file:///a.git\n    gitea: \"" + bad + "\"\n");
        assertThatThrownBy(() -> FleetConfig.load(file))
            .as(bad)
            .hasMessageContaining("gitea must be owner/name");
      }
      Path empty = dir.resolve("empty.yaml");
      Files.writeString(empty, "repositories:\n  - url: file:///a.git\n    github:\n");
      assertThatThrownBy(() -> FleetConfig.load(empty))
          .hasMessageContaining("github must be owner/name, got \"null\"");
    }

    @Test
    void namesTheEntryWithAnUnknownKey(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("fleet.yaml");
      Files.writeString(file, "repositories:\n  - url: file:///a.git\n  - uri: file:///b.git\n");

      assertThatThrownBy(() -> FleetConfig.load(file))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("repositories[1]")
          .hasMessageContaining("unknown key \"uri\"");
    }

    @Test
    void refusesAFileWithoutARepositoriesList(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("fleet.yaml");
      Files.writeString(file, "repos: []\n");

      assertThatThrownBy(() -> FleetConfig.load(file))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("needs a \"repositories:\" list");
    }
  }

  @Nested
  class Shards {
    final FleetConfig seven =
        FleetConfig.of(
            IntStream.range(0, 7)
                .mapToObj(i -> new FleetConfig.Repository("file:///r" + i, Optional.empty()))
                .collect(Collectors.toList()));

    @Test
    void oneToThreeOfThreeCoverSevenRepositoriesExactlyOnce() {
      List<FleetConfig.Repository> covered = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        covered.addAll(seven.shard(FleetConfig.Shard.parse(i + "/3")));
      }

      assertThat(covered).hasSize(7).containsExactlyInAnyOrderElementsOf(seven.repositories());
      assertThat(seven.shard(FleetConfig.Shard.parse("2/3")))
          .extracting(FleetConfig.Repository::url)
          .containsExactly("file:///r1", "file:///r4");
    }

    @Test
    void theWholeFleetIsOneOfOne() {
      assertThat(seven.shard(FleetConfig.Shard.ALL)).isEqualTo(seven.repositories());
    }

    @Test
    void refusesShardsOutsideOneToN() {
      for (String bad : List.of("0/3", "4/3", "1/0", "3", "a/b", "-1/3", "1/3/5", "")) {
        assertThatThrownBy(() -> FleetConfig.Shard.parse(bad))
            .as(bad)
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("i/n");
      }
    }
  }
}
