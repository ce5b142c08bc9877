package dev.upkeep.flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.upkeep.ArtifactRef;
import dev.upkeep.FileReport;
import dev.upkeep.PolicyOptions;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flux's own setter conformance set, run through Upkeep's walk, patcher and pipeline: the cases of
 * fluxcd/image-automation-controller {@code internal/update/testdata/setters} ({@code original} and
 * {@code expected}, with the policies of {@code TestUpdateWithSetters} in {@code update_test.go}),
 * written out here in shortened form. The files must come out as Flux writes them, and the changes
 * must be the ones Flux's {@code Result} lists, setter for setter.
 */
class FluxSetterConformanceTest {

  static final String DIGEST =
      "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be";

  /** original → expected; an unchanged file maps to itself. */
  static Map<String, String[]> cases() {
    Map<String, String[]> files = new LinkedHashMap<>();
    String images =
        "# This is not intended to be a working kustomization\n"
            + "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\n"
            + "resources:\n"
            + "  - irrelevant.yaml\n"
            + "images:\n"
            + "  - name: container\n"
            + "    newName: %s # {\"$imagepolicy\": \"automation-ns:policy:name\"}\n"
            + "    newTag: %s # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n";
    files.put(
        "Kustomization",
        new String[] {
          String.format(images, "replaced", "v1"),
          String.format(images, "index.repo.fake/updated", "v1.0.1")
        });
    String withDigest =
        images
            + "    newDigest: %s # {\"$imagepolicy\": \"automation-ns:policy-with-digest:digest\"}\n"
            + "patches:\n"
            + "  - patch: |\n"
            + "      - op: replace\n"
            + "        path: /spec/template/spec/containers/0/image\n"
            + "        value: image # {\"$imagepolicy\": \"automation-ns:policy\"}\n"
            + "    target:\n"
            + "      kind: Deployment\n"
            + "      image: %s # {\"$imagepolicy\": \"automation-ns:policy-with-digest\"}\n";
    files.put(
        "kustomization.yml",
        new String[] {
          String.format(withDigest, "replaced", "v1", "sha256:1234567890abcdef", "image"),
          String.format(
              withDigest, "index.repo.fake/updated", "v1.0.1", DIGEST, "image:v1.0.0@" + DIGEST)
        });
    String cronJob =
        "apiVersion: batch/v1beta1\n"
            + "kind: CronJob\n"
            + "metadata:\n"
            + "  name: foo\n"
            + "  namespace: bar\n"
            + "spec:\n"
            + "  schedule: \"*/1 * * * *\"\n"
            + "  jobTemplate:\n"
            + "    spec:\n"
            + "      template:\n"
            + "        spec:\n"
            + "          containers:\n"
            + "          - name: c\n"
            + "            image: %s # {\"$imagepolicy\": \"automation-ns:policy\"}\n"
            + "          - name: d\n"
            + "            image: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:unchanged\"}\n";
    files.put(
        "marked.yaml",
        new String[] {
          String.format(cronJob, "image:v1.0.0"),
          String.format(cronJob, "index.repo.fake/updated:v1.0.1")
        });
    String otherNamespace =
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
            + "      - name: c\n"
            + "        image: user:v1.0.0 # {\"$imagepolicy\": \"other-namespace:policy\"}\n";
    files.put("otherns.yaml", new String[] {otherNamespace, otherNamespace});
    String unmarked =
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
            + "      - name: c\n"
            + "        image: image:v1.0.0 # uses the same image. but should be left alone\n";
    files.put("unmarked.yaml", new String[] {unmarked, unmarked});
    files.put("test.yaml", new String[] {"testing.yaml", "testing.yaml"});
    return files;
  }

  /** The latest refs of the three ImagePolicies in {@code update_test.go}. */
  static UpdatePipeline.Builder policies(UpdatePipeline.Builder b) {
    return b.policy(
            "automation-ns:policy",
            ArtifactRef.parse("index.repo.fake/updated"),
            tags -> Optional.of("v1.0.1"))
        .policy(
            "automation-ns:unchanged", ArtifactRef.parse("image"), tags -> Optional.of("v1.0.0"))
        .policy(
            "automation-ns:policy-with-digest",
            ArtifactRef.parse("image"),
            tags -> Optional.of("v1.0.0"),
            PolicyOptions.defaults().withDigest());
  }

  @Test
  void writesEveryFileAsFluxDoesAndReportsTheChangesFluxReports(@TempDir Path repo)
      throws IOException {
    Map<String, String[]> cases = cases();
    for (Map.Entry<String, String[]> e : cases.entrySet()) {
      Files.writeString(repo.resolve(e.getKey()), e.getValue()[0]);
    }
    RegistrySource registry =
        new RegistrySource() {
          @Override
          public List<String> listTags(ArtifactRef ref) {
            return List.of("v1.0.0", "v1.0.1");
          }

          @Override
          public Optional<String> digest(ArtifactRef ref, String tag) {
            return Optional.of(DIGEST);
          }
        };

    UpdateReport report =
        policies(UpdatePipeline.builder())
            .source(registry)
            .patcher(SetterPatcher.create())
            .files(ManifestWalk.create())
            .publisher(GitPublisher.inPlace(repo))
            .build()
            .run();

    for (Map.Entry<String, String[]> e : cases.entrySet()) {
      assertThat(repo.resolve(e.getKey())).as(e.getKey()).hasContent(e.getValue()[1]);
    }
    // Flux's Result: file, old value, new value, setter (policy plus the marker's suffix)
    List<Tuple> changes = new ArrayList<>();
    for (FileReport f : report.files()) {
      for (Change c : f.changes()) {
        changes.add(tuple(f.file(), c.oldValue(), c.newValue(), setter(c)));
      }
    }
    assertThat(changes)
        .containsExactly(
            tuple(
                "Kustomization",
                "replaced",
                "index.repo.fake/updated",
                "automation-ns:policy:name"),
            tuple("Kustomization", "v1", "v1.0.1", "automation-ns:policy:tag"),
            tuple(
                "kustomization.yml",
                "replaced",
                "index.repo.fake/updated",
                "automation-ns:policy:name"),
            tuple("kustomization.yml", "v1", "v1.0.1", "automation-ns:policy:tag"),
            tuple(
                "kustomization.yml",
                "sha256:1234567890abcdef",
                DIGEST,
                "automation-ns:policy-with-digest:digest"),
            tuple(
                "kustomization.yml",
                "image",
                "image:v1.0.0@" + DIGEST,
                "automation-ns:policy-with-digest"),
            tuple(
                "marked.yaml",
                "image:v1.0.0",
                "index.repo.fake/updated:v1.0.1",
                "automation-ns:policy"));
    assertThat(report.problemFiles()).isEmpty();
  }

  private static String setter(Change c) {
    switch (c.field()) {
      case IMAGE:
        return c.policy();
      case RANGE:
        return c.policy() + ":tag";
      default:
        return c.policy() + ":" + c.field().name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
