package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.patch.Change;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartReview;
import dev.upkeep.testing.HostileMarkdown;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pull-request body shows what repositories and registries hand it as text, never markup. */
class UpdateReportMarkdownTest {
  static final ArtifactRef APP = ArtifactRef.parse("oci://ghcr.io/org/charts/app");

  static UpdateReport report(String hostile) {
    String oneLine = hostile.replace('\n', ' ');
    PolicyReport policy =
        new PolicyReport(
            "ns:" + oneLine,
            APP,
            hostile,
            PolicyReport.Status.SELECTED,
            2,
            Optional.of(Selection.of("ns:" + oneLine, APP, "1.1.0" + oneLine)),
            hostile,
            Optional.empty());
    PolicyReport failed =
        new PolicyReport(
            "other",
            APP,
            "semver " + hostile,
            PolicyReport.Status.FAILED,
            0,
            Optional.empty(),
            hostile,
            Optional.empty());
    Change change =
        new Change(
            "ns:" + oneLine,
            Change.Field.TAG,
            3,
            5,
            "1.0.0 " + oneLine,
            hostile,
            new Change.Edit(0, 1, "x"));
    FileReport file =
        new FileReport(
            "clusters/" + oneLine + "/app.yaml",
            List.of(change),
            "--- a/app.yaml\n+++ b/app.yaml\n@@ -1 +1 @@\n-" + hostile + "\n+" + hostile + "\n");
    return new UpdateReport(
        false,
        List.of(policy, failed),
        List.of(file),
        List.of(new Finding(Finding.Severity.ERROR, "a" + oneLine + ".yaml", 2, hostile)),
        Optional.of(
            new PublishResult(
                "file:///remote",
                "main",
                "up" + oneLine,
                Optional.of("0123456789abcdef"),
                true,
                1)),
        Optional.empty(),
        Duration.ZERO,
        UpdateReport.Timings.none(),
        List.of(new ProblemFile("charts/" + oneLine + ".yaml", 4, hostile)),
        List.of(chart(hostile, oneLine)));
  }

  /** A chart review whose values, keys and messages come from a hostile chart. */
  static ChartReview chart(String hostile, String oneLine) {
    ChartDiff diff =
        new ChartDiff(
            List.of(
                new ChartDiff.ValueChange(
                    "ui." + oneLine, Optional.of(hostile), Optional.of(hostile + "`"))),
            List.of(new ChartDiff.CrdChange(oneLine, oneLine, ChartDiff.Kind.ADDED)),
            List.of(new ChartDiff.FieldChange("appVersion", hostile, oneLine)),
            ChartDiff.Schema.CHANGED);
    return new ChartReview(
        "ns:app",
        APP,
        "clusters/" + oneLine + "/app.yaml",
        3,
        "1.0.0 " + oneLine,
        "1.1.0" + oneLine,
        Optional.of(diff),
        Optional.of(hostile),
        List.of(
            new ChartReview.Warning(
                ChartReview.Kind.REMOVED_KEY,
                "clusters/" + oneLine + ".yaml",
                2,
                "ui." + oneLine,
                Optional.empty(),
                hostile)));
  }

  @Test
  void showsHostileValuesAsTextWithoutMarkupMentionsOrExtraCells() {
    String markdown = report(HostileMarkdown.ALL).toMarkdown();

    HostileMarkdown.assertInert(markdown);
    assertThat(markdown)
        .contains("&lt;img src=x onerror=alert\\(1\\)&gt;")
        .contains("@&#8203;org/team")
        .contains("#&#8203;123");
  }

  @Test
  void keepsEachHostileValueInertOnItsOwn() {
    for (String hostile :
        List.of(
            HostileMarkdown.HTML,
            HostileMarkdown.LINK,
            HostileMarkdown.MENTION,
            HostileMarkdown.REFERENCE,
            HostileMarkdown.CELLS,
            HostileMarkdown.CLOSE_DETAILS,
            HostileMarkdown.FENCE)) {
      HostileMarkdown.assertInert(report(hostile).toMarkdown());
    }
  }

  @Test
  void theCheckCatchesWhatTheOldRendererLetThrough() {
    assertThatThrownBy(
            () ->
                HostileMarkdown.assertInert(
                    "| a | b |\n|---|---|\n| `x` | <img src=x> @org/team |\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("raw HTML <img src=x>");
    assertThatThrownBy(() -> HostileMarkdown.assertInert("| a | b |\n|---|---|\n| `x | y` | z |\n"))
        .hasMessageContaining("4 cell separators where the header has 3")
        .isInstanceOf(AssertionError.class);
  }
}
