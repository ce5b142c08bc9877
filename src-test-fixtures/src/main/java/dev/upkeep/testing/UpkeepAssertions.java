package dev.upkeep.testing;

import dev.upkeep.UpdateReport;

/** Entry point for Upkeep's AssertJ assertions. */
public final class UpkeepAssertions {
  private UpkeepAssertions() {}

  /** Assertions over a run's or plan's report. */
  public static UpdateReportAssert assertThat(UpdateReport report) {
    return new UpdateReportAssert(report);
  }
}
