package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpdateReportTest {

  @Test
  void theMarkdownStaysWithinThePullRequestBodyLimitWithFindingsAndProblemFilesAfterLargeDiffs() {
    List<FileReport> files = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<ProblemFile> problems = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String file = "clusters/prod/apps/app" + i + ".yaml";
      files.add(
          new FileReport(
              file,
              List.of(),
              "--- a/"
                  + file
                  + "\n+++ b/"
                  + file
                  + "\n@@ -1,2 +1,2 @@\n # "
                  + "x".repeat(200)
                  + "\n-version: 1.0.0\n+version: 1.4.0\n"));
    }
    for (int i = 0; i < 50; i++) {
      findings.add(
          Finding.warning(
              "clusters/prod/apps/app" + i + ".yaml",
              3,
              "refusing to move flux-system:app-"
                  + i
                  + " from 2.0.0 to 1.4.0: "
                  + "y".repeat(150)));
      problems.add(
          new ProblemFile(
              "charts/app" + i + "/templates/deployment.yaml",
              7,
              "does not parse as YAML: " + "z".repeat(150)));
    }
    UpdateReport report =
        new UpdateReport(
            false,
            List.of(),
            files,
            findings,
            Optional.empty(),
            Optional.empty(),
            Duration.ZERO,
            UpdateReport.Timings.none(),
            problems,
            List.of());

    String markdown = report.toMarkdown();

    assertThat(markdown.length()).isLessThanOrEqualTo(UpdateReport.MARKDOWN_LIMIT);
    assertThat(markdown)
        .contains("**Findings**")
        .contains("more files changed; their diff is in the commit");
  }

  private static PolicyReport selected(String policy, String tag) {
    ArtifactRef app = ArtifactRef.parse("oci://ghcr.io/org/app");
    return new PolicyReport(
        policy,
        app,
        "semver 1.x",
        PolicyReport.Status.SELECTED,
        3,
        Optional.of(Selection.of(policy, app, tag)),
        "newest of 3 tags",
        Optional.empty());
  }

  @Test
  void theTextAlignsTheStatusColumnOfPolicyNamesLongerThanThirtyTwoCharacters() {
    UpdateReport report =
        new UpdateReport(
            true,
            List.of(
                selected("flux-system:app", "1.4.0"),
                selected("flux-system:ingress-nginx-controller-eu-west", "1.4.1")),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Duration.ZERO,
            UpdateReport.Timings.none());

    List<String> lines = report.toText().lines().toList();

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).indexOf("selected")).isEqualTo(lines.get(1).indexOf("selected"));
    assertThat(lines.get(1))
        .startsWith("flux-system:ingress-nginx-controller-eu-west selected   1.4.1");
  }
}
