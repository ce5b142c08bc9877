package dev.upkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.UpkeepExtension;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upkeep run} against a remote clones only the manifests that hold a marker or a Flux
 * object, and still sees everything that decides what they mean.
 */
@ExtendWith(UpkeepExtension.class)
class SparseCloneIT {

  @Test
  void takesTheNamespaceOfFluxObjectsFromAKustomizationWithoutAMarker(
      FakeOciRegistry registry, GitRemoteFixture remote, @TempDir Path work) {
    registry.pushChart("charts/app", "1.0.0");
    registry.pushChart("charts/app", "1.2.0");
    Map<String, String> files = new LinkedHashMap<>();
    // no namespace on the objects: the kustomization beside them gives it
    files.put("flux/kustomization.yaml", "namespace: platform\nresources:\n  - policy.yaml\n");
    files.put(
        "flux/policy.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nmetadata:\n"
            + "  name: app\nspec:\n  image: "
            + registry.host()
            + "/charts/app\n  insecure: true\n---\n"
            + "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n"
            + "  name: app\nspec:\n  imageRepositoryRef:\n    name: app\n"
            + "  policy:\n    semver:\n      range: 1.x\n");
    String release = "version: 1.0.0 # {\"$imagepolicy\": \"platform:app:tag\"}\n";
    files.put("apps/app.yaml", release);
    files.put("apps/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n");
    remote.seed(files);

    StringWriter out = new StringWriter();
    int code =
        InlineMarkersIT.upkeep(
            out,
            "run",
            "--repo",
            remote.url(),
            "--work-dir",
            work.toString(),
            "--push-branch",
            "develop");

    assertThat(code).as(out.toString()).isZero();
    assertThat(remote.readFile("develop", "apps/app.yaml"))
        .hasValue(release.replace("1.0.0", "1.2.0"));
    assertThat(remote.files("develop")).isEqualTo(remote.files("main"));
    assertThat(remote.readFile("develop", "apps/config.yaml"))
        .isEqualTo(remote.readFile("main", "apps/config.yaml"));
    assertThat(work.resolve("clone/apps/config.yaml")).as("left out of the clone").doesNotExist();
  }
}
