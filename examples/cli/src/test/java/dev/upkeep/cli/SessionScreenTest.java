package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.patch.files.ManifestWalk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionScreenTest {

  @TempDir Path root;

  private void write(String name, String text) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void repository() throws IOException {
    write(
        "flux/policies.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: app\n");
    write("apps/a.yaml", "image: app:1.0 # {\"$imagepolicy\": \"flux-system:app\"}\n");
    write("apps/b.yaml", "kind: ConfigMap\n");
    write("other/c.yaml", "image: app:1.0 # {\"$imagepolicy\": \"flux-system:app\"}\n");
  }

  @Test
  void aPlanReadsOnlyTheMarkedFilesTheLoadFoundUnderTheUpdatePath() throws IOException {
    repository();
    Session.Loaded loaded = Session.load(root);
    assertThat(Session.screened(loaded, ".").list(root))
        .containsExactly(Path.of("apps/a.yaml"), Path.of("other/c.yaml"));
    assertThat(Session.screened(loaded, "./apps/").list(root))
        .containsExactly(Path.of("apps/a.yaml"));
  }

  @Test
  void anotherTreeIsWalkedInFull(@TempDir Path other) throws IOException {
    repository();
    Session.Loaded loaded = Session.load(root);
    Files.writeString(other.resolve("x.yaml"), "a: b\n");
    assertThat(Session.screened(loaded, ".").list(other)).containsExactly(Path.of("x.yaml"));
  }

  @Test
  void aMarkedReleaseWithValuesFromGetsTheFullWalkForTheChartReview() throws IOException {
    repository();
    write(
        "apps/release.yaml",
        "kind: HelmRelease\nspec:\n  valuesFrom:\n    - kind: ConfigMap\n      name: values\n"
            + "  chart:\n    spec:\n      version: 1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n");
    Session.Loaded loaded = Session.load(root);
    assertThat(Session.screened(loaded, ".").list(root))
        .isEqualTo(ManifestWalk.create().list(root))
        .contains(Path.of("apps/b.yaml"));
  }

  @Test
  void aReleaseWithAChartRefAndValuesFromGetsTheFullWalkToo() throws IOException {
    repository();
    write(
        "apps/release.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n"
            + "  chartRef:\n    kind: OCIRepository\n    name: app\n"
            + "  valuesFrom:\n    - kind: ConfigMap\n      name: values\n");
    Session.Loaded loaded = Session.load(root);
    assertThat(Session.needsEveryFile(loaded)).isTrue();
    assertThat(Session.screened(loaded, ".").list(root)).contains(Path.of("apps/b.yaml"));
  }

  @Test
  void aFluxInstallationsCustomResourceDefinitionsDoNotCountAsReleasesWithValuesFrom()
      throws IOException {
    repository();
    // gotk-components.yaml: the HelmRelease CRD's schema describes chartRef and valuesFrom
    write(
        "clusters/prod/flux-system/gotk-components.yaml",
        "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
            + "  name: helmreleases.helm.toolkit.fluxcd.io\nspec:\n"
            + "  group: helm.toolkit.fluxcd.io\n  names:\n    kind: HelmRelease\n"
            + "  versions:\n  - name: v2\n    schema:\n      openAPIV3Schema:\n"
            + "        properties:\n          spec:\n            properties:\n"
            + "              chartRef:\n                type: object\n"
            + "              valuesFrom:\n                type: array\n"
            + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: helm-controller\n");
    Session.Loaded loaded = Session.load(root);

    assertThat(Session.needsEveryFile(loaded)).isFalse();
    assertThat(Session.screened(loaded, ".").list(root))
        .containsExactly(Path.of("apps/a.yaml"), Path.of("other/c.yaml"));
  }

  @Test
  void aRunRereadsOnlyWhatTheLoadKeptAndWhatChangedSince() throws IOException {
    repository();
    Session.Loaded loaded = Session.load(root);
    assertThat(Session.rescreened(loaded, ".").list(root))
        .containsExactly(
            Path.of("apps/a.yaml"), Path.of("flux/policies.yaml"), Path.of("other/c.yaml"));
    write("apps/b.yaml", "image: app:1.0 # {\"$imagepolicy\": \"flux-system:app\"}\n");
    assertThat(Session.rescreened(loaded, "apps").list(root))
        .containsExactly(Path.of("apps/a.yaml"), Path.of("apps/b.yaml"));
  }
}
