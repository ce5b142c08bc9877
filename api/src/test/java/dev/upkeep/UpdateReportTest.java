package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.patch.Change;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartReview;
import java.nio.charset.StandardCharsets;
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

  private static UpdateReport report(List<FileReport> files, List<ChartReview> charts) {
    return new UpdateReport(
        false,
        List.of(),
        files,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Duration.ZERO,
        UpdateReport.Timings.none(),
        List.of(),
        charts);
  }

  private static Change tag(String policy, int line, String from, String to) {
    return new Change(
        policy, Change.Field.TAG, line, 12, from, to, new Change.Edit(0, from.length(), to));
  }

  /** A chart move of {@code app} whose diff changed {@code values} default values. */
  private static ChartReview chart(String app, int values, String value) {
    return chart(app, values, "key", value);
  }

  /**
   * A chart move of {@code app} whose diff changed {@code values} keys starting with {@code key}.
   */
  private static ChartReview chart(String app, int values, String key, String value) {
    List<ChartDiff.ValueChange> defaults = new ArrayList<>();
    for (int i = 0; i < values; i++) {
      defaults.add(
          new ChartDiff.ValueChange(
              key + i, Optional.of(value + "-old-" + i), Optional.of(value + "-new-" + i)));
    }
    return new ChartReview(
        "flux-system:" + app,
        ArtifactRef.parse("oci://ghcr.io/org/charts/" + app),
        "clusters/prod/" + app + ".yaml",
        7,
        "1.0.0",
        "2.0.0",
        Optional.of(new ChartDiff(defaults, List.of(), List.of(), ChartDiff.Schema.NONE)),
        Optional.empty(),
        List.of());
  }

  @Test
  void theMarkdownCountsOneChangeRowLeftOutInTheSingular() {
    List<Change> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(tag("flux-system:app" + i, i + 1, "1.0.0-" + "a".repeat(100), "1.1.0"));
    }
    List<FileReport> files =
        List.of(
            new FileReport("clusters/prod/apps.yaml", many),
            new FileReport("clusters/prod/last.yaml", List.of(tag("flux-system:b", 3, "1", "2"))));

    String markdown = report(files, List.of()).toMarkdown();

    assertThat(markdown).contains("\n1 more change; the commit has them all.\n");
  }

  @Test
  void theMarkdownCountsOneFileDiffLeftOutInTheSingular() {
    List<FileReport> files =
        List.of(
            new FileReport(
                "a.yaml", List.of(tag("flux-system:a", 1, "1", "2")), "x".repeat(50_000) + "\n"),
            new FileReport(
                "b.yaml", List.of(tag("flux-system:b", 1, "1", "2")), "y".repeat(20_000) + "\n"));

    String markdown = report(files, List.of()).toMarkdown();

    assertThat(markdown).contains("\n1 more file changed; its diff is in the commit.\n");
  }

  @Test
  void theChartDetailsCountOneDefaultValueAndOneChartChangeLeftOutInTheSingular() {
    String markdown =
        report(
                List.of(),
                List.of(
                    chart("big", 101, "v".repeat(300)),
                    chart("bigger", 101, "w".repeat(300)),
                    chart("small", 1, "v")))
            .toMarkdown();

    assertThat(markdown)
        .contains("\n1 more default value changed; the JSON report has them all.\n")
        .contains("\n1 more chart change; the JSON report has it.\n");
  }

  @Test
  void theTextCountsOneMoreDefaultValueInTheSingular() {
    String text =
        report(List.of(), List.of(chart("app", ChartSection.TEXT_VALUES + 1, "v"))).toText();

    assertThat(text).contains("  and 1 more default value changed\n");
  }

  @Test
  void theMarkdownStaysWithinThePullRequestBodyLimitWithALargeChartDiffAndFindings() {
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      findings.add(
          Finding.warning(
              "clusters/prod/apps/app" + i + ".yaml",
              3,
              "refusing to move flux-system:app-" + i + ": " + "y".repeat(150)));
    }
    UpdateReport report =
        new UpdateReport(
            false,
            List.of(),
            List.of(
                new FileReport(
                    "clusters/prod/app.yaml",
                    List.of(tag("flux-system:app", 7, "1.0.0", "2.0.0")),
                    "-version: 1.0.0\n+version: 2.0.0\n")),
            findings,
            Optional.empty(),
            Optional.empty(),
            Duration.ZERO,
            UpdateReport.Timings.none(),
            List.of(),
            List.of(chart("app", 500, "k".repeat(300), "v".repeat(300))));

    String markdown = report.toMarkdown();

    assertThat(markdown.length()).isLessThanOrEqualTo(65_536);
    assertThat(markdown.length()).isLessThanOrEqualTo(UpdateReport.MARKDOWN_LIMIT);
    assertThat(markdown)
        .contains("more default values changed; the JSON report has them all.")
        .contains("**Findings**")
        .contains("refusing to move flux-system:app-49");
  }

  @Test
  void theChartDetailsCutALongValueBetweenCharactersNotInsideAnEmoji() {
    // 199 letters, then an emoji of two UTF-16 units across the 200-unit cut
    String value = "a".repeat(199) + "\uD83D\uDE00" + "b".repeat(50);

    String markdown = report(List.of(), List.of(chart("app", 1, value))).toMarkdown();

    assertThat(markdown)
        .contains("`" + "a".repeat(199) + "…`")
        .isEqualTo(new String(markdown.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }
}
