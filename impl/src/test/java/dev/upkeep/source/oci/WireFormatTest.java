package dev.upkeep.source.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The header and body formats registries send, parsed the way the source reads them. */
class WireFormatTest {

  @Nested
  class Challenges {
    @Test
    void readsDockerHubsBearerChallengeWithACommaInsideTheScope() {
      Challenge c =
          Challenge.parse(
                  "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                      + "scope=\"repository:library/nginx:pull,push\"")
              .orElseThrow();

      assertThat(c.scheme).isEqualTo(Challenge.Scheme.BEARER);
      assertThat(c.param("realm")).isEqualTo("https://auth.docker.io/token");
      assertThat(c.param("service")).isEqualTo("registry.docker.io");
      assertThat(c.param("scope")).isEqualTo("repository:library/nginx:pull,push");
    }

    @Test
    void readsBasicChallengesAndIgnoresOtherSchemes() {
      assertThat(Challenge.parse("Basic realm=\"Registry Realm\"").orElseThrow().scheme)
          .isEqualTo(Challenge.Scheme.BASIC);
      assertThat(Challenge.parse("Negotiate abc")).isEmpty();
      assertThat(Challenge.parse("Bearer service=\"x\"")).as("bearer without realm").isEmpty();
    }

    @Test
    void prefersTheBearerChallengeWhenOneHeaderOffersBasicFirst() {
      Challenge c =
          Challenge.parse(
                  "Basic realm=\"Registry Realm\", Bearer realm=\"https://auth.example/token\","
                      + "service=\"reg\"")
              .orElseThrow();

      assertThat(c.scheme).isEqualTo(Challenge.Scheme.BEARER);
      assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
      assertThat(c.param("service")).isEqualTo("reg");
    }

    @Test
    void findsABearerChallengeAfterAnUnsupportedScheme() {
      Challenge c =
          Challenge.parse("Negotiate, bearer realm=\"https://auth.example/token\"").orElseThrow();

      assertThat(c.scheme).isEqualTo(Challenge.Scheme.BEARER);
      assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
    }

    @Test
    void readsParametersWithBlanksAroundTheEqualsSign() {
      Challenge c =
          Challenge.parse("Bearer  realm = \"https://auth.example/token\" , service = reg")
              .orElseThrow();

      assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
      assertThat(c.param("service")).isEqualTo("reg");
    }
  }

  @Nested
  class Links {
    @Test
    void findsTheNextLinkInItsCommonSpellings() {
      assertThat(OciRegistrySource.nextLink("</v2/a/tags/list?n=100&last=b>; rel=\"next\""))
          .contains("/v2/a/tags/list?n=100&last=b");
      assertThat(OciRegistrySource.nextLink("<https://r.example/v2/a/tags/list?last=b>;rel=next"))
          .contains("https://r.example/v2/a/tags/list?last=b");
      assertThat(
              OciRegistrySource.nextLink(
                  "</v2/a/tags/list?last=a>; rel=\"prev\", </v2/a/tags/list?last=z>; rel=\"next\""))
          .contains("/v2/a/tags/list?last=z");
      assertThat(OciRegistrySource.nextLink("</v2/a/tags/list?last=a>; rel=\"prev\"")).isEmpty();
    }
  }

  @Nested
  class JsonBodies {
    @Test
    void readsATagList() throws Exception {
      Object parsed =
          Json.parse("{\"name\":\"a/b\",\"tags\":[\"1.0\",\"v1.\\u0032\"],\"n\":-1.5e2}");

      assertThat(parsed)
          .isEqualTo(Map.of("name", "a/b", "tags", List.of("1.0", "v1.2"), "n", -150.0));
    }

    @Test
    void saysWhereATruncatedBodyEnds() {
      assertThatThrownBy(() -> Json.parse("{\"tags\":[\"1.0\",\"1."))
          .isInstanceOf(Json.MalformedException.class)
          .hasMessage("the body ends early at character 18");
      assertThatThrownBy(() -> Json.parse("{\"tags\":[]} trailing"))
          .hasMessageStartingWith("unexpected text after the JSON value");
    }
  }
}
