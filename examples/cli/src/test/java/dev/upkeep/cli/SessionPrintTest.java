package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.FileReport;
import dev.upkeep.UpdateReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionPrintTest {

  private static final String DIFF =
      "--- a/apps/release.yaml\n"
          + "+++ b/apps/release.yaml\n"
          + "@@ -1,2 +1,2 @@\n"
          + " url: https://bot:s3cretpass@charts.example.com/stable\n"
          + "-version: 1.0.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n"
          + "+version: 1.1.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n";

  private static String printed(RepositoryOptions.Format format) {
    RepositoryOptions options = new RepositoryOptions();
    options.repo = ".";
    options.format = format;
    StringWriter out = new StringWriter();
    UpdateReport report =
        new UpdateReport(
            true,
            List.of(),
            List.of(new FileReport("apps/release.yaml", List.of(), DIFF)),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Duration.ZERO,
            UpdateReport.Timings.none());
    try (Session session =
        new Session(options, new PrintWriter(out), new PrintWriter(new StringWriter()))) {
      session.print(report);
    }
    return out.toString();
  }

  @Test
  void theTextFormatMasksSecretsInTheDiffsAsTheJsonAndMarkdownDo() {
    for (RepositoryOptions.Format format : RepositoryOptions.Format.values()) {
      assertThat(printed(format))
          .as(format.name())
          .contains("https://***:***@charts.example.com/stable")
          .doesNotContain("s3cretpass");
    }
  }
}
