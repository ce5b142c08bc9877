package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import dev.upkeep.patch.Change.Field;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MarkerTest {

  @Nested
  class ReadLikeFlux {

    @Test
    void leadingHashesAndBlanksAroundTheJsonAreAccepted() {
      Marker m = Marker.parse("## \t{\"$imagepolicy\":\"ns:app:tag\"}  ");
      assertThat(m.policy).isEqualTo("ns:app");
      assertThat(m.field).isEqualTo(Field.TAG);
      assertThat(m.problem).isNull();
    }

    @Test
    void escapedKeysAndExtraStringFieldsAreAccepted() {
      Marker m =
          Marker.parse(" {\"\\u0024imagepolicy\": \"ns:app\", \"note\": \"x\", \"n\": null}");
      assertThat(m.policy).isEqualTo("ns:app");
      assertThat(m.field).isEqualTo(Field.IMAGE);
    }

    @Test
    void aLaterDuplicateKeyWins() {
      assertThat(Marker.parse("{\"$imagepolicy\": \"a:b\", \"$imagepolicy\": \"c:d:name\"}").policy)
          .isEqualTo("c:d");
    }

    @Test
    void anythingButAnObjectOfStringsIsNoMarker() {
      assertThat(Marker.parse(" {\"$imagepolicy\": \"ns:app\", \"n\": 1}")).isNull();
      assertThat(Marker.parse(" {\"$imagepolicy\": \"ns:app\"} trailing")).isNull();
      assertThat(Marker.parse(" {\"$imagepolicy\": \"\"}")).isNull();
      assertThat(Marker.parse(" {'$imagepolicy': 'ns:app'}")).isNull();
      assertThat(Marker.parse(" [\"$imagepolicy\"]")).isNull();
      assertThat(Marker.parse(" {\"imagepolicy\": \"ns:app\"}")).isNull();
      assertThat(Marker.parse(" image: app # {\"$imagepolicy\": \"ns:app\"}")).isNull();
    }

    @Test
    void malformedPoliciesCarryAProblem() {
      assertThat(Marker.parse("{\"$imagepolicy\": \"ns::app:tag\"}").problem)
          .contains("malformed policy \"ns::app:tag\"");
      assertThat(Marker.parse("{\"$imagepolicy\": \"app\"}").problem).contains("malformed");
      assertThat(Marker.parse("{\"$imagepolicy\": \"ns:app:version\"}").problem)
          .contains("malformed");
      assertThat(Marker.parse("{\"$imagepolicy\": \"${ns}:app\"}").problem).contains("placeholder");
    }
  }

  @Nested
  class InlinePolicies {

    @Test
    void aChartInOciIsATagWithACanonicalName() {
      Marker m =
          Marker.parse(
              " {\"$upkeep\": {\"chart\": \"oci://GHCR.io/org/charts/app\", \"semver\": \" >=1.2.0"
                  + "   <2 \"}}");
      assertThat(m.problem).isNull();
      assertThat(m.field).isEqualTo(Field.TAG);
      assertThat(m.artifact).isEqualTo(ArtifactRef.parse("oci://ghcr.io/org/charts/app"));
      assertThat(m.constraint).isEqualTo(">=1.2.0 <2");
      assertThat(m.policy).isEqualTo("oci://ghcr.io/org/charts/app?semver=>=1.2.0 <2");
    }

    @Test
    void aChartInAnHttpHelmRepositoryIsNamedAfterTheHash() {
      Marker m =
          Marker.parse(
              "{\"$upkeep\": {\"chart\": \"https://charts.example.com#app\", \"semver\": \"1.x\"}}");
      assertThat(m.artifact)
          .isEqualTo(ArtifactRef.helmChart(URI.create("https://charts.example.com"), "app"));
      assertThat(m.policy).isEqualTo("https://charts.example.com#app?semver=1.x");
    }

    @Test
    void anImageSetsTheWholeReferenceUnlessToldOtherwise() {
      assertThat(Marker.parse("{\"$upkeep\": {\"image\": \"nginx\", \"semver\": \"1.x\"}}").field)
          .isEqualTo(Field.IMAGE);
      Marker m =
          Marker.parse(
              "{\"$upkeep\": {\"image\": \"nginx\", \"semver\": \"1.x\", \"set\": \"digest\"}}");
      assertThat(m.field).isEqualTo(Field.DIGEST);
      assertThat(m.policy).isEqualTo("docker.io/library/nginx?semver=1.x");
    }

    @Test
    void mistakesCarryAProblemThatNamesThem() {
      assertThat(Marker.parse("{\"$upkeep\": {\"chart\": \"oci://a.io/b\"}}").problem)
          .contains("semver");
      assertThat(
              Marker.parse("{\"$upkeep\": {\"chart\": \"a.io/b\", \"semver\": \"1.x\"}}").problem)
          .contains("\"a.io/b\"");
      assertThat(
              Marker.parse(
                      "{\"$upkeep\": {\"image\": \"a.io/b\", \"chart\": \"oci://a.io/b\","
                          + " \"semver\": \"1.x\"}}")
                  .problem)
          .contains("exactly one of chart and image");
      assertThat(
              Marker.parse(
                      "{\"$upkeep\": {\"image\": \"a.io/b\", \"semver\": \"1.x\", \"range\": \"x\"}}")
                  .problem)
          .contains("unknown field \"range\"");
      assertThat(
              Marker.parse(
                      "{\"$upkeep\": {\"image\": \"a.io/b\", \"semver\": \"1.x\", \"set\": \"all\"}}")
                  .problem)
          .contains("\"set\": \"all\"");
      assertThat(Marker.parse("{\"$upkeep\": \"oci://a.io/b\"}").problem).contains("not an object");
      assertThat(
              Marker.parse(
                      "{\"$upkeep\": {\"image\": \"a.io/b\", \"semver\": \"1.x\"},"
                          + " \"$imagepolicy\": \"a:b\"}")
                  .problem)
          .contains("both");
    }
  }
}
