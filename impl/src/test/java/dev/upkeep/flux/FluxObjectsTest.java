package dev.upkeep.flux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
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

  @Nested
  class BesideOtherKinds {
    static final String CRD =
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
            + "  name: ocirepositories.source.toolkit.fluxcd.io\nspec:\n"
            + "  group: source.toolkit.fluxcd.io\n  names:\n    kind: OCIRepository\n";
    static final String POLICY =
        "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n"
            + "  name: app\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n"
            + "    name: app\n  policy:\n    semver:\n      range: 1.x\n";

    @Test
    void aBrokenDocumentOfAnotherKindNoLongerHidesTheFluxObjectsBesideIt() {
      // a duplicate key makes the CustomResourceDefinition invalid YAML for this reader
      String file = "---\n" + CRD + "  group: again\n---\n" + POLICY;

      FluxObjects objects = FluxObjects.of(root, Map.of(Path.of("flux-system/all.yaml"), file));

      assertThat(objects.findings()).isEmpty();
      assertThat(objects.ofKind("ImagePolicy"))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.name()).isEqualTo("app");
                // lines as in the file: the CRD's nine lines and two markers come first
                assertThat(p.line()).isEqualTo(12);
              });
    }

    @Test
    void documentsOfOtherKindsBecomeEmptyLinesAndEveryLineEndStays() {
      String file = CRD.replace("\n", "\r\n") + "---\r\n" + POLICY.replace("\n", "\r\n");

      String read = FluxObjects.onlyFluxKinds(file);

      assertThat(read).isEqualTo("\r\n".repeat(8) + "---\r\n" + POLICY.replace("\n", "\r\n"));
    }

    @Test
    void aFileIsReadWholeWhenAMarkerLineHoldsContentOrADirectiveStartsIt() {
      String tagged = "--- !!map\n" + CRD + "---\n" + POLICY;
      String directive = "%YAML 1.2\n---\n" + CRD + "---\n" + POLICY;

      assertThat(FluxObjects.onlyFluxKinds(tagged)).isSameAs(tagged);
      assertThat(FluxObjects.onlyFluxKinds(directive)).isSameAs(directive);
    }

    @Test
    void aDocumentIsKeptWhenItsKindIsReadOrUnclear() {
      String twoKinds = "kind: Deployment\nmetadata: {}\nkind: Service\n";
      String flowStyle = "{apiVersion: v1, kind: ConfigMap}\n";
      String supported = POLICY + "---\n" + RELEASE;

      assertThat(FluxObjects.onlyFluxKinds(twoKinds)).isSameAs(twoKinds);
      assertThat(FluxObjects.onlyFluxKinds(flowStyle)).isSameAs(flowStyle);
      assertThat(FluxObjects.onlyFluxKinds(supported)).isSameAs(supported);
    }
  }
}
