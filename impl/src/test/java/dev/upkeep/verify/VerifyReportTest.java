package dev.upkeep.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyReportTest {

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
}
