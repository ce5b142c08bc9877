package dev.upkeep.publish.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.TreeChanges;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CommitTemplateTest {
  static final ArtifactRef PODINFO = ArtifactRef.parse("oci://ghcr.io/stefanprodan/charts/podinfo");

  static Change change(String policy, int line, String from, String to) {
    return new Change(
        policy, Change.Field.TAG, line, 12, from, to, new Change.Edit(0, from.length(), to));
  }

  static TreeChanges oneChange(String newTag) {
    Selection s = Selection.of("flux-system:podinfo", PODINFO, newTag);
    return new TreeChanges(
        List.of(
            new FileReport(
                "apps/dev/podinfo.yaml",
                List.of(change("flux-system:podinfo", 7, "6.5.3", newTag)))),
        Map.of("flux-system:podinfo", s));
  }

  @Nested
  class Rendering {
    @Test
    void theDefaultNamesTheChartAndListsEveryChange() {
      String m =
          CommitTemplate.of(CommitTemplate.DEFAULT)
              .render(oneChange("6.5.4"), "upkeep", "main", "develop");

      assertThat(m)
          .isEqualTo(
              "Update podinfo to 6.5.4\n\n- apps/dev/podinfo.yaml:7: 6.5.3 -> 6.5.4"
                  + " (flux-system:podinfo)\n");
    }

    @Test
    void summarisesSeveralPoliciesByCount() {
      TreeChanges changes =
          new TreeChanges(
              List.of(
                  new FileReport("a.yaml", List.of(change("ns:a", 1, "1.0.0", "1.1.0"))),
                  new FileReport(
                      "b.yaml",
                      List.of(
                          change("ns:b", 2, "2.0.0", "2.0.1"),
                          change("ns:a", 3, "1.0.0", "1.1.0")))),
              Map.of());

      assertThat(CommitTemplate.summary(changes)).isEqualTo("Update 3 versions in 2 files");
    }

    @Test
    void namesThePolicyWhenItMovesATagAndItsDigest() {
      String from = "sha256:" + "a".repeat(64);
      String to = "sha256:" + "b".repeat(64);
      TreeChanges changes =
          new TreeChanges(
              List.of(
                  new FileReport(
                      "apps/app.yaml",
                      List.of(
                          change("flux-system:app", 7, "1.2.4", "1.2.5"),
                          new Change(
                              "flux-system:app",
                              Change.Field.DIGEST,
                              8,
                              12,
                              from,
                              to,
                              new Change.Edit(0, from.length(), to))))),
              Map.of());

      assertThat(CommitTemplate.summary(changes)).isEqualTo("Update app to 1.2.5");
    }

    @Test
    void countsATagAndItsDigestAsOneUpdate() {
      String from = "sha256:" + "a".repeat(64);
      String to = "sha256:" + "b".repeat(64);
      TreeChanges changes =
          new TreeChanges(
              List.of(
                  new FileReport(
                      "apps/app.yaml",
                      List.of(
                          change("ns:a", 7, "1.2.4", "1.2.5"),
                          new Change(
                              "ns:a",
                              Change.Field.DIGEST,
                              8,
                              12,
                              from,
                              to,
                              new Change.Edit(0, from.length(), to)),
                          change("ns:b", 9, "2.0.0", "2.0.1")))),
              Map.of());

      assertThat(CommitTemplate.summary(changes)).isEqualTo("Update 2 versions in 1 file");
    }

    @Test
    void offersCountsBranchesAndPerPolicyValues() {
      CommitTemplate t =
          CommitTemplate.of(
              "[${automation}] ${updated.count}/${files.count} ${base}->${branch}"
                  + " ${policy.flux-system:podinfo.tag} ${policy.flux-system:podinfo.artifact}\n${files}");

      assertThat(t.render(oneChange("6.5.4"), "fleet", "main", "develop"))
          .isEqualTo(
              "[fleet] 1/1 main->develop 6.5.4 oci://ghcr.io/stefanprodan/charts/podinfo\n"
                  + "- apps/dev/podinfo.yaml");
    }

    @Test
    void neverSubstitutesInsideValuesSoATagCannotInjectText() {
      CommitTemplate t = CommitTemplate.of("${policy.flux-system:podinfo.tag}");

      assertThat(t.render(oneChange("${automation}"), "fleet", "main", "develop"))
          .isEqualTo("${automation}");
    }

    @Test
    void writesALiteralForAnEscapedVariable() {
      assertThat(CommitTemplate.of("$${summary}").render(oneChange("1.0.0"), "a", "b", "c"))
          .isEqualTo("${summary}");
    }
  }

  @Nested
  class Validation {
    @Test
    void rejectsAnUnknownVariableWhenCreated() {
      assertThatThrownBy(() -> CommitTemplate.of("Bump ${updated.cont}"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("unknown variable \"${updated.cont}\"")
          .hasMessageContaining("updated.count");
    }

    @Test
    void rejectsAnUnknownPolicyField() {
      assertThatThrownBy(() -> CommitTemplate.of("${policy.ns:app.version}"))
          .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void rejectsABlankTemplate() {
      assertThatThrownBy(() -> CommitTemplate.of(" "))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("must not be blank");
    }

    @Test
    void failsToRenderAPolicyTheRunDidNotSelect() {
      CommitTemplate t = CommitTemplate.of("${policy.ns:other.tag}");

      assertThatThrownBy(() -> t.render(oneChange("6.5.4"), "a", "b", "c"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("${policy.ns:other.tag}");
    }
  }
}
