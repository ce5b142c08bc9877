package dev.upkeep.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.UpdateReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartIT {

  @Test
  void movesDevAndStagingAsTheirConstraintsAllowAndLeavesProdPinned() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    UpdateReport report = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .containsPattern("dev +1\\.x +1\\.2\\.3 +1\\.3\\.0\n")
        .containsPattern("staging +1\\.2\\.x +1\\.2\\.3 +1\\.2\\.5\n")
        .containsPattern("prod +1\\.2\\.3 +1\\.2\\.3 +1\\.2\\.3 \\(unchanged\\)\n")
        .contains("-      version: \"1.2.3\" # {\"$imagepolicy\": \"flux-system:podinfo-dev:tag\"}")
        .contains("+      version: \"1.3.0\" # {\"$imagepolicy\": \"flux-system:podinfo-dev:tag\"}")
        .containsPattern("commit [0-9a-f]{40} pushed to develop");
    assertThat(report.files()).hasSize(2);
    assertThat(report.hasErrors()).isFalse();
    assertThat(out).doesNotContain("the run had errors");
  }

  @Test
  void givesTheSameResultEveryTime() throws Exception {
    UpdateReport first =
        Quickstart.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    UpdateReport second =
        Quickstart.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(second.selections().values())
        .extracting(s -> s.policy() + "=" + s.tag())
        .containsExactlyElementsOf(
            first.selections().values().stream().map(s -> s.policy() + "=" + s.tag()).toList());
    assertThat(second.files())
        .extracting(f -> f.diff())
        .containsExactlyElementsOf(first.files().stream().map(f -> f.diff()).toList());
  }
}
