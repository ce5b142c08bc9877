package dev.upkeep.testing;

import dev.upkeep.FileReport;
import dev.upkeep.Finding;
import dev.upkeep.PolicyReport;
import dev.upkeep.Selection;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.PublishResult;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions for an {@link UpdateReport}:
 *
 * <pre>{@code
 * UpkeepAssertions.assertThat(report)
 *     .selected("dev", "1.4.0")
 *     .changed("clusters/dev/podinfo.yaml")
 *     .committedTo("develop");
 * }</pre>
 */
public final class UpdateReportAssert extends AbstractAssert<UpdateReportAssert, UpdateReport> {

  UpdateReportAssert(UpdateReport actual) {
    super(actual, UpdateReportAssert.class);
  }

  /** Checks that {@code file} (relative, {@code /}-separated) changed. */
  public UpdateReportAssert changed(String file) {
    isNotNull();
    if (actual.file(file).isEmpty()) {
      failWithMessage(
          "expected %s to be changed, but the changed files were %s",
          file, actual.files().stream().map(FileReport::file).collect(Collectors.toList()));
    }
    return this;
  }

  /** Checks that {@code file} changed from {@code oldValue} to {@code newValue} somewhere. */
  public UpdateReportAssert changed(String file, String oldValue, String newValue) {
    changed(file);
    boolean found =
        actual.file(file).get().changes().stream()
            .anyMatch(c -> c.oldValue().equals(oldValue) && c.newValue().equals(newValue));
    if (!found) {
      failWithMessage(
          "expected %s to change %s -> %s, but its changes were %s",
          file,
          oldValue,
          newValue,
          actual.file(file).get().changes().stream()
              .map(c -> c.line() + ": " + c.oldValue() + " -> " + c.newValue())
              .collect(Collectors.toList()));
    }
    return this;
  }

  /** Checks that {@code file} did not change. */
  public UpdateReportAssert didNotChange(String file) {
    isNotNull();
    actual
        .file(file)
        .ifPresent(
            f ->
                failWithMessage(
                    "expected %s to be left alone, but it changed: %s",
                    file, f.changes().stream().map(Change::toString).collect(Collectors.toList())));
    return this;
  }

  /** Checks that no file changed. */
  public UpdateReportAssert changedNothing() {
    isNotNull();
    if (actual.changed()) {
      failWithMessage(
          "expected no change, but these files changed: %s",
          actual.files().stream().map(FileReport::file).collect(Collectors.toList()));
    }
    return this;
  }

  /** Checks that the policy named {@code policy} selected {@code tag}. */
  public UpdateReportAssert selected(String policy, String tag) {
    isNotNull();
    PolicyReport p =
        actual
            .policy(policy)
            .orElseThrow(() -> new AssertionError("no policy named " + policy + " in the report"));
    String got = p.selection().map(Selection::tag).orElse(null);
    if (!tag.equals(got)) {
      failWithMessage(
          "expected policy %s to select %s, but it %s (%s)",
          policy, tag, got == null ? "selected nothing" : "selected " + got, p.reason());
    }
    return this;
  }

  /** Checks that a commit was made and pushed to {@code branch}. */
  public UpdateReportAssert committedTo(String branch) {
    isNotNull();
    PublishResult r =
        actual
            .publish()
            .orElseThrow(() -> new AssertionError("expected a publish result, got none"));
    if (r.commit().isEmpty() || !r.pushed() || !r.branch().equals(branch)) {
      failWithMessage(
          "expected a commit pushed to %s, but got commit=%s pushed=%s branch=%s",
          branch, r.commit().orElse("none"), r.pushed(), r.branch());
    }
    return this;
  }

  /** Checks that no commit was made. */
  public UpdateReportAssert madeNoCommit() {
    isNotNull();
    if (actual.commit().isPresent()) {
      failWithMessage("expected no commit, but %s was made", actual.commit().get());
    }
    return this;
  }

  /** Checks that no policy failed and no finding is an error. */
  public UpdateReportAssert hasNoErrors() {
    isNotNull();
    if (actual.hasErrors()) {
      failWithMessage(
          "expected no errors, but got %s",
          actual.findings().stream()
              .filter(f -> f.severity() == Finding.Severity.ERROR)
              .map(Finding::toString)
              .collect(Collectors.toList()));
    }
    return this;
  }

  /** Checks that some finding's message contains {@code text}. */
  public UpdateReportAssert hasFindingContaining(String text) {
    isNotNull();
    if (actual.findings().stream().noneMatch(f -> f.toString().contains(text))) {
      failWithMessage(
          "expected a finding containing %s, but the findings were %s", text, actual.findings());
    }
    return this;
  }

  /**
   * Checks that {@code file} is a problem file (a marked file left unprocessed) whose reason
   * contains {@code text}.
   */
  public UpdateReportAssert hasProblemFile(String file, String text) {
    isNotNull();
    if (actual.problemFiles().stream()
        .noneMatch(p -> p.file().equals(file) && p.reason().contains(text))) {
      failWithMessage(
          "expected problem file %s with a reason containing %s, but the problem files were %s",
          file, text, actual.problemFiles());
    }
    return this;
  }
}
