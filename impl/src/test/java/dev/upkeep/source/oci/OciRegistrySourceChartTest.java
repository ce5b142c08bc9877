package dev.upkeep.source.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistryException;
import dev.upkeep.testing.FakeOciRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciRegistrySourceChartTest {

  @Test
  void readsChartYamlFromTheConfigBlobWithItsReleaseNotes() {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      String digest =
          registry.pushChart(
              "charts/podinfo",
              "1.2.3+build.1",
              Map.of(ChartMetadata.CHANGES_ANNOTATION, "- kind: fixed\n  description: a bug\n"));
      OciRegistrySource source =
          OciRegistrySource.builder().insecureRegistry(registry.host()).build();

      ChartMetadata chart =
          source.chart(registry.chartRef("charts/podinfo"), "1.2.3+build.1").orElseThrow();

      assertThat(chart.name()).isEqualTo("podinfo");
      assertThat(chart.version()).isEqualTo("1.2.3+build.1");
      assertThat(chart.digest()).isEqualTo(digest);
      assertThat(chart.annotations())
          .containsEntry(ChartMetadata.CHANGES_ANNOTATION, "- kind: fixed\n  description: a bug\n");
      assertThat(source.chart(registry.chartRef("charts/podinfo"), "9.9.9")).isEmpty();
    }
  }

  @Test
  void refusesAnImageThatIsNotAChart() {
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      registry.pushImage("org/app", "1.0.0");
      OciRegistrySource source =
          OciRegistrySource.builder().insecureRegistry(registry.host()).build();
      assertThatThrownBy(() -> source.chart(registry.chartRef("org/app"), "1.0.0"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("is not a Helm chart: its config media type is");
    }
  }
}
