package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.Change.Field;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

class SetterPatcherTest {

  private static final Path FILE = Path.of("apps/podinfo.yaml");
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private final SetterPatcher patcher = SetterPatcher.create();

  private static Map<String, Selection> podinfo(String tag) {
    return Map.of(
        "flux-system:podinfo",
        Selection.of(
            "flux-system:podinfo", ArtifactRef.parse("ghcr.io/stefanprodan/podinfo"), tag));
  }

  private static Map<String, Selection> podinfo(String tag, String digest) {
    return Map.of(
        "flux-system:podinfo",
        new Selection(
            "flux-system:podinfo",
            ArtifactRef.parse("ghcr.io/stefanprodan/podinfo"),
            tag,
            Optional.of(digest)));
  }

  private Patch patch(String content, Map<String, Selection> selections) {
    return patcher.patch(FILE, content, selections);
  }

  @Nested
  class FluxMarkerForms {

    @Test
    void imageMarkerWritesTheWholeReference() {
      String in =
          "image: ghcr.io/stefanprodan/podinfo:6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content())
          .isEqualTo(
              "image: ghcr.io/stefanprodan/podinfo:6.5.4 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n");
      Change c = p.changes().get(0);
      assertThat(c.field()).isEqualTo(Field.IMAGE);
      assertThat(c.line()).isEqualTo(1);
      assertThat(c.column()).isEqualTo(8);
      assertThat(c.oldValue()).isEqualTo("ghcr.io/stefanprodan/podinfo:6.5.0");
      assertThat(c.newValue()).isEqualTo("ghcr.io/stefanprodan/podinfo:6.5.4");
      assertThat(c.oldVersion()).isEqualTo("6.5.0");
      assertThat(c.newVersion()).isEqualTo("6.5.4");
    }

    @Test
    void tagMarkerWritesOnlyTheTag() {
      String in = "  tag: 6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content())
          .isEqualTo("  tag: 6.5.4 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n");
      assertThat(p.changes()).singleElement().extracting(Change::field).isEqualTo(Field.TAG);
    }

    @Test
    void nameMarkerWritesTheImageName() {
      String in =
          "repository: ghcr.io/old/podinfo # {\"$imagepolicy\": \"flux-system:podinfo:name\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content())
          .isEqualTo(
              "repository: ghcr.io/stefanprodan/podinfo # {\"$imagepolicy\": \"flux-system:podinfo:name\"}\n");
    }

    @Test
    void digestMarkerWritesTheDigest() {
      String in = "digest: sha256:old # {\"$imagepolicy\": \"flux-system:podinfo:digest\"}\n";
      Patch p = patch(in, podinfo("6.5.4", DIGEST));
      assertThat(p.content())
          .isEqualTo(
              "digest: " + DIGEST + " # {\"$imagepolicy\": \"flux-system:podinfo:digest\"}\n");
    }

    @Test
    void imageMarkerKeepsADigestPinUpdated() {
      String in =
          "image: ghcr.io/stefanprodan/podinfo:6.5.0@sha256:aaaa # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
      Patch p = patch(in, podinfo("6.5.4", DIGEST));
      assertThat(p.changes())
          .singleElement()
          .extracting(Change::newValue)
          .isEqualTo("ghcr.io/stefanprodan/podinfo:6.5.4@" + DIGEST);
    }

    @Test
    void digestPinWithoutASelectedDigestIsLeftAloneAndReported() {
      String in =
          "image: ghcr.io/stefanprodan/podinfo:6.5.0@sha256:aaaa # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content()).isEqualTo(in);
      assertThat(p.findings())
          .singleElement()
          .hasToString(
              "warning: apps/podinfo.yaml:1: value \"ghcr.io/stefanprodan/podinfo:6.5.0@sha256:aaaa\""
                  + " pins a digest but policy \"flux-system:podinfo\" selected none (it does not"
                  + " reflect digests: set the ImagePolicy's spec.digestReflectionPolicy to"
                  + " IfNotPresent or Always); the value is left alone");
    }

    @Test
    void imageMarkerOnATagWithoutDigestWritesTheReflectedDigest() {
      String in =
          "image: ghcr.io/stefanprodan/podinfo:6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
      Patch p = patch(in, podinfo("6.5.4", DIGEST));
      assertThat(p.changes())
          .singleElement()
          .extracting(Change::newValue)
          .isEqualTo("ghcr.io/stefanprodan/podinfo:6.5.4@" + DIGEST);
    }

    @Test
    void imageMarkerKeepsTheNameAsWrittenWhenItNamesTheSameRepository() {
      String in = "image: nginx:1.25.0 # {\"$imagepolicy\": \"web:nginx\"}\n";
      Patch p =
          patch(
              in,
              Map.of(
                  "web:nginx",
                  Selection.of(
                      "web:nginx", ArtifactRef.parse("docker.io/library/nginx"), "1.25.3")));
      assertThat(p.content())
          .isEqualTo("image: nginx:1.25.3 # {\"$imagepolicy\": \"web:nginx\"}\n");
    }
  }

  @Nested
  class Quoting {

    @Test
    void keepsDoubleAndSingleQuotes() {
      String in =
          "a: \"6.5.0\" # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n"
              + "b: '6.5.0' # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content())
          .isEqualTo(
              "a: \"6.5.4\" # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n"
                  + "b: '6.5.4' # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n");
    }

    @Test
    void quotesAPlainValueThatWouldReadAsANumber() {
      String in = "tag: v1.9 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
      Patch p = patch(in, podinfo("1.10"));
      assertThat(p.content())
          .isEqualTo("tag: \"1.10\" # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n");
      assertThat(p.changes().get(0).newValue()).isEqualTo("1.10");
    }

    @Test
    void quotesAPlainValueWithLeadingZerosThatWouldReadAsAnInteger() {
      // YAML 1.2's core schema reads [-+]?[0-9]+ as an integer, leading zeros or not (and Go's
      // yaml, which kubectl, Helm and Flux use, reads 0089 as the float 89)
      LoadSettings core = LoadSettings.builder().setSchema(new CoreSchema()).build();
      assertThat(new Load(core).loadFromString("0089")).isEqualTo(89);
      String in = "tag: build-7 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
      Patch p = patch(in, podinfo("0089"));
      assertThat(p.content())
          .isEqualTo("tag: \"0089\" # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n");
    }
  }

  @Nested
  class WhatIsNotAMarker {

    @Test
    void aCommentThatIsNotExactlyTheJsonIsIgnored() {
      String in =
          "image: app:1 # {\"$imagepolicy\": \"flux-system:podinfo\"} please\n"
              + "# image: app:1 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n"
              + "x: |\n  y: 1 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content()).isSameAs(in);
      assertThat(p.changes()).isEmpty();
      assertThat(p.findings()).isEmpty();
    }

    @Test
    void anUnknownPolicyIsLeftAloneAndReported() {
      String in = "image: app:1 # {\"$imagepolicy\": \"flux-system:other\"}\n";
      Patch p = patch(in, podinfo("6.5.4"));
      assertThat(p.content()).isEqualTo(in);
      assertThat(p.findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.file()).isEqualTo(FILE.toString());
                assertThat(f.line()).isEqualTo(1);
                assertThat(f.message()).contains("\"flux-system:other\"");
              });
    }
  }

  @Test
  void aMarkerAfterDocumentMarkersThatFollowABlockScalarLeavesTheBlockScalarAlone() {
    String in =
        "script: |\n"
            + "  echo ghcr.io/stefanprodan/podinfo:6.5.0\n"
            + "--- # {\"$imagepolicy\": \"flux-system:podinfo\"}\n"
            + "args: |-\n"
            + "  --tag=6.5.0\n"
            + "... # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
    Patch p = patch(in, podinfo("6.5.4"));
    assertThat(p.content()).isEqualTo(in);
    assertThat(p.changes()).isEmpty();
    assertThat(p.findings())
        .extracting(f -> f.line() + " " + f.message())
        .allSatisfy(m -> assertThat(m).contains("does not follow a value"))
        .extracting(m -> m.substring(0, m.indexOf(' ')))
        .containsExactly("3", "6");
  }

  @Test
  void aCommentBetweenAnAnchorOrTagAndTheMarkedValueIsKept() {
    String in =
        "image: &img # pinned by automation\n"
            + "  ghcr.io/stefanprodan/podinfo:6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n"
            + "tag: !!str # the chart version\n"
            + "  6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";
    Patch p = patch(in, podinfo("6.5.4"));
    assertThat(p.content()).isEqualTo(in.replace("6.5.0", "6.5.4"));
    assertThat(p.changes())
        .extracting(c -> c.line() + ":" + c.column() + " " + c.oldValue())
        .containsExactly("2:3 ghcr.io/stefanprodan/podinfo:6.5.0", "4:3 6.5.0");
  }

  @Test
  void aChangeOnTheFirstLineAfterAByteOrderMarkIsReportedAtTheColumnAnEditorShows() {
    String in =
        "\uFEFFimage: ghcr.io/stefanprodan/podinfo:6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo\"}\r\n";
    Patch p = patch(in, podinfo("6.5.4"));
    assertThat(p.content()).isEqualTo(in.replace("6.5.0", "6.5.4"));
    assertThat(p.changes()).singleElement().satisfies(c -> assertThat(c.column()).isEqualTo(8));
    assertThat(patcher.values(FILE, in))
        .singleElement()
        .satisfies(v -> assertThat(v.column()).isEqualTo(8));
  }

  @Test
  void unparsableContentThrowsWithFileAndLine() {
    String in = "a: 1\nb: [1, 2\nc: 3 # {\"$imagepolicy\": \"flux-system:podinfo\"}\n";
    assertThatThrownBy(() -> patch(in, podinfo("6.5.4")))
        .isInstanceOf(PatchException.class)
        .hasMessageStartingWith(FILE + ":")
        .satisfies(e -> assertThat(((PatchException) e).line()).isGreaterThan(0));
  }

  @Test
  void mayApplyLooksForTheMarkerKeys() {
    assertThat(patcher.mayApply("a: 1 # {\"$imagepolicy\": \"a:b\"}")).isTrue();
    assertThat(patcher.mayApply("a: 1 # {\"$upkeep\": {}}")).isTrue();
    assertThat(patcher.mayApply("a: 1 # imagepolicy")).isFalse();
  }
}
