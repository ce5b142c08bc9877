package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
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

  @Test
  void theMarkdownTableKeepsAnErrorWithAPipeAndLineBreaksInItsCell() {
    FleetCommand.Outcome failed =
        new FleetCommand.Outcome(
            0,
            "https://example.com/org/gitops.git",
            Optional.empty(),
            Optional.of("cannot list tags | registry said:\n  503 Service Unavailable"),
            "");

    String table = FleetCommand.markdownTable(List.of(failed));

    assertThat(table)
        .isEqualTo(
            "| REPOSITORY | RESULT | CHANGES | COMMIT/PR | ERROR |\n"
                + "|---|---|---:|---|---|\n"
                + "| https://example.com/org/gitops.git | failed | - | - |"
                + " cannot list tags \\| registry said: 503 Service Unavailable |\n");
  }
}
