package dev.upkeep.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.HostileMarkdown;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyReportTest {

  @Test
  void quotesAChartsReleaseNotesSoTheyCannotInjectMarkupOrPingPeople() {
    String notes =
        "- kind: added\n  description: "
            + HostileMarkdown.MENTION
            + " "
            + HostileMarkdown.HTML
            + "\n"
            + HostileMarkdown.CLOSE_DETAILS
            + "\n"
            + HostileMarkdown.FENCE
            + "\n"
            + HostileMarkdown.LINK;
    VerifyReport report =
        new VerifyReport(
            "origin/main",
            List.of(
                new VerifyReport.Check(
                    "clusters/" + HostileMarkdown.CELLS + ".yaml",
                    7,
                    HostileMarkdown.MENTION,
                    "oci://ghcr.io/org/" + HostileMarkdown.HTML,
                    "1.0.0",
                    "1.1.0 " + HostileMarkdown.REFERENCE,
                    List.of(HostileMarkdown.LINK, HostileMarkdown.CELLS),
                    notes)));

    String markdown = report.toMarkdown();

    HostileMarkdown.assertInert(markdown);
    assertThat(markdown)
        .contains(
            "<details><summary>oci:&#8203;//ghcr.io/org/&lt;img src=x onerror=alert&#40;1&#41;&gt;")
        .contains("  description: @org/team <img src=x onerror=alert(1)>\n</details>\n```\n");
  }

  @Test
  void showsABaseRefAsCode() {
    assertThat(new VerifyReport("@org `main`", List.of()).toMarkdown())
        .isEqualTo("### Upkeep verify\n\nNo version changed since `` @org `main` ``.\n");
  }

  static VerifyReport.Check check(String file, List<String> problems) {
    return new VerifyReport.Check(
        file, 4, "fs:staging", "oci://r/charts/podinfo", "1.2.3", "1.2.5", problems, "");
  }

  @Test
  void theTotalLineCountsOneChangeInTheSingular() {
    assertThat(new VerifyReport("main", List.of(check("a.yaml", List.of()))).toText())
        .endsWith("\n1 change verified\n");
    assertThat(
            new VerifyReport(
                    "main", List.of(check("a.yaml", List.of()), check("b.yaml", List.of())))
                .toText())
        .endsWith("\nall 2 changes verified\n");
    assertThat(new VerifyReport("main", List.of(check("a.yaml", List.of("bad")))).toText())
        .endsWith("\n1 of 1 change failed verification\n");
  }

  @Test
  void aFileThatDoesNotParseSaysSoOnItsLineWithoutAnEmptyPolicyOrVersion() {
    VerifyReport.Check broken =
        new VerifyReport.Check(
            "staging.yaml",
            5,
            "",
            "",
            "",
            "",
            List.of("does not parse as YAML: mapping values are not allowed here"),
            "");

    assertThat(new VerifyReport("main", List.of(broken)).toText())
        .isEqualTo(
            "FAILED staging.yaml:5  does not parse as YAML: mapping values are not allowed here\n"
                + "1 of 1 change failed verification\n");
  }

  @Test
  void aChangedPolicyObjectIsNotShownAsANewVersion() {
    VerifyReport.Check policy =
        new VerifyReport.Check(
            "flux/policies.yaml",
            12,
            "flux-system:app",
            "oci://ghcr.io/org/app",
            "",
            "",
            List.of("policy flux-system:app changed in this change (spec.policy)"),
            "");

    assertThat(new VerifyReport("main", List.of(policy)).toText())
        .startsWith(
            "FAILED flux/policies.yaml:12  flux-system:app\n"
                + "         - policy flux-system:app changed in this change (spec.policy)\n");
  }
}
