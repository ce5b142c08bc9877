package dev.upkeep.review.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartException;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.Tarball;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChartPackageTest {

  static final String OLD_VALUES =
      "replicaCount: 1\n"
          + "ui:\n"
          + "  color: \"#34577c\"\n"
          + "  message: hello\n"
          + "image:\n"
          + "  tag: 1.2.3\n"
          + "podAnnotations: {}\n"
          + "ports: [80, 443]\n";

  static final String NEW_VALUES =
      "replicaCount: 2\n"
          + "ui:\n"
          + "  colour: \"#34577c\"\n"
          + "  message: hello\n"
          + "image:\n"
          + "  tag: 1.3.0\n"
          + "podAnnotations: {}\n"
          + "ports: [80, 443]\n"
          + "metrics:\n"
          + "  enabled: false\n";

  static ChartDiff diff(HelmChart older, HelmChart newer) {
    return ChartPackage.read(older.tarball()).diffTo(ChartPackage.read(newer.tarball()));
  }

  @Nested
  class DefaultValues {
    @Test
    void listsAddedRemovedAndChangedLeavesAsDottedKeysOldToNew() {
      ChartDiff d =
          diff(
              HelmChart.of("podinfo", "1.2.3").withValues(OLD_VALUES),
              HelmChart.of("podinfo", "1.3.0").withValues(NEW_VALUES));

      assertThat(d.defaults())
          .containsExactly(
              new ChartDiff.ValueChange("replicaCount", Optional.of("1"), Optional.of("2")),
              new ChartDiff.ValueChange("ui.color", Optional.of("\"#34577c\""), Optional.empty()),
              new ChartDiff.ValueChange("image.tag", Optional.of("1.2.3"), Optional.of("1.3.0")),
              new ChartDiff.ValueChange("ui.colour", Optional.empty(), Optional.of("\"#34577c\"")),
              new ChartDiff.ValueChange("metrics.enabled", Optional.empty(), Optional.of("false")));
      assertThat(d.defaults().get(1).kind()).isEqualTo(ChartDiff.Kind.REMOVED);
    }

    @Test
    void quotesKeysThatHoldDots() {
      ChartDiff d =
          diff(
              HelmChart.of("podinfo", "1.0.0").withValues("annotations:\n  a.b/c: x\n"),
              HelmChart.of("podinfo", "1.0.1").withValues("annotations:\n  a.b/c: y\n"));

      assertThat(d.defaults())
          .extracting(ChartDiff.ValueChange::key)
          .containsExactly("annotations.\"a.b/c\"");
    }

    @Test
    void findsNothingBetweenEqualCharts() {
      HelmChart chart = HelmChart.of("podinfo", "1.0.0").withValues(OLD_VALUES);
      assertThat(diff(chart, chart).isEmpty()).isTrue();
    }
  }

  @Nested
  class Crds {
    @Test
    void namesCrdsAddedInCrdsDirectoryByKindAndGroup() {
      ChartDiff d =
          diff(
              HelmChart.of("podinfo", "1.2.3"),
              HelmChart.of("podinfo", "1.3.0").withCrd("podinfo.dev", "Canary"));

      assertThat(d.crds())
          .containsExactly(new ChartDiff.CrdChange("Canary", "podinfo.dev", ChartDiff.Kind.ADDED));
    }

    @Test
    void findsCrdsInTemplatesWithoutRenderingThem() {
      String template =
          "{{- if .Values.crds.install }}\n"
              + "apiVersion: apiextensions.k8s.io/v1\n"
              + "kind: CustomResourceDefinition\n"
              + "metadata:\n"
              + "  name: widgets.example.com\n"
              + "  labels: {{ include \"x.labels\" . | nindent 4 }}\n"
              + "spec:\n"
              + "  group: example.com\n"
              + "  names:\n"
              + "    kind: Widget\n"
              + "{{- end }}\n";
      ChartDiff d =
          diff(
              HelmChart.of("podinfo", "1.2.3").withFile("templates/crd.yaml", template),
              HelmChart.of("podinfo", "1.3.0")
                  .withFile(
                      "templates/crd.yaml",
                      template.replace("Widget\n", "Widget\n    shortNames: [w]\n")));

      assertThat(d.crds())
          .containsExactly(
              new ChartDiff.CrdChange("Widget", "example.com", ChartDiff.Kind.CHANGED));
    }

    @Test
    void namesCrdsRemoved() {
      ChartDiff d =
          diff(
              HelmChart.of("podinfo", "1.2.3").withCrd("podinfo.dev", "Canary"),
              HelmChart.of("podinfo", "1.3.0"));

      assertThat(d.crds())
          .containsExactly(
              new ChartDiff.CrdChange("Canary", "podinfo.dev", ChartDiff.Kind.REMOVED));
    }
  }

  @Nested
  class ChartYaml {
    @Test
    void showsAppVersionKubeVersionAndDependenciesOldToNew() {
      ChartDiff d =
          diff(
              HelmChart.of("podinfo", "1.2.3")
                  .withKubeVersion(">=1.23.0-0")
                  .withDependency("redis", "17.0.0", "oci://registry-1.docker.io/bitnamicharts"),
              HelmChart.of("podinfo", "1.3.0")
                  .withAppVersion("6.6.0")
                  .withKubeVersion(">=1.28.0-0")
                  .withDependency("redis", "18.1.0", "oci://registry-1.docker.io/bitnamicharts"));

      assertThat(d.chart())
          .containsExactly(
              new ChartDiff.FieldChange("appVersion", "1.2.3", "6.6.0"),
              new ChartDiff.FieldChange("kubeVersion", ">=1.23.0-0", ">=1.28.0-0"),
              new ChartDiff.FieldChange(
                  "dependencies.redis",
                  "17.0.0 oci://registry-1.docker.io/bitnamicharts",
                  "18.1.0 oci://registry-1.docker.io/bitnamicharts"));
    }

    @Test
    void readsTheDependenciesOfAnApiVersionV1ChartFromRequirementsYaml() {
      ChartDiff d =
          ChartPackage.read(v1Chart("1.2.3", "17.0.0"))
              .diffTo(ChartPackage.read(v1Chart("1.3.0", "18.1.0")));

      assertThat(d.chart())
          .containsExactly(
              new ChartDiff.FieldChange(
                  "dependencies.redis",
                  "17.0.0 https://charts.bitnami.com/bitnami",
                  "18.1.0 https://charts.bitnami.com/bitnami"));
    }

    /** A chart of Helm 2's shape: apiVersion v1, its dependencies in requirements.yaml. */
    private byte[] v1Chart(String version, String redis) {
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(
          "podinfo/Chart.yaml",
          ("apiVersion: v1\nname: podinfo\nversion: " + version + "\n")
              .getBytes(StandardCharsets.UTF_8));
      files.put(
          "podinfo/requirements.yaml",
          ("dependencies:\n  - name: redis\n    version: "
                  + redis
                  + "\n    repository: https://charts.bitnami.com/bitnami\n")
              .getBytes(StandardCharsets.UTF_8));
      return Tarball.gzip(files);
    }
  }

  @Nested
  class Schema {
    static final String SCHEMA =
        "{\"type\":\"object\",\"properties\":{\"replicaCount\":{\"type\":\"integer\"}}}";

    @Test
    void saysWhenTheSchemaIsAddedChangedOrRemoved() {
      HelmChart none = HelmChart.of("podinfo", "1.0.0");
      HelmChart one = none.withSchema(SCHEMA);
      HelmChart other = none.withSchema(SCHEMA.replace("integer", "number"));

      assertThat(diff(none, none).schema()).isEqualTo(ChartDiff.Schema.NONE);
      assertThat(diff(none, one).schema()).isEqualTo(ChartDiff.Schema.ADDED);
      assertThat(diff(one, one.withValues("replicaCount: 3\n")).schema())
          .isEqualTo(ChartDiff.Schema.UNCHANGED);
      assertThat(diff(one, other).schema()).isEqualTo(ChartDiff.Schema.CHANGED);
      assertThat(diff(one, none).schema()).isEqualTo(ChartDiff.Schema.REMOVED);
    }

    @Test
    void validatesValuesAndSaysWhere() {
      assertThat(ValuesSchema.validate(ValuesSchema.parse(SCHEMA), Map.of("replicaCount", "two")))
          .singleElement()
          .satisfies(v -> assertThat(v.path()).containsExactly("replicaCount"));
      assertThat(ValuesSchema.validate(ValuesSchema.parse(SCHEMA), Map.of("replicaCount", 2L)))
          .isEmpty();
    }
  }

  @Nested
  class HostileArchives {
    @Test
    void rejectsValuesAgainstASchemaThatRefersToAnotherDocumentRatherThanFetchIt() {
      Object schema = ValuesSchema.parse("{\"$ref\":\"https://schemas.example.com/values.json\"}");

      assertThat(ValuesSchema.validate(schema, Map.of()))
          .singleElement()
          .satisfies(
              v -> assertThat(v.message()).contains("https://schemas.example.com/values.json"));
    }

    @Test
    void refusesAPathThatClimbsOut() {
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(
          "podinfo/Chart.yaml", "name: podinfo\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8));
      files.put("podinfo/../../etc/passwd", new byte[] {1});

      assertThatThrownBy(() -> ChartPackage.read(Tarball.gzip(files)))
          .isInstanceOf(ChartException.class)
          .hasMessageContaining("\"podinfo/../../etc/passwd\"");
    }

    @Test
    void refusesMoreEntriesOrBytesThanItsLimits() {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        files.put("podinfo/templates/t" + i + ".yaml", new byte[1000]);
      }
      byte[] archive = Tarball.gzip(files);

      assertThatThrownBy(() -> new TarGz(4, 1 << 20, 1 << 20).read(archive, n -> true))
          .isInstanceOf(ChartException.class)
          .hasMessage("the archive has more than 4 entries");
      assertThatThrownBy(() -> new TarGz(100, 4000, 1 << 20).read(archive, n -> true))
          .isInstanceOf(ChartException.class)
          .hasMessage("the archive unpacks to more than 4000 bytes");
    }

    @Test
    void refusesWhatIsNotAChart() {
      assertThatThrownBy(() -> ChartPackage.read("not gzip".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(ChartException.class)
          .hasMessageStartingWith("not a gzip tar archive");
      assertThatThrownBy(
              () -> ChartPackage.read(Tarball.gzip(Map.of("x/values.yaml", new byte[0]))))
          .isInstanceOf(ChartException.class)
          .hasMessage("not a Helm chart: no Chart.yaml at its top");
    }
  }
}
