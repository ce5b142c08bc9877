package dev.upkeep.adopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.InlineMarkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdoptionTest {

  static final String REPOSITORIES =
      "apiVersion: source.toolkit.fluxcd.io/v1\n"
          + "kind: HelmRepository\n"
          + "metadata:\n"
          + "  name: stefanprodan\n"
          + "  namespace: flux-system\n"
          + "spec:\n"
          + "  type: oci\n"
          + "  url: oci://ghcr.io/stefanprodan/charts\n"
          + "  secretRef:\n"
          + "    name: ghcr-login\n"
          + "---\n"
          + "apiVersion: source.toolkit.fluxcd.io/v1\n"
          + "kind: HelmRepository\n"
          + "metadata:\n"
          + "  name: bitnami\n"
          + "  namespace: flux-system\n"
          + "spec:\n"
          + "  url: https://charts.bitnami.com/bitnami\n";

  static final String RELEASE =
      "# podinfo, pinned\n"
          + "apiVersion: helm.toolkit.fluxcd.io/v2\n"
          + "kind: HelmRelease\n"
          + "metadata:\n"
          + "  name: podinfo\n"
          + "  namespace: flux-system\n"
          + "spec:\n"
          + "  chart:\n"
          + "    spec:\n"
          + "      chart: podinfo\n"
          + "      version: '6.5.0'\n"
          + "      sourceRef:\n"
          + "        kind: HelmRepository\n"
          + "        name: stefanprodan\n"
          + "  values:\n"
          + "    image:\n"
          + "      registry: ghcr.io\n"
          + "      repository: stefanprodan/podinfo\n"
          + "      tag: 6.5.0   \n"
          + "    redis:\n"
          + "      repository: redis\n"
          + "      tag: \"{{ .Values.redisTag }}\"\n"
          + "---\n"
          + "apiVersion: helm.toolkit.fluxcd.io/v2\n"
          + "kind: HelmRelease\n"
          + "metadata:\n"
          + "  name: redis\n"
          + "  namespace: flux-system\n"
          + "spec:\n"
          + "  chart:\n"
          + "    spec:\n"
          + "      chart: redis\n"
          + "      version: 18.1.2\n"
          + "      sourceRef:\n"
          + "        kind: HelmRepository\n"
          + "        name: bitnami\n";

  static final String DEPLOYMENT =
      "apiVersion: apps/v1\r\n"
          + "kind: Deployment\r\n"
          + "metadata:\r\n"
          + "  name: web # the front\r\n"
          + "spec:\r\n"
          + "  template:\r\n"
          + "    spec:\r\n"
          + "      initContainers:\r\n"
          + "        - name: init\r\n"
          + "          image: busybox:1.36.1\r\n"
          + "      containers:\r\n"
          + "        - name: web\r\n"
          + "          image: \"nginx:1.25.3@sha256:"
          + "0".repeat(64)
          + "\"\r\n"
          + "        - name: sidecar\r\n"
          + "          image: ghcr.io/org/sidecar:latest\r\n"
          + "        - name: pinned\r\n"
          + "          image: ghcr.io/org/pinned@sha256:"
          + "1".repeat(64)
          + "\r\n"
          + "        - name: noted\r\n"
          + "          image: ghcr.io/org/noted:2.0.0 # keep for now\r\n"
          + "        - name: templated\r\n"
          + "          image: ghcr.io/org/app:${TAG}\r\n"
          + "        - name: marked\r\n"
          + "          image: ghcr.io/org/marked:1.0.0 # {\"$imagepolicy\": \"flux-system:marked\"}\r\n";

  static final String OCI_REPOSITORY =
      "apiVersion: source.toolkit.fluxcd.io/v1beta2\n"
          + "kind: OCIRepository\n"
          + "metadata:\n"
          + "  name: manifests\n"
          + "  namespace: flux-system\n"
          + "spec:\n"
          + "  url: oci://ghcr.io/org/manifests\n"
          + "  ref:\n"
          + "    tag: v1.4.0\n";

  static final String KUSTOMIZATION =
      "apiVersion: kustomize.config.k8s.io/v1beta1\n"
          + "kind: Kustomization\n"
          + "images:\n"
          + "  - name: nginx\n"
          + "    newTag: 1.25.3\n"
          + "  - name: app\n"
          + "    newName: ghcr.io/org/app\n"
          + "    newTag: 2.1.0\n";

  static final String FLUX_KUSTOMIZATION =
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
          + "kind: Kustomization\n"
          + "metadata:\n"
          + "  name: apps\n"
          + "spec:\n"
          + "  images:\n"
          + "    - name: ghcr.io/org/app\n"
          + "      newTag: 3.0.0\n";

  static Map<String, String> seed(Path root) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("infra/repositories.yaml", REPOSITORIES);
    files.put("apps/podinfo.yaml", RELEASE);
    files.put("apps/web.yaml", DEPLOYMENT);
    files.put("apps/manifests.yaml", OCI_REPOSITORY);
    files.put("apps/kustomization.yaml", KUSTOMIZATION);
    files.put("clusters/apps.yaml", FLUX_KUSTOMIZATION);
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path p = root.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    return files;
  }

  @Test
  void marksEveryVersionItCanMapToARegistryAndChangesNoOtherByte(@TempDir Path root)
      throws IOException {
    Map<String, String> before = seed(root);

    Adoption.Result result = Adoption.builder().build().apply(root);

    assertThat(result.marked())
        .extracting(m -> m.file() + ":" + m.line() + " " + m.marker())
        .containsExactly(
            "apps/kustomization.yaml:5 # {\"$imagepolicy\": \"flux-system:nginx-1-x:tag\"}",
            "apps/kustomization.yaml:8 # {\"$imagepolicy\": \"flux-system:app-2-x:tag\"}",
            "apps/manifests.yaml:9 # {\"$imagepolicy\": \"flux-system:manifests:tag\"}",
            "apps/podinfo.yaml:11 # {\"$imagepolicy\": \"flux-system:podinfo-061e31b7:tag\"}",
            "apps/podinfo.yaml:19 # {\"$imagepolicy\": \"flux-system:podinfo-a39829ff:tag\"}",
            "apps/podinfo.yaml:33 # {\"$upkeep\": {\"chart\":"
                + " \"https://charts.bitnami.com/bitnami#redis\", \"semver\": \"18.x\"}}",
            "apps/web.yaml:10 # {\"$imagepolicy\": \"flux-system:busybox\"}",
            "apps/web.yaml:13 # {\"$imagepolicy\": \"flux-system:nginx-1-x-digest\"}",
            "clusters/apps.yaml:8 # {\"$imagepolicy\": \"flux-system:app-3-x:tag\"}");
    // every file is its old bytes plus the markers, each appended to its value's line
    for (Map.Entry<String, String> e : before.entrySet()) {
      String after = Files.readString(root.resolve(e.getKey()));
      String stripped = after;
      for (Adoption.Marked m : result.marked()) {
        if (m.file().equals(e.getKey())) {
          assertThat(after.lines().skip(m.line() - 1).findFirst().orElseThrow())
              .endsWith(" " + m.marker());
          stripped = stripped.replace(" " + m.marker(), "");
        }
      }
      assertThat(stripped).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(result.skipped())
        .extracting(s -> s.file() + ":" + s.line() + " " + s.reason())
        .contains(
            "apps/podinfo.yaml:22 image \"redis:{{ .Values.redisTag }}\" is templated; its value is not known"
                + " before rendering",
            "apps/web.yaml:15 \"latest\" is no version; pin one first",
            "apps/web.yaml:17 image \"ghcr.io/org/pinned@sha256:"
                + "1".repeat(64)
                + "\" is pinned by digest only; no tag for a policy to move",
            "apps/web.yaml:19 the line ends with a comment already",
            "apps/web.yaml:21 image \"ghcr.io/org/app:${TAG}\" is templated; its value is not"
                + " known before rendering",
            "apps/web.yaml:23 already marked");
  }

  @Test
  void writesThePoliciesTheMarkersNeedAsFluxReadsThem(@TempDir Path root) throws IOException {
    seed(root);

    Adoption.Result result = Adoption.builder().build().apply(root);

    FluxAutomation flux = FluxAutomation.load(root);
    Map<String, String> policies =
        flux.policies().stream()
            .collect(Collectors.toMap(FluxAutomation.Policy::name, p -> p.artifact().toString()));
    assertThat(policies)
        .containsEntry("flux-system:podinfo-061e31b7", "ghcr.io/stefanprodan/charts/podinfo")
        .containsEntry("flux-system:podinfo-a39829ff", "ghcr.io/stefanprodan/podinfo")
        .containsEntry("flux-system:nginx-1-x", "docker.io/library/nginx")
        .containsEntry("flux-system:nginx-1-x-digest", "docker.io/library/nginx")
        .containsEntry("flux-system:manifests", "ghcr.io/org/manifests")
        .hasSize(result.created().size());
    assertThat(flux.policy("flux-system:nginx-1-x-digest").orElseThrow().options().digest())
        .isTrue();
    assertThat(flux.secrets()).containsEntry("ghcr-login", java.util.Set.of("ghcr.io"));
    assertThat(flux.findings()).isEmpty();
    assertThat(InlineMarkers.scan(root, ManifestWalk.create()))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.artifact())
                  .isEqualTo(
                      ArtifactRef.helmChart(
                          java.net.URI.create("https://charts.bitnami.com/bitnami"), "redis"));
              assertThat(p.constraint()).isEqualTo("18.x");
            });
  }

  @Test
  void discoverReportsTheSameAndWritesNothing(@TempDir Path root) throws IOException {
    Map<String, String> before = seed(root);

    Adoption.Result planned = Adoption.builder().build().discover(root);

    assertThat(planned.written()).isFalse();
    assertThat(planned.marked()).hasSize(9);
    for (Map.Entry<String, String> e : before.entrySet()) {
      assertThat(Files.readString(root.resolve(e.getKey()))).isEqualTo(e.getValue());
    }
    assertThat(root.resolve(Adoption.DEFAULT_POLICY_FILE)).doesNotExist();
    assertThat(planned.toText()).contains("9 value(s) would mark");
  }

  @Test
  void discoverSaysTheSameInJsonForACiJob(@TempDir Path root) throws Exception {
    seed(root);

    Adoption.Result planned = Adoption.builder().build().discover(root);

    Map<?, ?> json = (Map<?, ?>) dev.upkeep.json.Json.parse(planned.toJson());
    assertThat(json.get("written")).isEqualTo(false);
    assertThat(json.get("policyFile")).isEqualTo(Adoption.DEFAULT_POLICY_FILE);
    List<?> marked = (List<?>) json.get("marked");
    assertThat(marked).hasSize(planned.marked().size());
    Adoption.Marked first = planned.marked().get(0);
    Map<?, ?> one = (Map<?, ?>) marked.get(0);
    assertThat(one.get("file")).isEqualTo(first.file());
    assertThat(one.get("line")).isEqualTo((long) first.line());
    assertThat(one.get("value")).isEqualTo(first.value());
    assertThat(one.get("marker")).isEqualTo(first.marker());
    assertThat((List<?>) json.get("policies")).hasSize(planned.policies().size());
    assertThat((List<?>) json.get("skipped")).hasSize(planned.skipped().size());
  }

  @Test
  void aSecondAdoptionFindsEverythingMarkedAndWritesNothing(@TempDir Path root) throws IOException {
    seed(root);
    Adoption.builder().build().apply(root);
    String policies = Files.readString(root.resolve(Adoption.DEFAULT_POLICY_FILE));

    Adoption.Result again = Adoption.builder().build().apply(root);

    assertThat(again.marked()).isEmpty();
    assertThat(again.created()).isEmpty();
    assertThat(Files.readString(root.resolve(Adoption.DEFAULT_POLICY_FILE))).isEqualTo(policies);
  }

  @Test
  void reusesAnImagePolicyOfTheSameImageAndRangeAndAvoidsTakenNames(@TempDir Path root)
      throws IOException {
    Files.writeString(
        root.resolve("policies.yaml"),
        "apiVersion: image.toolkit.fluxcd.io/v1beta2\n"
            + "kind: ImageRepository\n"
            + "metadata: {name: nginx, namespace: flux-system}\n"
            + "spec: {image: nginx, interval: 1h}\n"
            + "---\n"
            + "apiVersion: image.toolkit.fluxcd.io/v1beta2\n"
            + "kind: ImagePolicy\n"
            + "metadata: {name: web, namespace: flux-system}\n"
            + "spec:\n"
            + "  imageRepositoryRef: {name: nginx}\n"
            + "  policy: {semver: {range: 1.x}}\n"
            + "---\n"
            + "apiVersion: image.toolkit.fluxcd.io/v1beta2\n"
            + "kind: ImageRepository\n"
            + "metadata: {name: redis, namespace: flux-system}\n"
            + "spec: {image: ghcr.io/other/redis, interval: 1h}\n");
    Files.writeString(
        root.resolve("app.yaml"),
        "kind: Pod\nspec:\n  containers:\n  - image: nginx:1.25.3\n  - image: redis:7.2.4\n");

    Adoption.Result result = Adoption.builder().build().apply(root);

    assertThat(result.marked())
        .extracting(Adoption.Marked::policy)
        .containsExactly("flux-system:web", "flux-system:redis-999cc74d");
    assertThat(result.created())
        .extracting(Adoption.Policy::name)
        .containsExactly("flux-system:redis-999cc74d");
  }

  @Test
  void leavesTheManifestsFluxGeneratesAlone(@TempDir Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("clusters/prod/flux-system"));
    String components =
        "---\n# This manifest was generated by flux. DO NOT EDIT.\n# Flux Version: v2.4.0\n"
            + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: source-controller\n"
            + "spec:\n  template:\n    spec:\n      containers:\n"
            + "      - image: ghcr.io/fluxcd/source-controller:v1.4.1\n";
    Files.writeString(dir.resolve("gotk-components.yaml"), components);
    // Flux 0.x wrote no banner
    Path staging = Files.createDirectories(root.resolve("clusters/staging/flux-system"));
    Files.writeString(
        staging.resolve("gotk-components.yaml"), components.replaceAll("(?m)^#.*\n", ""));

    Adoption.Result result = Adoption.builder().build().apply(root);

    assertThat(result.marked()).isEmpty();
    assertThat(result.skipped())
        .extracting(s -> s.file() + ":" + s.line())
        .containsExactly(
            "clusters/prod/flux-system/gotk-components.yaml:2",
            "clusters/staging/flux-system/gotk-components.yaml:1");
    assertThat(Files.readString(dir.resolve("gotk-components.yaml"))).isEqualTo(components);
  }

  @Test
  void aFileThatDoesNotParseIsListedOnceWithItsLineAndReason(@TempDir Path root)
      throws IOException {
    Files.writeString(root.resolve("broken.yaml"), "kind: Pod\nspec:\n  image: nginx: 1.25.3\n");

    Adoption.Result result = Adoption.builder().build().discover(root);

    assertThat(result.skipped()).hasSize(1);
    assertThat(result.skipped().get(0).reason()).startsWith("does not parse");
    String listed =
        result.toText().lines().filter(l -> l.contains("broken.yaml")).findFirst().orElseThrow();
    assertThat(listed)
        .startsWith("  broken.yaml:3: does not parse as YAML: ")
        .containsOnlyOnce("broken.yaml");
  }

  @Test
  void rangeAndPolicyFileAreOptions(@TempDir Path root) throws IOException {
    Files.writeString(
        root.resolve("app.yaml"), "kind: Pod\nspec:\n  containers:\n  - image: nginx:1.25.3\n");

    Adoption.builder()
        .range("minor")
        .policyFile("flux/policies.yaml")
        .namespace("apps")
        .build()
        .apply(root);

    assertThat(Files.readString(root.resolve("flux/policies.yaml")))
        .contains("  namespace: apps\n", "      range: \"1.25.x\"\n");
    assertThat(Files.readString(root.resolve("app.yaml")))
        .isEqualTo(
            "kind: Pod\nspec:\n  containers:\n  - image: nginx:1.25.3 # {\"$imagepolicy\": \"apps:nginx\"}\n");
  }

  @Test
  void namesDependOnTheValuesNotOnTheOrderFilesAreRead(@TempDir Path one, @TempDir Path two)
      throws IOException {
    String a = "kind: Pod\nspec:\n  containers:\n  - image: ghcr.io/a/app:1.0.0\n";
    String b = "kind: Pod\nspec:\n  containers:\n  - image: ghcr.io/b/app:2.0.0\n";
    Files.writeString(one.resolve("1.yaml"), a);
    Files.writeString(one.resolve("2.yaml"), b);
    Files.writeString(two.resolve("1.yaml"), b);
    Files.writeString(two.resolve("2.yaml"), a);

    Adoption.Result first = Adoption.builder().build().apply(one);
    Adoption.Result second = Adoption.builder().build().apply(two);

    assertThat(first.created()).isEqualTo(second.created());
    assertThat(first.created())
        .extracting(Adoption.Policy::name)
        .doesNotHaveDuplicates()
        .allMatch(n -> n.matches("flux-system:app-[0-9a-f]{8}"));
    assertThat(Files.readString(one.resolve(Adoption.DEFAULT_POLICY_FILE)))
        .isEqualTo(Files.readString(two.resolve(Adoption.DEFAULT_POLICY_FILE)));
  }

  @Nested
  class Options {
    @Test
    void refusesAPolicyFileOutsideTheRepository() {
      assertThatThrownBy(() -> Adoption.builder().policyFile("../x.yaml"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"../x.yaml\"");
    }

    @Test
    void refusesARangeThatDoesNotParse() {
      assertThatThrownBy(() -> Adoption.builder().range(">=>1"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
