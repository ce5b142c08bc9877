package dev.upkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.oci.Blob;
import dev.upkeep.testing.oci.Fault;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.OciArtifact;
import dev.upkeep.testing.oci.Pagination;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FakeOciRegistryTest {
  private static final String ACCEPT =
      OciArtifact.OCI_INDEX
          + ", "
          + OciArtifact.OCI_MANIFEST
          + ", "
          + OciArtifact.DOCKER_MANIFEST
          + ", "
          + OciArtifact.DOCKER_MANIFEST_LIST;

  private final HttpClient http = HttpClient.newHttpClient();
  private FakeOciRegistry registry;

  @BeforeEach
  void start() {
    registry = FakeOciRegistry.start();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Nested
  class Content {
    @Test
    void bindsLoopbackOnAFreePort() {
      assertThat(registry.host()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(registry.chartRef("charts/podinfo").toString())
          .isEqualTo("oci://" + registry.host() + "/charts/podinfo");
    }

    @Test
    void servesAPushedChartAsHelmPushWritesIt() throws Exception {
      String digest = registry.pushChart("charts/podinfo", "6.5.4+build.1");

      HttpResponse<byte[]> manifest =
          get("/v2/charts/podinfo/manifests/6.5.4_build.1", "Accept", ACCEPT);

      assertThat(manifest.statusCode()).isEqualTo(200);
      assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
      assertThat(manifest.headers().firstValue("Content-Type")).contains(OciArtifact.OCI_MANIFEST);
      assertThat(Blob.sha256(manifest.body())).isEqualTo(digest);
      String json = text(manifest);
      assertThat(json)
          .startsWith(
              "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" + HelmChart.CONFIG_MEDIA_TYPE)
          .contains(HelmChart.CONTENT_MEDIA_TYPE)
          .contains("\"org.opencontainers.image.version\":\"6.5.4+build.1\"")
          .doesNotContain("\"mediaType\":\"" + OciArtifact.OCI_MANIFEST);

      Matcher layer =
          Pattern.compile("tar\\+gzip\",\"digest\":\"(sha256:[0-9a-f]+)\"").matcher(json);
      assertThat(layer.find()).isTrue();
      HttpResponse<byte[]> blob = get("/v2/charts/podinfo/blobs/" + layer.group(1));
      assertThat(blob.statusCode()).isEqualTo(200);
      byte[] tar = new GZIPInputStream(new ByteArrayInputStream(blob.body())).readAllBytes();
      assertThat(new String(tar, 0, 100, StandardCharsets.UTF_8)).startsWith("podinfo/Chart.yaml");
      assertThat(new String(tar, StandardCharsets.UTF_8))
          .contains("name: podinfo\nversion: \"6.5.4+build.1\"\n");
    }

    @Test
    void writesChartAnnotationsIntoChartYaml() {
      HelmChart chart =
          HelmChart.of("podinfo", "1.0.0")
              .withAnnotation("artifacthub.io/changes", "- kind: fixed\n  description: a bug\n");

      assertThat(chart.chartYaml())
          .endsWith(
              "annotations:\n"
                  + "  \"artifacthub.io/changes\": |\n"
                  + "    - kind: fixed\n"
                  + "      description: a bug\n");
      assertThat(chart.configJson()).contains("\"artifacthub.io/changes\":\"- kind: fixed\\n");
    }

    @Test
    void pushesTheSameBytesForTheSameChartEveryTime() {
      assertThat(HelmChart.of("a", "1.0.0").toArtifact().digest())
          .isEqualTo(HelmChart.of("a", "1.0.0").toArtifact().digest())
          .isNotEqualTo(HelmChart.of("a", "1.0.1").toArtifact().digest());
    }

    @Test
    void answersHeadWithTheDigestAndNoBody() throws Exception {
      String digest = registry.pushImage("org/app", "1.2.3");

      HttpResponse<byte[]> head =
          http.send(
              HttpRequest.newBuilder(URI.create(registry.url() + "/v2/org/app/manifests/1.2.3"))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .header("Accept", ACCEPT)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(digest);
      assertThat(head.body()).isEmpty();
    }

    @Test
    void hidesOciManifestsFromClientsThatDoNotAcceptThem() throws Exception {
      registry.pushChart("charts/podinfo", "1.0.0");
      String digest = registry.push("org/old", "1", OciArtifact.dockerImage("old", "1"));

      assertThat(get("/v2/charts/podinfo/manifests/1.0.0").statusCode()).isEqualTo(404);
      assertThat(text(get("/v2/charts/podinfo/manifests/1.0.0"))).contains("MANIFEST_UNKNOWN");
      assertThat(get("/v2/org/old/manifests/1").headers().firstValue("Docker-Content-Digest"))
          .contains(digest);
    }

    @Test
    void servesAnIndexAndItsManifestsByDigest() throws Exception {
      OciArtifact index = OciArtifact.index("app", "2.0.0", List.of("linux/amd64", "linux/arm64"));
      registry.push("org/app", "2.0.0", index);

      HttpResponse<byte[]> r = get("/v2/org/app/manifests/2.0.0", "Accept", ACCEPT);
      assertThat(r.headers().firstValue("Content-Type")).contains(OciArtifact.OCI_INDEX);
      String child = index.children().get(1).digest();
      assertThat(text(r)).contains(child).contains("\"architecture\":\"arm64\"");
      assertThat(get("/v2/org/app/manifests/" + child, "Accept", ACCEPT).statusCode())
          .isEqualTo(200);
    }

    @Test
    void answersNameUnknownForAMissingRepository() throws Exception {
      HttpResponse<byte[]> r = get("/v2/nope/tags/list");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(text(r)).contains("NAME_UNKNOWN");
    }
  }

  @Nested
  class Pages {
    @BeforeEach
    void push() {
      for (int i = 0; i < 25; i++) {
        registry.pushImage("org/app", String.format("1.0.%02d", i));
      }
    }

    @Test
    void pagesWithNAndLastAndARelativeLink() throws Exception {
      HttpResponse<byte[]> first = get("/v2/org/app/tags/list?n=10");
      assertThat(text(first))
          .contains("\"1.0.00\"")
          .contains("\"1.0.09\"")
          .doesNotContain("1.0.10");
      assertThat(first.headers().firstValue("Link"))
          .contains("</v2/org/app/tags/list?n=10&last=1.0.09>; rel=\"next\"");

      HttpResponse<byte[]> last = get("/v2/org/app/tags/list?n=10&last=1.0.19");
      assertThat(text(last)).contains("\"1.0.20\"", "\"1.0.24\"").doesNotContain("1.0.19");
      assertThat(last.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void appliesItsOwnPageSizeWhenTheClientAsksForNone() throws Exception {
      registry.pageSize(20).pagination(Pagination.ABSOLUTE_LINKS);
      HttpResponse<byte[]> first = get("/v2/org/app/tags/list");
      assertThat(first.headers().firstValue("Link"))
          .contains("<" + registry.url() + "/v2/org/app/tags/list?n=20&last=1.0.19>; rel=\"next\"");
    }

    @Test
    void canLoopBackToTheFirstPage() throws Exception {
      registry.pageSize(10).pagination(Pagination.LOOPING_LINKS);
      HttpResponse<byte[]> second = get("/v2/org/app/tags/list?n=10&last=1.0.09");
      assertThat(second.headers().firstValue("Link"))
          .contains("</v2/org/app/tags/list?n=10>; rel=\"next\"");
    }

    @Test
    void canIgnoreNLikeDistribution() throws Exception {
      registry.pagination(Pagination.IGNORE_N);
      HttpResponse<byte[]> r = get("/v2/org/app/tags/list?n=5");
      assertThat(text(r)).contains("\"1.0.24\"");
      assertThat(r.headers().firstValue("Link")).isEmpty();
    }
  }

  @Nested
  class Faults {
    @Test
    void ratelimitsTheNextMatchingRequestsThenRecovers() throws Exception {
      registry.pushImage("org/app", "1");
      registry.inject(Fault.rateLimited(Duration.ofSeconds(2)).matching("/tags/list").times(2));

      assertThat(get("/v2/").statusCode()).isEqualTo(200);
      HttpResponse<byte[]> limited = get("/v2/org/app/tags/list");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).contains("2");
      assertThat(get("/v2/org/app/tags/list").statusCode()).isEqualTo(429);
      assertThat(get("/v2/org/app/tags/list").statusCode()).isEqualTo(200);
    }

    @Test
    void truncatesAndServesHtmlOnRequest() throws Exception {
      registry.pushImage("org/app", "1");
      registry.inject(Fault.truncatedBody()).inject(Fault.html());

      assertThat(text(get("/v2/org/app/tags/list"))).isEqualTo("{\"name\":\"org/ap");
      assertThat(text(get("/v2/org/app/tags/list"))).startsWith("<!DOCTYPE html>");
    }

    @Test
    void recordsEveryRequestWithItsHeadersAndStatus() throws Exception {
      get("/v2/missing/tags/list", "X-Probe", "yes");

      assertThat(registry.requests()).hasSize(1);
      assertThat(registry.requests().get(0).header("x-probe")).contains("yes");
      assertThat(registry.requests().get(0).status()).isEqualTo(404);
    }

    @Test
    void redirectsContentToAnotherHost() throws Exception {
      try (FakeOciRegistry storage = FakeOciRegistry.start()) {
        registry.pushImage("org/app", "1");
        storage.pushImage("org/app", "1");
        registry.redirectContentTo(storage);

        HttpResponse<byte[]> r = get("/v2/org/app/manifests/1", "Accept", ACCEPT);

        assertThat(r.statusCode()).isEqualTo(307);
        assertThat(r.headers().firstValue("Location"))
            .contains(storage.url() + "/v2/org/app/manifests/1");
      }
    }
  }

  @Nested
  class Proxy {
    @Test
    void pagesAnUpstreamThatDoesNotAndForwardsManifests() throws Exception {
      try (FakeOciRegistry upstream = FakeOciRegistry.start().pagination(Pagination.IGNORE_N)) {
        registry.pageSize(2).proxyTo(upstream);
        String digest = registry.pushImage("org/app", "1.0.0");
        registry.pushImage("org/app", "1.0.1");
        registry.pushImage("org/app", "1.0.2");

        assertThat(upstream.tags("org/app")).containsExactly("1.0.0", "1.0.1", "1.0.2");
        HttpResponse<byte[]> first = get("/v2/org/app/tags/list");
        assertThat(text(first)).isEqualTo("{\"name\":\"org/app\",\"tags\":[\"1.0.0\",\"1.0.1\"]}");
        assertThat(first.headers().firstValue("Link"))
            .contains("</v2/org/app/tags/list?n=2&last=1.0.1>; rel=\"next\"");
        HttpResponse<byte[]> manifest = get("/v2/org/app/manifests/1.0.0", "Accept", ACCEPT);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(Blob.sha256(manifest.body())).isEqualTo(digest);
        assertThat(get("/v2/org/nope/tags/list").statusCode()).isEqualTo(404);
      }
    }
  }

  @Nested
  class Auth {
    @Test
    void basicAuthRejectsAWrongPassword() throws Exception {
      registry.requireBasicAuth("ci", "s3cret");
      HttpResponse<byte[]> r = get("/v2/", "Authorization", basic("ci", "wrong"));
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .contains("Basic realm=\"fake-oci-registry\"");
      assertThat(get("/v2/", "Authorization", basic("ci", "s3cret")).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenAuthChallengesWithTheRepositoryScopeAndGrantsScopedTokens() throws Exception {
      registry.pushImage("org/app", "1");
      registry.pushImage("org/other", "1");
      registry.requireTokenAuth("ci", "s3cret");

      HttpResponse<byte[]> challenge = get("/v2/org/app/tags/list");
      assertThat(challenge.statusCode()).isEqualTo(401);
      assertThat(challenge.headers().firstValue("WWW-Authenticate"))
          .contains(
              "Bearer realm=\""
                  + registry.url()
                  + "/token\",service=\"fake-oci-registry\",scope=\"repository:org/app:pull\"");

      assertThat(get("/token?service=fake-oci-registry&scope=repository:org/app:pull").statusCode())
          .isEqualTo(401);
      HttpResponse<byte[]> grant =
          get(
              "/token?service=fake-oci-registry&scope=repository:org/app:pull",
              "Authorization",
              basic("ci", "s3cret"));
      Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(text(grant));
      assertThat(token.find()).isTrue();
      assertThat(
              get("/v2/org/app/tags/list", "Authorization", "Bearer " + token.group(1))
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              get("/v2/org/other/tags/list", "Authorization", "Bearer " + token.group(1))
                  .statusCode())
          .isEqualTo(401);
      assertThat(registry.tokensGranted()).isEqualTo(1);
    }

    private String basic(String user, String password) {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void pushChartWithAnnotationsUsesTheRepositoryNameAsChartName() throws IOException {
    registry.pushChart("charts/podinfo", "1.0.0", Map.of("artifacthub.io/prerelease", "false"));
    assertThat(registry.tags("charts/podinfo")).containsExactly("1.0.0");
  }
}
