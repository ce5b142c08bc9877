package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetCommandTest {

  @Test
  void theTableAbbreviatesACommitAsGitDoesAndNothingElse() {
    assertThat(FleetCommand.abbreviated("4fdfbb25ab60a85412670589cd4a5fb7a703f277"))
        .isEqualTo("4fdfbb25ab60");
    assertThat(FleetCommand.abbreviated("a".repeat(64))).isEqualTo("a".repeat(12));
    // a pull request's URL may be exactly 40 characters long, as a SHA-1 is
    assertThat(FleetCommand.abbreviated("https://gitea.example/org/gitops/pulls/5"))
        .isEqualTo("https://gitea.example/org/gitops/pulls/5");
  }
}
