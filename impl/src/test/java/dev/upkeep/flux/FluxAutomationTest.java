package dev.upkeep.flux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FluxAutomationTest {

  static void write(Path root, String file, String content) throws IOException {
    Path p = root.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  static final String REPOSITORY =
      "apiVersion: image.toolkit.fluxcd.io/v1beta2\n"
          + "kind: ImageRepository\n"
          + "metadata: {name: app, namespace: flux-system}\n"
          + "spec:\n"
          + "  image: ghcr.io/org/app\n"
          + "  insecure: true\n"
          + "  secretRef: {name: regcred}\n";

  static String policy(String name, String spec) {
    return "---\napiVersion: image.toolkit.fluxcd.io/v1\n"
        + "kind: ImagePolicy\n"
        + "metadata:\n  name: "
        + name
        + "\n  namespace: flux-system\n"
        + "spec:\n  imageRepositoryRef: {name: app}\n"
        + spec;
  }

  @Test
  void turnsEachImagePolicyIntoANamedPolicyWithFluxsSemantics(@TempDir Path root)
      throws IOException {
    write(
        root,
        "flux/images.yaml",
        REPOSITORY
            + policy(
                "semver", "  policy: {semver: {range: 1.2.x}}\n  digestReflectionPolicy: Always\n")
            + policy("alpha", "  policy: {alphabetical: {order: desc}}\n")
            + policy(
                "build",
                "  filterTags:\n    pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)'\n    extract: '$ts'\n"
                    + "  policy: {numerical: {order: asc}}\n"));

    FluxAutomation flux = FluxAutomation.load(root);

    assertThat(flux.findings()).isEmpty();
    assertThat(flux.policies())
        .extracting(FluxAutomation.Policy::name)
        .containsExactly("flux-system:semver", "flux-system:alpha", "flux-system:build");
    FluxAutomation.Policy semver = flux.policy("flux-system:semver").orElseThrow();
    assertThat(semver.artifact()).isEqualTo(ArtifactRef.parse("ghcr.io/org/app"));
    assertThat(semver.options().digest()).isTrue();
    assertThat(semver.insecure()).isTrue();
    assertThat(semver.secretName()).hasValue("regcred");
    List<String> tags =
        List.of("1.2.3", "1.2.9", "1.3.0", "1.2.10.sig", "v1.2.11", "main-abc-17", "main-def-9");
    assertThat(semver.policy().select(tags)).hasValue("v1.2.11");
    assertThat(
            flux.policy("flux-system:alpha").orElseThrow().policy().select(List.of("b", "a", "c")))
        .hasValue("a");
    assertThat(flux.policy("flux-system:build").orElseThrow().policy().select(tags))
        .hasValue("main-abc-17");
    assertThat(flux.insecureRegistries()).containsExactly("ghcr.io");
    assertThat(flux.secrets()).containsEntry("regcred", java.util.Set.of("ghcr.io"));
  }

  @Test
  void excludesSignatureTagsUnlessTheRepositorySaysOtherwise(@TempDir Path root)
      throws IOException {
    write(root, "a.yaml", REPOSITORY + policy("alpha", "  policy: {alphabetical: {order: asc}}\n"));
    assertThat(FluxAutomation.load(root).policies().get(0).policy().select(List.of("a", "z.sig")))
        .hasValue("a");
    write(
        root,
        "a.yaml",
        REPOSITORY.replace("  insecure: true\n", "  exclusionList: ['^a$']\n")
            + policy("alpha", "  policy: {alphabetical: {order: asc}}\n"));
    assertThat(FluxAutomation.load(root).policies().get(0).policy().select(List.of("a", "z.sig")))
        .hasValue("z.sig");
  }

  @Test
  void reportsWhatItCannotUseWithFileAndLine(@TempDir Path root) throws IOException {
    write(
        root,
        "a.yaml",
        policy("orphan", "  policy: {semver: {range: 1.x}}\n")
                .replace("{name: app}", "{name: gone}")
            + "---\napiVersion: image.toolkit.fluxcd.io/v1alpha1\nkind: ImagePolicy\n"
            + "metadata: {name: old}\nspec: {}\n");
    write(root, "b.yaml", REPOSITORY + policy("bad", "  policy: {semver: {range: '>=1.2.x.y'}}\n"));
    FluxAutomation flux = FluxAutomation.load(root);
    assertThat(flux.policies()).isEmpty();
    assertThat(flux.findings()).hasSize(3);
    assertThat(flux.findings())
        .extracting(Object::toString)
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("a.yaml:2")
                    .contains("ImageRepository flux-system/gone, which is not in the repository"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("unsupported apiVersion \"image.toolkit.fluxcd.io/v1alpha1\""))
        .anySatisfy(f -> assertThat(f).contains("b.yaml").contains("invalid constraint"));
  }

  @Test
  void readsTheAutomationAndItsUpdatePath(@TempDir Path root) throws IOException {
    write(
        root,
        "clusters/flux-system/automation.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\n"
            + "metadata: {name: fleet}\n"
            + "spec:\n"
            + "  sourceRef: {kind: GitRepository, name: flux-system}\n"
            + "  git:\n"
            + "    checkout: {ref: {branch: main}}\n"
            + "    push: {branch: develop}\n"
            + "    commit:\n"
            + "      author: {name: bot, email: bot@example.com}\n"
            + "      messageTemplate: 'update {{ .Values.env }}'\n"
            + "      messageTemplateValues: {env: dev}\n"
            + "  update: {path: ./clusters/dev, strategy: Setters}\n");
    write(
        root, "clusters/flux-system/kustomization.yaml", "namespace: flux-system\nresources: []\n");
    write(root, "clusters/dev/a.yaml", "a: 1\n");
    write(root, "clusters/prod/a.yaml", "a: 1\n");

    FluxAutomation.Automation a = FluxAutomation.load(root).automations().get(0);

    assertThat(a.name()).isEqualTo("flux-system:fleet");
    assertThat(a.checkoutBranch()).isEqualTo("main");
    assertThat(a.pushBranch()).isEqualTo("develop");
    assertThat(a.authorEmail()).isEqualTo("bot@example.com");
    assertThat(a.updatePath()).isEqualTo("./clusters/dev");
    assertThat(a.files(dev.upkeep.patch.ManifestFiles.yamlFiles()).list(root))
        .containsExactly(Path.of("clusters/dev/a.yaml"));
  }

  @Test
  void turnsAnOciRepositorySemverRefIntoAPolicy(@TempDir Path root) throws IOException {
    write(
        root,
        "source.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\n"
            + "metadata: {name: podinfo, namespace: apps}\n"
            + "spec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n"
            + "  ref: {semver: '>=6.0.0 <7.0.0'}\n");
    FluxAutomation.Policy p = FluxAutomation.load(root).policy("apps:podinfo").orElseThrow();
    assertThat(p.artifact()).hasToString("oci://ghcr.io/stefanprodan/manifests/podinfo");
    assertThat(p.policy().select(List.of("6.5.0", "7.0.0", "5.9.9"))).hasValue("6.5.0");
  }

  @Test
  void planShowsTheVersionSourceControllerWillResolveForAChartRefAndChangesNoFile(
      @TempDir Path root) throws IOException {
    String source =
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n"
            + "metadata: {name: podinfo, namespace: apps}\n"
            + "spec:\n  url: oci://ghcr.io/stefanprodan/charts/podinfo\n"
            + "  ref:\n    semver: '6.5.x'\n"
            + "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
            + "metadata: {name: podinfo, namespace: apps}\n"
            + "spec:\n  chartRef: {kind: OCIRepository, name: podinfo}\n";
    write(root, "apps/podinfo.yaml", source);
    FluxAutomation flux = FluxAutomation.load(root);

    dev.upkeep.UpdateReport plan =
        flux.configure(dev.upkeep.UpdatePipeline.builder())
            .source(
                new dev.upkeep.source.RegistrySource() {
                  @Override
                  public List<String> listTags(ArtifactRef ref) {
                    return List.of("6.4.0", "6.5.3", "6.5.4", "6.6.0");
                  }

                  @Override
                  public java.util.Optional<String> digest(ArtifactRef ref, String tag) {
                    return java.util.Optional.empty();
                  }
                })
            .patcher(dev.upkeep.patch.yaml.SetterPatcher.create())
            .publisher(dev.upkeep.publish.GitPublisher.inPlace(root))
            .build()
            .plan();

    dev.upkeep.PolicyReport p = plan.policy("apps:podinfo").orElseThrow();
    assertThat(p.selection().orElseThrow().tag()).isEqualTo("6.5.4");
    assertThat(p.rule())
        .isEqualTo(
            "semver 6.5.x, resolved by source-controller from OCIRepository apps/podinfo"
                + " spec.ref.semver for HelmRelease apps/podinfo (spec.chartRef)");
    assertThat(plan.toText())
        .contains("selected 6.5.4 by semver 6.5.x, resolved by source-controller");
    assertThat(plan.files()).isEmpty();
    assertThat(root.resolve("apps/podinfo.yaml")).hasContent(source);
  }

  @Test
  void logsInWithTheDockerConfigTheHostGivesForASecretRef(@TempDir Path root) throws IOException {
    try (dev.upkeep.testing.FakeOciRegistry registry =
        dev.upkeep.testing.FakeOciRegistry.start().requireBasicAuth("ci", "s3cret")) {
      registry.pushImage("org/app", "1.2.3");
      write(
          root,
          "images.yaml",
          REPOSITORY.replace("ghcr.io/org/app", registry.host() + "/org/app")
              + policy("app", "  policy: {semver: {range: 1.x}}\n"));
      Path secret = root.resolve("regcred.json");
      String auth =
          java.util.Base64.getEncoder()
              .encodeToString("ci:s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      Files.writeString(
          secret,
          "{\"auths\": {\"http://" + registry.host() + "/v1/\": {\"auth\": \"" + auth + "\"}}}");
      FluxAutomation flux = FluxAutomation.load(root);
      dev.upkeep.ArtifactRef ref = flux.policies().get(0).artifact();

      dev.upkeep.source.oci.OciRegistrySource.Builder anonymous =
          dev.upkeep.source.oci.OciRegistrySource.builder().ignoreDockerConfig();
      assertThat(flux.applySecrets(anonymous, java.util.Map.of())).containsExactly("regcred");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> anonymous.build().listTags(ref))
          .isInstanceOf(dev.upkeep.source.RegistryException.class);

      dev.upkeep.source.oci.OciRegistrySource.Builder withSecret =
          dev.upkeep.source.oci.OciRegistrySource.builder().ignoreDockerConfig();
      assertThat(flux.applySecrets(withSecret, java.util.Map.of("regcred", secret))).isEmpty();
      assertThat(withSecret.build().listTags(ref)).containsExactly("1.2.3");
    }
  }

  @Test
  void namesTheFileWhenASecretLacksTheRegistry(@TempDir Path root) throws IOException {
    write(root, "images.yaml", REPOSITORY + policy("app", "  policy: {semver: {range: 1.x}}\n"));
    Path secret = root.resolve("other.json");
    Files.writeString(
        secret, "{\"auths\": {\"quay.io\": {\"username\": \"u\", \"password\": \"p\"}}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                FluxAutomation.load(root)
                    .applySecrets(
                        dev.upkeep.source.oci.OciRegistrySource.builder(),
                        java.util.Map.of("regcred", secret)))
        .isInstanceOf(dev.upkeep.ConfigurationException.class)
        .hasMessage(
            "the Docker config " + secret + " of secret \"regcred\" has no credentials for ghcr.io")
        .hasMessageNotContaining("\"p\"");
  }

  @Test
  void refusesTwoSecretsWithDifferentLoginsForOneRegistry(@TempDir Path root) throws IOException {
    String web =
        "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\n"
            + "metadata: {name: web, namespace: flux-system}\n"
            + "spec: {image: ghcr.io/org/web, secretRef: {name: webcred}}\n"
            + "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\n"
            + "metadata: {name: web, namespace: flux-system}\n"
            + "spec: {imageRepositoryRef: {name: web}, policy: {semver: {range: 1.x}}}\n";
    write(
        root,
        "images.yaml",
        REPOSITORY + policy("app", "  policy: {semver: {range: 1.x}}\n") + web);
    Path a = root.resolve("a.json");
    Path b = root.resolve("b.json");
    Files.writeString(a, "{\"auths\": {\"ghcr.io\": {\"username\": \"a\", \"password\": \"pa\"}}}");
    Files.writeString(b, "{\"auths\": {\"ghcr.io\": {\"username\": \"b\", \"password\": \"pb\"}}}");
    FluxAutomation flux = FluxAutomation.load(root);
    assertThat(flux.secrets()).containsOnlyKeys("regcred", "webcred");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                flux.applySecrets(
                    dev.upkeep.source.oci.OciRegistrySource.builder(),
                    java.util.Map.of("regcred", a, "webcred", b)))
        .isInstanceOf(dev.upkeep.ConfigurationException.class)
        .hasMessage(
            "secrets \"regcred\" and \"webcred\" give different logins for ghcr.io; Upkeep uses"
                + " one login per registry, so give both repositories one secret");
    assertThat(
            flux.applySecrets(
                dev.upkeep.source.oci.OciRegistrySource.builder(),
                java.util.Map.of("regcred", a, "webcred", a)))
        .isEmpty();
  }

  @Test
  void takesTheNamespaceKustomizeGivesOverTheOneWritten(@TempDir Path root) throws IOException {
    write(root, "apps/kustomization.yaml", "namespace: team-a\nresources: [images.yaml]\n");
    write(
        root,
        "apps/images.yaml",
        REPOSITORY.replace("namespace: flux-system", "namespace: elsewhere")
            + policy("app", "  policy: {semver: {range: 1.x}}\n")
                .replace("namespace: flux-system", "namespace: elsewhere"));
    assertThat(FluxAutomation.load(root).policies())
        .extracting(FluxAutomation.Policy::name)
        .containsExactly("team-a:app");
  }

  @Test
  void aPolicyCopiedForEachClusterIsOnePolicy(@TempDir Path root) throws IOException {
    String app = REPOSITORY + policy("app", "  policy: {semver: {range: 1.x}}\n");
    write(root, "clusters/dev/images.yaml", app);
    write(root, "clusters/prod/images.yaml", app);

    FluxAutomation flux = FluxAutomation.load(root);

    assertThat(flux.findings()).isEmpty();
    assertThat(flux.policies())
        .singleElement()
        .satisfies(p -> assertThat(p.definedIn()).isEqualTo("clusters/dev/images.yaml:9"));
  }

  @Test
  void aPolicyDefinedTwiceDifferentlyIsLeftOutAndReported(@TempDir Path root) throws IOException {
    write(root, "a/images.yaml", REPOSITORY + policy("app", "  policy: {semver: {range: 1.x}}\n"));
    write(root, "b/images.yaml", REPOSITORY + policy("app", "  policy: {semver: {range: 2.x}}\n"));

    FluxAutomation flux = FluxAutomation.load(root);

    assertThat(flux.policies()).isEmpty();
    assertThat(flux.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.file()).isEqualTo("a/images.yaml");
              assertThat(f.message())
                  .isEqualTo(
                      "policy flux-system:app is defined 2 times, differently (a/images.yaml:9,"
                          + " b/images.yaml:9); markers that name it are left alone");
            });
    // and a pipeline takes the rest, where it failed on the second definition
    assertThat(flux.configure(dev.upkeep.UpdatePipeline.builder())).isNotNull();
  }

  @Test
  void aPolicyWhoseImageRepositoryIsDefinedTwiceDifferentlyIsSkipped(@TempDir Path root)
      throws IOException {
    write(root, "a/repo.yaml", REPOSITORY);
    write(root, "b/repo.yaml", REPOSITORY.replace("ghcr.io/org/app", "ghcr.io/org/other"));
    write(root, "c/policy.yaml", policy("app", "  policy: {semver: {range: 1.x}}\n"));

    FluxAutomation flux = FluxAutomation.load(root);

    assertThat(flux.policies()).isEmpty();
    assertThat(flux.findings())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .contains("ImageRepository flux-system/app, which is defined 2 times")
                    .contains("a/repo.yaml:1, b/repo.yaml:1"));
  }

  @Test
  void anImageRepositoryWithAUrlSchemeIsRefusedAsFluxRefusesIt(@TempDir Path root)
      throws IOException {
    write(
        root,
        "flux/images.yaml",
        REPOSITORY.replace("ghcr.io/org/app", "oci://ghcr.io/org/app")
            + policy("app", "  policy: {semver: {range: 1.x}}\n"));

    FluxAutomation flux = FluxAutomation.load(root);

    assertThat(flux.policies()).isEmpty();
    assertThat(flux.findings())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .isEqualTo(
                        "ImageRepository flux-system:app: image \"oci://ghcr.io/org/app\" should"
                            + " not include a URL scheme (Flux refuses it); remove \"oci://\""));
  }

  @Test
  void anEmptyExclusionListStillExcludesSignatureTagsAsFluxsDefault(@TempDir Path root)
      throws IOException {
    // image-reflector-controller's GetExclusionList: an empty list means the default ^.*\.sig$
    for (String list : List.of("  exclusionList: []\n", "  exclusionList:\n")) {
      write(
          root,
          "a.yaml",
          REPOSITORY.replace("  insecure: true\n", list)
              + policy("alpha", "  policy: {alphabetical: {order: asc}}\n"));
      assertThat(FluxAutomation.load(root).policies().get(0).policy().select(List.of("a", "z.sig")))
          .as(list)
          .hasValue("a");
    }
  }

  @Test
  void aPolicyReferringToAnImageRepositoryInAnotherNamespaceWithoutAccessFromIsSkipped(
      @TempDir Path root) throws IOException {
    // Flux's ACL denies a cross-namespace reference when the ImageRepository has no accessFrom
    write(
        root,
        "a.yaml",
        REPOSITORY
            + policy("app", "  policy: {semver: {range: 1.x}}\n")
                .replace("namespace: flux-system", "namespace: apps")
                .replace("{name: app}", "{name: app, namespace: flux-system}"));

    FluxAutomation flux = FluxAutomation.load(root);

    assertThat(flux.policies()).isEmpty();
    assertThat(flux.findings())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .contains("ImagePolicy apps:app refers to ImageRepository flux-system/app")
                    .contains("accessFrom"));

    write(
        root,
        "a.yaml",
        REPOSITORY
            + "  accessFrom: {namespaceSelectors: [{matchLabels: {team: a}}]}\n"
            + policy("app", "  policy: {semver: {range: 1.x}}\n")
                .replace("namespace: flux-system", "namespace: apps")
                .replace("{name: app}", "{name: app, namespace: flux-system}"));
    assertThat(FluxAutomation.load(root).policies())
        .extracting(FluxAutomation.Policy::name)
        .containsExactly("apps:app");
  }

  @Test
  void anUpdatePathThatIsAbsoluteOrClimbsOutIsJoinedToTheRootAsFluxsSecureJoinDoes(
      @TempDir Path root) throws IOException {
    write(root, "clusters/dev/a.yaml", "a: 1\n");
    write(root, "clusters/prod/a.yaml", "a: 1\n");
    for (String path :
        List.of("/clusters/dev", "../clusters/dev", "clusters/../../clusters/dev/")) {
      write(
          root,
          "auto.yaml",
          "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\n"
              + "metadata: {name: fleet, namespace: flux-system}\n"
              + "spec:\n  sourceRef: {kind: GitRepository, name: flux-system}\n"
              + "  update: {path: '"
              + path
              + "', strategy: Setters}\n");

      FluxAutomation.Automation a = FluxAutomation.load(root).automations().get(0);

      assertThat(a.files(dev.upkeep.patch.ManifestFiles.yamlFiles()).list(root))
          .as(path)
          .containsExactly(Path.of("clusters/dev/a.yaml"));
      assertThat(dev.upkeep.patch.files.ManifestWalk.builder().path(a.updatePath()).build())
          .as(path)
          .isNotNull();
    }
  }

  @Test
  void anAutomationAppliesOnlyTheImagePoliciesOfItsNamespaceThatItsPolicySelectorMatches(
      @TempDir Path root) throws IOException {
    String repositories =
        REPOSITORY + "---\n" + REPOSITORY.replace("namespace: flux-system", "namespace: team-b");
    String policies =
        labelled("flux-system", "web", "{team: a, tier: front}")
            + labelled("flux-system", "api", "{team: a}")
            + labelled("flux-system", "batch", "{team: b}")
            + labelled("flux-system", "nolabels", null)
            + labelled("team-b", "web", "{team: a, tier: front}");
    write(root, "images.yaml", repositories + policies);
    write(
        root,
        "automation.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\n"
            + "metadata: {name: team-a, namespace: flux-system}\n"
            + "spec:\n"
            + "  git: {checkout: {ref: {branch: main}}, push: {branch: develop}}\n"
            + "  policySelector:\n"
            + "    matchLabels: {team: a}\n"
            + "    matchExpressions:\n"
            + "      - {key: tier, operator: NotIn, values: [back]}\n"
            + "  update: {path: ., strategy: Setters}\n");

    FluxAutomation flux = FluxAutomation.load(root);
    FluxAutomation.Automation automation = flux.automations().get(0);

    assertThat(policyNames(flux.configure(dev.upkeep.UpdatePipeline.builder())))
        .hasSize(5); // without an automation: every policy
    assertThat(
            policyNames(
                flux.configure(dev.upkeep.UpdatePipeline.builder(), Optional.of(automation))))
        .containsExactlyInAnyOrder("flux-system:web", "flux-system:api");
    assertThat(flux.leftOut(automation).orElseThrow().message())
        .contains("that match its policySelector")
        .contains("flux-system:batch", "flux-system:nolabels", "team-b:web");
  }

  @Test
  void aLabelSelectorMeansWhatItMeansInKubernetes() {
    Map<String, String> labels = Map.of("team", "a", "tier", "front");
    assertThat(LabelSelector.matches(null, labels)).isTrue();
    assertThat(LabelSelector.matches(Map.of(), Map.of())).isTrue();
    assertThat(LabelSelector.matches(Map.of("matchLabels", Map.of("team", "a")), labels)).isTrue();
    assertThat(LabelSelector.matches(Map.of("matchLabels", Map.of("team", "b")), labels)).isFalse();
    assertThat(expression("tier", "In", List.of("front", "back"), labels)).isTrue();
    assertThat(expression("tier", "In", List.of("back"), labels)).isFalse();
    assertThat(expression("zone", "NotIn", List.of("eu"), labels)).isTrue();
    assertThat(expression("tier", "NotIn", List.of("front"), labels)).isFalse();
    assertThat(expression("team", "Exists", List.of(), labels)).isTrue();
    assertThat(expression("zone", "Exists", List.of(), labels)).isFalse();
    assertThat(expression("zone", "DoesNotExist", List.of(), labels)).isTrue();
    assertThat(expression("team", "Equals", List.of("a"), labels)).isFalse();
  }

  private static boolean expression(
      String key, String operator, List<String> values, Map<String, String> labels) {
    return LabelSelector.matches(
        Map.of(
            "matchExpressions",
            List.of(Map.of("key", key, "operator", operator, "values", values))),
        labels);
  }

  private static String labelled(String namespace, String name, String labels) {
    return "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\n"
        + "metadata:\n  name: "
        + name
        + "\n  namespace: "
        + namespace
        + "\n"
        + (labels == null ? "" : "  labels: " + labels + "\n")
        + "spec:\n  imageRepositoryRef: {name: app}\n  policy: {semver: {range: 1.x}}\n";
  }

  private static java.util.Set<String> policyNames(dev.upkeep.UpdatePipeline.Builder b) {
    return b.source(
            new dev.upkeep.source.RegistrySource() {
              @Override
              public List<String> listTags(ArtifactRef ref) {
                return List.of();
              }

              @Override
              public Optional<String> digest(ArtifactRef ref, String tag) {
                return Optional.empty();
              }
            })
        .patcher(dev.upkeep.patch.yaml.SetterPatcher.create())
        .publisher(dev.upkeep.publish.GitPublisher.inPlace(Path.of(".")))
        .build()
        .policies()
        .keySet();
  }
}
