package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryOptionsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/org/gitops.git",
        "ssh://git@github.com/org/gitops.git",
        "file:///srv/git/platform.git",
        "git@github.com:org/gitops.git",
        "deploy@git.example.com:/srv/gitops"
      })
  void urlsAndScpLikeAddressesAreRemote(String repo) {
    assertThat(RepositoryOptions.isRemote(repo)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {".", "apps", "/srv/gitops", "clusters/prod@2024:old", "@team:repo", "a/b@c:d"})
  void pathsAreLocalEvenWithAnAtSign(String repo) {
    assertThat(RepositoryOptions.isRemote(repo)).isFalse();
  }
}
