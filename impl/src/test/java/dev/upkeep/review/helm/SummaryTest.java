package dev.upkeep.review.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.review.ChartDiff;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.testing.oci.HelmChart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Summary}: a chart package written down and read back reviews as the package does. */
class SummaryTest {

  /** Values of every type YAML gives, keys that are not strings, and a schema, CRDs, deps. */
  static final HelmChart RICH =
      HelmChart.of("rich", "1.0.0")
          .withAppVersion("v1")
          .withKubeVersion(">=1.25.0-0")
          .withDependency("redis", "17.0.0", "oci://registry-1.docker.io/bitnamicharts")
          .withValues(
              "replicaCount: 1\n"
                  + "big: 123456789012345678901234567890\n"
                  + "long: 9000000000\n"
                  + "ratio: 0.5\n"
                  + "nan: .nan\n"
                  + "inf: -.inf\n"
                  + "on: true\n"
                  + "nothing: null\n"
                  + "1: one\n"
                  + "blob: !!binary aGVsbG8=\n"
                  + "ports: [80, 443]\n"
                  + "ui:\n"
                  + "  color: \"#34577c\"\n"
                  + "  nested: {a: [1, {b: c}], \"dotted.key\": x}\n"
                  + "empty: {}\n")
          .withSchema(
              "{\"type\": \"object\", \"properties\": {\"replicaCount\": {\"type\": \"integer\","
                  + " \"maximum\": 1e3}}}")
          .withCrd("rich.dev", "Widget")
          .withFile(
              "templates/crd.yaml",
              "apiVersion: apiextensions.k8s.io/v1\n"
                  + "kind: CustomResourceDefinition\n"
                  + "spec:\n"
                  + "  group: rich.dev\n"
                  + "  names:\n"
                  + "    kind: Gadget\n"
                  + "  {{- if .Values.x }}\n");

  static final HelmChart NEWER =
      HelmChart.of("rich", "2.0.0")
          .withAppVersion("v2")
          .withValues("replicaCount: 2\nui:\n  colour: red\n")
          .withSchema("{\"type\": \"object\"}")
          .withCrd("rich.dev", "Widget");

  static byte[] write(ChartPackage p, String digest) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    Summary.write(p, digest, out);
    out.flush();
    return bytes.toByteArray();
  }

  static ChartPackage read(byte[] summary, String digest) throws IOException {
    return Summary.read(new DataInputStream(new ByteArrayInputStream(summary)), digest);
  }

  static ChartPackage roundTrip(HelmChart chart) throws IOException {
    String digest = ChartArchive.sha256(chart.tarball());
    return read(write(ChartPackage.read(chart.tarball()), digest), digest);
  }

  @Test
  void readsBackEveryPartOfThePackageWithItsJavaTypes() throws IOException {
    ChartPackage original = ChartPackage.read(RICH.tarball());

    ChartPackage back = roundTrip(RICH);

    assertThat(back.chart()).isEqualTo(original.chart());
    assertThat(back.chart().dependencies())
        .containsEntry("redis", "17.0.0 oci://registry-1.docker.io/bitnamicharts");
    assertThat(back.defaults().leaves()).containsExactlyEntriesOf(original.defaults().leaves());
    assertThat(back.defaults().keys()).isEqualTo(original.defaults().keys());
    assertThat(back.defaults().children()).isEqualTo(original.defaults().children());
    assertThat(List.copyOf(back.defaults().childrenOf(List.of("ui"))))
        .containsExactly("color", "nested");
    assertThat(back.schema()).isEqualTo(original.schema());
    assertThat(back.crds())
        .isEqualTo(original.crds())
        .containsKeys("rich.dev/Widget", "rich.dev/Gadget");

    Map<?, ?> values = (Map<?, ?>) back.defaultsObject();
    Map<?, ?> was = (Map<?, ?>) original.defaultsObject();
    assertThat(values.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(values.get("long")).isEqualTo(9_000_000_000L);
    assertThat(values.get("replicaCount")).isEqualTo(1);
    assertThat((Double) values.get("nan")).isNaN();
    assertThat(values.get("inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(values.get(1)).isEqualTo("one");
    assertThat((byte[]) values.get("blob")).isEqualTo("hello".getBytes());
    Map<Object, Object> withoutBinary = new LinkedHashMap<>(values);
    Map<Object, Object> wasWithoutBinary = new LinkedHashMap<>(was);
    withoutBinary.remove("blob");
    wasWithoutBinary.remove("blob");
    assertThat(withoutBinary).isEqualTo(wasWithoutBinary);
    assertThat(List.copyOf(values.keySet())).isEqualTo(List.copyOf(was.keySet()));
  }

  @Test
  void aPackageReadBackDiffsAsThePackageItselfDoes() throws IOException {
    ChartDiff fresh = ChartPackage.read(RICH.tarball()).diffTo(ChartPackage.read(NEWER.tarball()));

    assertThat(roundTrip(RICH).diffTo(roundTrip(NEWER))).isEqualTo(fresh);
    assertThat(roundTrip(RICH).diffTo(ChartPackage.read(NEWER.tarball()))).isEqualTo(fresh);
    assertThat(fresh.crds())
        .containsExactly(new ChartDiff.CrdChange("Gadget", "rich.dev", ChartDiff.Kind.REMOVED));
    assertThat(fresh.schema()).isEqualTo(ChartDiff.Schema.CHANGED);
  }

  @Test
  void refusesASummaryOfAnotherPackageOrOneCutShort() throws IOException {
    String digest = ChartArchive.sha256(RICH.tarball());
    byte[] summary = write(ChartPackage.read(RICH.tarball()), digest);
    String other = "sha256:" + "0".repeat(64);

    assertThatThrownBy(() -> read(summary, other)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(Arrays.copyOf(summary, summary.length - 3), digest))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(Arrays.copyOf(summary, summary.length + 1), digest))
        .isInstanceOf(IOException.class);
    byte[] flipped = summary.clone();
    flipped[4] ^= 0x20;
    assertThatThrownBy(() -> read(flipped, digest)).isInstanceOf(IOException.class);
  }

  @Test
  void crdDigestsAreEqualForEqualContentInAnyKeyOrder() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", List.of("x", Map.of("c", 2.5)));
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", List.of("x", Map.of("c", 2.5)));
    ba.put("a", 1);

    assertThat(Summary.digest(ab)).isEqualTo(Summary.digest(ba));
    assertThat(Summary.digest(ab)).isNotEqualTo(Summary.digest(Map.of("a", 1)));
    assertThat(Summary.digest(Map.of("a", 1))).isNotEqualTo(Summary.digest(Map.of("a", 1L)));
    assertThat(Summary.digest("kind: A")).isNotEqualTo(Summary.digest("kind: B"));
  }

  @Test
  void aDeeplyNestedLargeCrdIsComparedOnceNotOncePerLevel() {
    Object crd = List.of("x".repeat(1 << 20), "y".repeat(1 << 20), "z".repeat(1 << 20));
    for (int level = 0; level < 40; level++) {
      crd = Map.of("level" + level, crd);
    }

    // 3 MiB of text under 40 maps: within the 64 MiB a comparison may take, charged once
    assertThat(Summary.digest(crd)).startsWith("sha256:");
  }

  @Test
  void aCrdThatContainsItselfIsAClearErrorNotAStackOverflow() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("group", "x.dev");
    spec.put("loop", Map.of("inner", spec)); // what `loop: {inner: *s}` under `spec: &s` gives

    assertThatThrownBy(() -> Summary.digest(spec))
        .isInstanceOf(dev.upkeep.review.ChartException.class)
        .hasMessageContaining("recursive alias");
  }

  @Test
  void textsThatDifferOnlyInALoneSurrogateDigestAndReadBackApart() throws IOException {
    assertThat(Summary.digest("\uD800")).isNotEqualTo(Summary.digest("\uDBFF"));
    ChartPackage p = ChartPackage.read(HelmChart.of("x", "1.0.0").tarball());
    ChartPackage odd =
        new ChartPackage(p.chart(), p.defaults(), Map.of("k", "a\uD800b"), p.schema(), p.crds());
    String digest = "sha256:" + "2".repeat(64);

    assertThat(read(write(odd, digest), digest).defaultsObject())
        .isEqualTo(Map.of("k", "a\uD800b"));
  }

  @Test
  void defaultsThatShareATreeThroughAnAliasAreNotWrittenDown() {
    ChartPackage p = ChartPackage.read(HelmChart.of("x", "1.0.0").tarball());
    List<Object> shared = new java.util.ArrayList<>(List.of(1, 2, 3));
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("a", shared);
    defaults.put("b", shared); // b: *a — written out, each alias would copy the tree again
    ChartPackage aliased =
        new ChartPackage(p.chart(), p.defaults(), defaults, p.schema(), p.crds());

    assertThatThrownBy(() -> write(aliased, "sha256:" + "3".repeat(64)))
        .isInstanceOf(Summary.NotKept.class)
        .hasMessageContaining("alias");
  }

  @Test
  void aValueOfAnotherTypeIsNotWrittenDown() {
    ChartPackage p = ChartPackage.read(HelmChart.of("x", "1.0.0").tarball());
    ChartPackage odd =
        new ChartPackage(
            p.chart(), p.defaults(), Map.of("when", new java.util.Date(0)), p.schema(), p.crds());

    assertThatThrownBy(() -> write(odd, "sha256:" + "1".repeat(64)))
        .isInstanceOf(Summary.NotKept.class);
  }
}
