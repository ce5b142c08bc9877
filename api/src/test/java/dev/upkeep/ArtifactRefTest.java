package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArtifactRefTest {

  @ParameterizedTest
  @CsvSource({
    "oci://ghcr.io/stefanprodan/charts/podinfo, ghcr.io, stefanprodan/charts/podinfo, true",
    "ghcr.io/org/app, ghcr.io, org/app, false",
    "localhost:5000/x, localhost:5000, x, false",
    "docker.io/library/nginx, docker.io, library/nginx, false",
    "nginx, docker.io, library/nginx, false",
    "bitnami/redis, docker.io, bitnami/redis, false",
    "index.docker.io/library/nginx, docker.io, library/nginx, false",
    "OCI://127.0.0.1:5000/charts/app/, 127.0.0.1:5000, charts/app, true",
    "Registry.Example.com/team/app, registry.example.com, team/app, false",
  })
  void parsesTheFormsUsersWrite(String input, String registry, String repository, boolean chart) {
    ArtifactRef ref = ArtifactRef.parse(input);
    assertThat(ref.kind()).isEqualTo(ArtifactRef.Kind.OCI);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.isChart()).isEqualTo(chart);
  }

  @Test
  void aRegistryWithATrailingSlashIsNotADockerHubImage() {
    // Flux's go-containerregistry rejects "ghcr.io/"; it was read as docker.io/library/ghcr.io
    for (String ref : List.of("ghcr.io/", "oci://ghcr.io/", "localhost:5000/", "localhost/")) {
      assertThatThrownBy(() -> ArtifactRef.parse(ref))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no repository in it");
    }
    assertThat(ArtifactRef.parse("ghcr.io/org/app/").repository()).isEqualTo("org/app");
  }

  @Test
  void printsTheCanonicalFormAndComparesByIt() {
    assertThat(ArtifactRef.parse("nginx")).hasToString("docker.io/library/nginx");
    assertThat(ArtifactRef.parse("oci://ghcr.io/org/app")).hasToString("oci://ghcr.io/org/app");
    assertThat(ArtifactRef.parse("nginx")).isEqualTo(ArtifactRef.parse("docker.io/library/nginx"));
    assertThat(ArtifactRef.parse("oci://ghcr.io/org/app"))
        .isNotEqualTo(ArtifactRef.parse("ghcr.io/org/app"));
  }

  @Test
  void showsHelmChartTagsWithPlusWhereTheRegistryStoresUnderscore() {
    assertThat(ArtifactRef.parse("oci://ghcr.io/org/charts/app").displayTag("1.2.3_build.1"))
        .isEqualTo("1.2.3+build.1");
    assertThat(ArtifactRef.parse("ghcr.io/org/app").displayTag("1.2.3_build.1"))
        .isEqualTo("1.2.3_build.1");
    assertThat(ArtifactRef.parse("oci://ghcr.io/org/charts/app").registryTag("1.2.3+build.1"))
        .isEqualTo("1.2.3_build.1");
    assertThat(ArtifactRef.parse("ghcr.io/org/app").registryTag("1.2.3+build.1"))
        .isEqualTo("1.2.3+build.1");
  }

  @Nested
  class Rejects {
    @Test
    void uppercaseRepositoryNames() {
      assertThatThrownBy(() -> ArtifactRef.parse("ghcr.io/Org/app"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "invalid artifact reference \"ghcr.io/Org/app\": repository names must be lowercase,"
                  + " got \"Org\"");
    }

    @Test
    void tagsAndDigests() {
      assertThatThrownBy(() -> ArtifactRef.parse("ghcr.io/org/app:1.2.3"))
          .hasMessageContaining("remove the tag");
      assertThatThrownBy(() -> ArtifactRef.parse("ghcr.io/org/app@sha256:abc"))
          .hasMessageContaining("remove the digest");
    }

    @Test
    void plusSignsAndOtherSchemes() {
      assertThatThrownBy(() -> ArtifactRef.parse("ghcr.io/org/a+b"))
          .hasMessageContaining("\"a+b\" is not a valid repository path component");
      assertThatThrownBy(() -> ArtifactRef.parse("https://ghcr.io/org/app"))
          .hasMessageContaining("only oci:// is supported");
    }

    @Test
    void blankAndNull() {
      assertThatThrownBy(() -> ArtifactRef.parse(" ")).hasMessageContaining("must not be empty");
      assertThatThrownBy(() -> ArtifactRef.parse(null)).hasMessageContaining("must not be null");
    }
  }

  @Test
  void namesChartsInHttpHelmRepositories() {
    ArtifactRef ref =
        ArtifactRef.helmChart(URI.create("https://charts.example.com/stable/"), "app");
    assertThat(ref.kind()).isEqualTo(ArtifactRef.Kind.HELM_REPOSITORY);
    assertThat(ref.registry()).isEqualTo("charts.example.com");
    assertThat(ref.repository()).isEqualTo("app");
    assertThat(ref).hasToString("https://charts.example.com/stable#app");
    assertThatThrownBy(() -> ArtifactRef.helmChart(URI.create("ftp://x/y"), "app"))
        .hasMessageContaining("expected http:// or https://");
    assertThatThrownBy(
            () -> ArtifactRef.helmChart(URI.create("https://u:s3cret@charts.example.com"), "app"))
        .hasMessage(
            "Helm repository URL of charts.example.com must not carry credentials; give them to"
                + " the source instead")
        .hasMessageNotContaining("s3cret");
  }
}
