package dev.upkeep.e2e;

import static dev.upkeep.testing.UpkeepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.upkeep.Finding;
import dev.upkeep.ProblemFile;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.InlineMarkers;
import dev.upkeep.patch.yaml.InlinePolicy;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.git.JGitPublisher;
import dev.upkeep.source.helm.HelmRepositorySource;
import dev.upkeep.source.oci.OciRegistrySource;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import dev.upkeep.testing.oci.DistributionRegistry;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.OciArtifact;
import dev.upkeep.testing.oci.RegistryUpload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository shapes Flux users have, updated end to end from Debian's real {@code
 * docker-registry} to a bare Git remote: a kustomize {@code Kustomization} file, a digest-pinned
 * image whose ImagePolicy reflects digests, Flux 2.8's HelmRelease {@code chartRef} to an
 * OCIRepository, the older HelmRepository of {@code type: oci}, and a marked Helm template that
 * does not parse beside them.
 */
@ExtendWith(UpkeepExtension.class)
class FluxShapesIT {

  private static DistributionRegistry registry;
  private static String host;
  private static String oldDigest;
  private static String newDigest;

  @BeforeAll
  static void start() {
    registry = DistributionRegistry.start();
    host = registry.host();
    RegistryUpload upload = RegistryUpload.to(host);
    for (String tag : new String[] {"1.0.0", "1.1.0", "2.0.0"}) {
      upload.push("org/web", tag, OciArtifact.image("web", tag));
    }
    oldDigest = upload.push("org/podinfo", "6.5.0", OciArtifact.image("podinfo", "6.5.0"));
    newDigest = upload.push("org/podinfo", "6.5.4", OciArtifact.image("podinfo", "6.5.4"));
    for (String version : new String[] {"1.2.3", "1.3.0"}) {
      HelmChart chart = HelmChart.of("podinfo", version);
      upload.push("charts/podinfo", chart.tag(), chart.toArtifact());
    }
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static String imagePolicy(String name, String image, String spec) {
    return "---\napiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\n"
        + "metadata: {name: "
        + name
        + ", namespace: flux-system}\n"
        + "spec: {image: "
        + image
        + ", insecure: true}\n"
        + "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\n"
        + "metadata: {name: "
        + name
        + ", namespace: flux-system}\n"
        + "spec:\n  imageRepositoryRef: {name: "
        + name
        + "}\n"
        + spec;
  }

  static String kustomization(String tag) {
    return "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        + "kind: Kustomization\n"
        + "resources:\n  - deployment.yaml\n"
        + "images:\n"
        + "  - name: web\n"
        + "    newName: "
        + host
        + "/org/web # {\"$imagepolicy\": \"flux-system:web:name\"}\n"
        + "    newTag: "
        + tag
        + " # {\"$imagepolicy\": \"flux-system:web:tag\"}\n";
  }

  static String deployment(String podinfo, String pinned) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: podinfo, namespace: apps}\n"
        + "spec:\n  template:\n    spec:\n      containers:\n"
        + "        - name: podinfo\n"
        + "          image: "
        + podinfo
        + " # {\"$imagepolicy\": \"flux-system:podinfo\"}\n"
        + "        - name: sidecar\n"
        + "          image: "
        + pinned
        + " # {\"$imagepolicy\": \"flux-system:podinfo-tags\"}\n";
  }

  static String chartSource(String tag) {
    return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n"
        + "metadata: {name: podinfo, namespace: apps}\n"
        + "spec:\n  url: oci://"
        + host
        + "/charts/podinfo\n  insecure: true\n  ref:\n"
        + "    tag: "
        + tag
        + " # {\"$imagepolicy\": \"flux-system:chart:tag\"}\n"
        + "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n"
        + "metadata: {name: podinfo-latest, namespace: apps}\n"
        + "spec:\n  url: oci://"
        + host
        + "/charts/podinfo\n  insecure: true\n  ref:\n    semver: 1.x\n"
        + "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        + "metadata: {name: podinfo, namespace: apps}\n"
        + "spec:\n  chartRef: {kind: OCIRepository, name: podinfo}\n"
        + "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        + "metadata: {name: podinfo-canary, namespace: apps}\n"
        + "spec:\n  chartRef: {kind: OCIRepository, name: podinfo-latest}\n";
  }

  static String legacyRelease(String version) {
    return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
        + "metadata: {name: charts, namespace: legacy}\n"
        + "spec: {type: oci, url: 'oci://"
        + host
        + "/charts'}\n"
        + "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        + "metadata: {name: podinfo, namespace: legacy}\n"
        + "spec:\n  chart:\n    spec:\n      chart: podinfo\n"
        + "      sourceRef: {kind: HelmRepository, name: charts}\n"
        + "      version: "
        + version
        + " # {\"$imagepolicy\": \"flux-system:chart:tag\"}\n";
  }

  static final String HELM_TEMPLATE =
      "{{- if .Values.enabled }}\n"
          + "apiVersion: apps/v1\n"
          + "kind: Deployment\n"
          + "spec:\n  template:\n    spec:\n      containers:\n"
          + "        - image: \"{{ .Values.image }}\" # {\"$imagepolicy\": \"flux-system:podinfo\"}\n"
          + "{{- end }}\n";

  static Map<String, String> repository() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "flux-system/images.yaml",
        imagePolicy("web", host + "/org/web", "  policy: {semver: {range: 1.x}}\n")
            + imagePolicy(
                "podinfo",
                host + "/org/podinfo",
                "  policy: {semver: {range: 6.5.x}}\n  digestReflectionPolicy: IfNotPresent\n")
            + imagePolicy(
                "podinfo-tags", host + "/org/podinfo", "  policy: {semver: {range: 6.5.x}}\n")
            + imagePolicy("chart", host + "/charts/podinfo", "  policy: {semver: {range: 1.x}}\n"));
    files.put("apps/Kustomization", kustomization("1.0.0"));
    files.put(
        "apps/deployment.yaml",
        deployment(
            host + "/org/podinfo:6.5.0@" + oldDigest, host + "/org/podinfo:6.5.0@" + oldDigest));
    files.put("apps/podinfo-source.yaml", chartSource("1.2.3"));
    files.put("legacy/podinfo.yaml", legacyRelease("1.2.3"));
    files.put("charts/app/templates/deployment.yaml", HELM_TEMPLATE);
    return files;
  }

  static UpdatePipeline pipeline(Map<String, String> files, GitRemoteFixture fleet, Path work)
      throws IOException {
    Path checkout = work.resolve("checkout");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = checkout.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
    }
    FluxAutomation flux = FluxAutomation.load(checkout);
    assertThat(flux.findings()).isEmpty();
    UpdatePipeline.Builder builder = flux.configure(UpdatePipeline.builder());
    // as the command line does: the policies written inline in markers, once each
    Map<String, InlinePolicy> inline = new LinkedHashMap<>();
    InlineMarkers.scan(checkout, ManifestWalk.create())
        .forEach(p -> inline.putIfAbsent(p.name(), p));
    inline
        .values()
        .forEach(p -> builder.policy(p.name(), p.artifact(), SemverPolicy.of(p.constraint())));
    return builder
        .source(HelmRepositorySource.builder().build())
        .source(OciRegistrySource.builder().ignoreDockerConfig().insecureRegistry(host).build())
        .patcher(SetterPatcher.create())
        .files(ManifestWalk.create())
        .publisher(
            JGitPublisher.builder(fleet.url())
                .workDirectory(work.resolve("clone"))
                .baseBranch("main")
                .pushBranch("develop")
                .author("Upkeep", "upkeep@example.com")
                .build())
        .build();
  }

  @Test
  void everyShapeMovesAndTheHelmTemplateIsReportedWhileTheRestIsPushed(
      GitRemoteFixture fleet, @TempDir Path work) throws IOException {
    Map<String, String> files = repository();
    fleet.seed(files);

    UpdateReport report = pipeline(files, fleet, work).run();

    assertThat(report)
        .selected("flux-system:web", "1.1.0")
        .selected("flux-system:podinfo", "6.5.4")
        .selected("flux-system:chart", "1.3.0")
        .hasNoErrors()
        .hasProblemFile("charts/app/templates/deployment.yaml", "does not parse as YAML")
        .committedTo("develop");
    assertThat(
            report.policy("flux-system:podinfo").orElseThrow().selection().orElseThrow().digest())
        .hasValue(newDigest);
    // a kustomize Kustomization file: newTag moves
    assertThat(fleet.readFile("develop", "apps/Kustomization")).hasValue(kustomization("1.1.0"));
    // tag@digest moves to the new tag with that tag's registry digest; the pin of a policy that
    // reflects no digest stays, and the report says why, at its line
    assertThat(fleet.readFile("develop", "apps/deployment.yaml"))
        .hasValue(
            deployment(
                host + "/org/podinfo:6.5.4@" + newDigest,
                host + "/org/podinfo:6.5.0@" + oldDigest));
    assertThat(newDigest).isNotEqualTo(oldDigest);
    assertThat(report.findings())
        .filteredOn(f -> f.file().equals("apps/deployment.yaml"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
              assertThat(f.line()).isEqualTo(11);
              assertThat(f.message()).contains("spec.digestReflectionPolicy");
            });
    // Flux 2.8: OCIRepository ref.tag moves; ref.semver is reported as source-controller's pick
    assertThat(fleet.readFile("develop", "apps/podinfo-source.yaml"))
        .hasValue(chartSource("1.3.0"));
    assertThat(report.policy("apps:podinfo-latest").orElseThrow().rule())
        .contains("resolved by source-controller from OCIRepository apps/podinfo-latest")
        .contains("HelmRelease apps/podinfo-canary (spec.chartRef)");
    assertThat(report.policy("apps:podinfo-latest").orElseThrow().selection().orElseThrow().tag())
        .isEqualTo("1.3.0");
    // the older HelmRepository of type oci with spec.chart.spec keeps working
    assertThat(fleet.readFile("develop", "legacy/podinfo.yaml")).hasValue(legacyRelease("1.3.0"));
    // the Helm template is a problem file, untouched, and named in every rendering
    assertThat(report.problemFiles())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo("charts/app/templates/deployment.yaml");
              assertThat(p.line()).isEqualTo(1);
              assertThat(p.reason()).contains("does not parse as YAML");
            });
    assertThat(fleet.readFile("develop", "charts/app/templates/deployment.yaml"))
        .hasValue(HELM_TEMPLATE);
    ProblemFile problem = report.problemFiles().get(0);
    assertThat(report.toMarkdown()).contains("**Problem files**").contains(problem.toString());
    assertThat(report.toText()).contains("problem file: " + problem);
    assertThat(report.toJson()).contains("\"problemFiles\": [");
    assertThat(report.hasErrors()).isFalse();
    assertThat(fleet.log("develop").get(0).files())
        .containsExactlyInAnyOrder(
            "apps/Kustomization",
            "apps/deployment.yaml",
            "apps/podinfo-source.yaml",
            "legacy/podinfo.yaml");
  }

  @Test
  void aHelmReleaseOnAClassicHelmRepositoryMovesThroughItsInlineMarker(
      GitRemoteFixture fleet, @TempDir Path work) throws IOException {
    HttpServer index = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body =
        ("apiVersion: v1\nentries:\n  podinfo:\n"
                + "  - {name: podinfo, version: 6.6.0}\n"
                + "  - {name: podinfo, version: 6.5.4}\n"
                + "  - {name: podinfo, version: 6.5.3}\n")
            .getBytes(StandardCharsets.UTF_8);
    index.createContext(
        "/charts/index.yaml",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    index.start();
    try {
      String repository = "http://127.0.0.1:" + index.getAddress().getPort() + "/charts";
      Map<String, String> files = new LinkedHashMap<>();
      files.put("legacy/podinfo.yaml", classicRelease(repository, "6.5.3"));
      fleet.seed(files);

      UpdateReport report = pipeline(files, fleet, work).run();

      assertThat(report).hasNoErrors().committedTo("develop");
      assertThat(fleet.readFile("develop", "legacy/podinfo.yaml"))
          .hasValue(classicRelease(repository, "6.5.4"));
    } finally {
      index.stop(0);
    }
  }

  static String classicRelease(String repository, String version) {
    return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
        + "metadata: {name: podinfo, namespace: legacy}\n"
        + "spec: {url: '"
        + repository
        + "'}\n"
        + "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        + "metadata: {name: podinfo, namespace: legacy}\n"
        + "spec:\n  chart:\n    spec:\n      chart: podinfo\n"
        + "      sourceRef: {kind: HelmRepository, name: podinfo}\n"
        + "      version: "
        + version
        + " # {\"$upkeep\": {\"chart\": \""
        + repository
        + "#podinfo\", \"semver\": \"6.5.x\"}}\n";
  }
}
