package dev.upkeep.flux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FluxObjectsTest {
  @TempDir Path root;

  static final String RELEASE =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n"
          + "  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: web\n      version: 1.0.0\n";
  static final String CHART_REF_RELEASE =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\n"
          + "  namespace: apps\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: api\n";
  static final String OCI_REPOSITORY =
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: api\n"
          + "  namespace: apps\nspec:\n  url: oci://ghcr.io/org/charts/api\n"
          + "  ref:\n    semver: 1.x\n";

  Map<Path, String> texts() {
    Map<Path, String> texts = new LinkedHashMap<>();
    texts.put(Path.of("apps/web.yaml"), RELEASE);
    texts.put(Path.of("apps/api.yaml"), CHART_REF_RELEASE);
    texts.put(Path.of("apps/source.yaml"), OCI_REPOSITORY);
    return texts;
  }

  @Test
  void readsEveryHelmReleaseForThoseWhoCompareThem() {
    assertThat(FluxObjects.of(root, texts()).ofKind("HelmRelease"))
        .extracting(FluxObject::name)
        .containsExactly("web", "api");
  }

  @Test
  void forAnAutomationParsesOnlyTheHelmReleasesThatNameAChartRef() {
    FluxObjects objects = FluxObjects.forAutomation(root, texts());

    assertThat(objects.ofKind("HelmRelease")).extracting(FluxObject::name).containsExactly("api");
    assertThat(objects.ofKind("OCIRepository")).extracting(FluxObject::name).containsExactly("api");
  }

  @Test
  void anAutomationFromEitherHasTheSamePolicies() {
    // (a policy's rule has no equals: compare what they say, the chartRef release included)
    assertThat(FluxAutomation.from(FluxObjects.forAutomation(root, texts())).policies())
        .hasToString(FluxAutomation.from(FluxObjects.of(root, texts())).policies().toString())
        .asString()
        .contains("for HelmRelease apps/api (spec.chartRef)");
  }
}
