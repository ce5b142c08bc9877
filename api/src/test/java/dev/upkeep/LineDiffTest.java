package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineDiffTest {

  @Test
  void showsChangedLinesWithThreeLinesOfContext() {
    String before = "a\nb\nc\nd\nversion: 1.0.0\ne\nf\ng\nh\n";
    String after = "a\nb\nc\nd\nversion: 1.1.0\ne\nf\ng\nh\n";
    assertThat(LineDiff.unified("x.yaml", before, after))
        .isEqualTo(
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-version: 1.0.0\n"
                + "+version: 1.1.0\n e\n f\n g\n");
  }

  @Test
  void marksAMissingFinalNewline() {
    assertThat(LineDiff.unified("x.yaml", "v: 1", "v: 2"))
        .isEqualTo(
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -1 +1 @@\n-v: 1\n\\ No newline at end of file\n"
                + "+v: 2\n\\ No newline at end of file\n");
  }

  @Test
  void isEmptyWhenNothingChanged() {
    assertThat(LineDiff.unified("x.yaml", "a\n", "a\n")).isEmpty();
  }
}
