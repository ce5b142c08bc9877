package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every opener refuses a missing or blank token alike, naming where the CLI reads it. */
class OpenerTokensTest {

  record Forge(String name, String variable, Function<String, Object> build) {}

  static final List<Forge> FORGES =
      List.of(
          new Forge(
              "GitHub", "UPKEEP_GITHUB_TOKEN", t -> GitHubOpener.builder("org/fleet", t).build()),
          new Forge(
              "GitLab", "UPKEEP_GITLAB_TOKEN", t -> GitLabOpener.builder("org/fleet", t).build()),
          new Forge(
              "Gitea",
              "UPKEEP_GITEA_TOKEN",
              t ->
                  GiteaOpener.builder(URI.create("https://codeberg.org/api/v1"), "org/fleet", t)
                      .build()));

  @Test
  void aMissingTokenNamesTheForgeAndTheVariable() {
    for (Forge forge : FORGES) {
      assertThatThrownBy(() -> forge.build().apply(null))
          .as(forge.name())
          .isInstanceOf(ConfigurationException.class)
          .hasMessage(
              "a "
                  + forge.name()
                  + " pull request needs a token, got none (the upkeep command reads it from "
                  + forge.variable()
                  + ")");
    }
  }

  @Test
  void aBlankTokenIsRefusedTheSameWay() {
    for (Forge forge : FORGES) {
      for (String blank : Arrays.asList("", "  \n")) {
        assertThatThrownBy(() -> forge.build().apply(blank))
            .as(forge.name())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("needs a token, got a blank one")
            .hasMessageContaining(forge.variable());
      }
    }
  }
}
