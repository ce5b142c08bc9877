package dev.upkeep.adopt;

import dev.upkeep.ArtifactRef;
import dev.upkeep.adopt.Adoption.Skipped;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.ImageReference;
import dev.upkeep.patch.yaml.ManifestValues;
import dev.upkeep.patch.yaml.ManifestValues.Value;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the version values of a repository that a registry could keep current: chart versions of
 * HelmReleases and HelmCharts through their HelmRepository, OCIRepository tags, workload images,
 * image tags in HelmRelease values, and kustomize and Flux Kustomization images. Reads files only;
 * contacts no registry.
 */
final class Candidates {

  /** A value to mark. */
  record Candidate(
      String file,
      Value value,
      ArtifactRef artifact,
      String version,
      boolean wholeImage,
      boolean digest,
      boolean insecure,
      String secretName) {}

  /** An ImagePolicy already in the repository, with the image its ImageRepository scans. */
  record ExistingPolicy(String namespace, String name, String image, String range) {}

  static final Pattern SEMVER =
      Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)(?:[-+][0-9A-Za-z.+_-]*)?");
  private static final Pattern RANGE =
      Pattern.compile(".*[\\s<>=~^|,*].*|(?:.*\\.)?[xX](?:\\..*)?");
  private static final Set<String> WORKLOADS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod");

  private static final String TEMPLATED = " is templated; its value is not known before rendering";

  final List<Candidate> found = new ArrayList<>();
  final List<Skipped> skipped = new ArrayList<>();
  final List<ExistingPolicy> existingPolicies = new ArrayList<>();

  /** {@code namespace:name} of every ImageRepository and ImagePolicy already defined. */
  final Set<String> existingNames = new java.util.HashSet<>();

  /** The text each value was found in, by file: markers are inserted into exactly this. */
  final Map<String, String> texts = new HashMap<>();

  private final List<Doc> docs = new ArrayList<>();

  /** One YAML document: its values by path. */
  private static final class Doc {
    final String file;
    final Map<List<String>, Value> values = new LinkedHashMap<>();

    Doc(String file) {
      this.file = file;
    }

    String string(String... path) {
      return string(List.of(path));
    }

    String string(List<String> path) {
      Value v = values.get(path);
      return v == null ? "" : v.value();
    }

    Value value(List<String> path) {
      return values.get(path);
    }

    String kind() {
      return string("kind");
    }

    String name() {
      return string("metadata", "name");
    }

    String namespace() {
      String ns = string("metadata", "namespace");
      return ns.isEmpty() ? "default" : ns;
    }

    String describe() {
      return kind() + " " + name();
    }
  }

  static Candidates scan(Path root, ManifestWalk walk) {
    Candidates c = new Candidates();
    for (Path file : walk.list(root)) {
      String name = ManifestWalk.slashed(file);
      Optional<String> text = walk.read(root, file);
      if (text.isEmpty()) {
        continue;
      }
      List<Value> values;
      try {
        values = ManifestValues.scan(file, text.get());
      } catch (PatchException e) {
        c.skipped.add(new Skipped(name, e.line(), "", "does not parse: " + e.getMessage()));
        continue;
      }
      c.texts.put(name, text.get());
      Map<Integer, Doc> byIndex = new LinkedHashMap<>();
      for (Value v : values) {
        byIndex.computeIfAbsent(v.document(), k -> new Doc(name)).values.put(v.path(), v);
      }
      boolean kustomization =
          file.getFileName().toString().matches("kustomization\\.ya?ml|Kustomization");
      for (Doc d : byIndex.values()) {
        c.docs.add(d);
        if (kustomization && d.kind().isEmpty()) {
          d.values.put(
              List.of("kind"),
              new Value(0, List.of("kind"), "Kustomization", 0, 0, "implicit kind"));
        }
      }
    }
    c.classify();
    return c;
  }

  private void classify() {
    Map<String, Doc> helmRepositories = new HashMap<>();
    Map<String, String> imageOfRepository = new HashMap<>();
    for (Doc d : docs) {
      String key = d.namespace() + ":" + d.name();
      switch (d.kind()) {
        case "HelmRepository":
          helmRepositories.put(key, d);
          break;
        case "ImageRepository":
          existingNames.add(key);
          imageOfRepository.put(key, d.string("spec", "image"));
          break;
        case "ImagePolicy":
          existingNames.add(key);
          break;
        default:
          break;
      }
    }
    for (Doc d : docs) {
      if (d.kind().equals("ImagePolicy")) {
        String repoNs = d.string("spec", "imageRepositoryRef", "namespace");
        String repo =
            (repoNs.isEmpty() ? d.namespace() : repoNs)
                + ":"
                + d.string("spec", "imageRepositoryRef", "name");
        String range = d.string("spec", "policy", "semver", "range");
        if (imageOfRepository.containsKey(repo) && !range.isEmpty()) {
          existingPolicies.add(
              new ExistingPolicy(d.namespace(), d.name(), imageOfRepository.get(repo), range));
        }
      }
    }
    for (Doc d : docs) {
      switch (d.kind()) {
        case "HelmRelease":
          if (d.values.containsKey(List.of("spec", "chart", "spec", "chart"))) {
            chart(d, List.of("spec", "chart", "spec"), helmRepositories);
          }
          valuesImages(d);
          break;
        case "HelmChart":
          chart(d, List.of("spec"), helmRepositories);
          break;
        case "OCIRepository":
          ociRepository(d);
          break;
        case "Kustomization":
          kustomizeImages(d, d.string("apiVersion").startsWith("kustomize.toolkit.fluxcd.io"));
          break;
        default:
          if (WORKLOADS.contains(d.kind())) {
            workloadImages(d);
          }
          break;
      }
    }
  }

  private void chart(Doc d, List<String> spec, Map<String, Doc> helmRepositories) {
    Value chart = d.value(with(spec, "chart"));
    Value version = d.value(with(spec, "version"));
    if (chart == null) {
      return;
    }
    String what = d.describe() + " chart \"" + chart.value() + "\"";
    if (version == null) {
      skip(d, chart, what + " has no version: it follows the newest release, nothing to pin");
      return;
    }
    String sourceKind = d.string(with(spec, "sourceRef", "kind"));
    String sourceName = d.string(with(spec, "sourceRef", "name"));
    String sourceNs = d.string(with(spec, "sourceRef", "namespace"));
    if (!sourceKind.isEmpty() && !sourceKind.equals("HelmRepository")) {
      skip(d, version, what + " comes from a " + sourceKind + ", which Git or a bucket versions");
      return;
    }
    Doc repo =
        helmRepositories.get((sourceNs.isEmpty() ? d.namespace() : sourceNs) + ":" + sourceName);
    if (repo == null) {
      repo = uniqueByName(helmRepositories, sourceName);
    }
    if (repo == null) {
      skip(d, version, what + ": HelmRepository \"" + sourceName + "\" is not in the repository");
      return;
    }
    String url = repo.string("spec", "url");
    boolean oci =
        url.toLowerCase(Locale.ROOT).startsWith("oci://")
            || repo.string("spec", "type").equals("oci");
    ArtifactRef artifact;
    try {
      if (oci) {
        String base = url.replaceFirst("(?i)^oci://", "");
        while (base.endsWith("/")) {
          base = base.substring(0, base.length() - 1);
        }
        artifact = ArtifactRef.parse(base + "/" + chart.value());
      } else {
        artifact = ArtifactRef.helmChart(new URI(url), chart.value());
      }
    } catch (IllegalArgumentException | URISyntaxException e) {
      skip(d, version, what + ": " + e.getMessage());
      return;
    }
    if (!versionUsable(d, version, version.value(), true)) {
      return;
    }
    found.add(
        new Candidate(
            d.file,
            version,
            artifact,
            version.value(),
            false,
            false,
            repo.string("spec", "insecure").equals("true"),
            repo.string("spec", "secretRef", "name")));
  }

  private static Doc uniqueByName(Map<String, Doc> repositories, String name) {
    Doc only = null;
    for (Doc d : repositories.values()) {
      if (d.name().equals(name)) {
        if (only != null) {
          return null;
        }
        only = d;
      }
    }
    return only;
  }

  private void ociRepository(Doc d) {
    Value tag = d.value(List.of("spec", "ref", "tag"));
    if (tag == null) {
      return;
    }
    if (d.values.containsKey(List.of("spec", "ref", "semver"))
        || d.values.containsKey(List.of("spec", "ref", "digest"))) {
      skip(
          d,
          tag,
          d.describe() + ": spec.ref.semver or spec.ref.digest takes precedence over the tag");
      return;
    }
    ArtifactRef artifact;
    try {
      artifact = ArtifactRef.parse(d.string("spec", "url").replaceFirst("(?i)^oci://", ""));
    } catch (IllegalArgumentException e) {
      skip(d, tag, d.describe() + ": " + e.getMessage());
      return;
    }
    if (versionUsable(d, tag, tag.value(), false)) {
      found.add(
          new Candidate(
              d.file,
              tag,
              artifact,
              tag.value(),
              false,
              false,
              d.string("spec", "insecure").equals("true"),
              d.string("spec", "secretRef", "name")));
    }
  }

  private void workloadImages(Doc d) {
    for (Value v : d.values.values()) {
      List<String> p = v.path();
      int n = p.size();
      if (n >= 3
          && p.get(0).equals("spec")
          && p.get(n - 1).equals("image")
          && (p.get(n - 3).equals("containers") || p.get(n - 3).equals("initContainers"))) {
        image(d, v);
      }
    }
  }

  /** A whole image reference, {@code name:tag} with an optional {@code @digest}. */
  private void image(Doc d, Value v) {
    String ref = v.value();
    if (templated(ref)) {
      skip(d, v, "image \"" + ref + "\"" + TEMPLATED);
      return;
    }
    ImageReference parts = ImageReference.of(ref);
    if (parts.tag() == null) {
      skip(
          d,
          v,
          "image \""
              + ref
              + (parts.digest() != null
                  ? "\" is pinned by digest only; no tag for a policy to move"
                  : "\" has no tag (it means latest); pin a version first"));
      return;
    }
    String tag = parts.tag();
    String digest = parts.digest();
    ArtifactRef artifact;
    try {
      artifact = ArtifactRef.parse(parts.name());
    } catch (IllegalArgumentException e) {
      skip(d, v, e.getMessage());
      return;
    }
    if (versionUsable(d, v, tag, false)) {
      found.add(new Candidate(d.file, v, artifact, tag, true, digest != null, false, ""));
    }
  }

  /** {@code repository:} + {@code tag:} pairs (and {@code registry:}) under HelmRelease values. */
  private void valuesImages(Doc d) {
    for (Value v : d.values.values()) {
      List<String> p = v.path();
      if (p.size() < 3
          || !p.get(0).equals("spec")
          || !p.get(1).equals("values")
          || !p.get(p.size() - 1).equals("tag")) {
        continue;
      }
      List<String> parent = p.subList(0, p.size() - 1);
      Value repository = d.value(with(parent, "repository"));
      if (repository == null) {
        continue;
      }
      Value registry = d.value(with(parent, "registry"));
      String name =
          registry == null || registry.value().isEmpty()
              ? repository.value()
              : registry.value() + "/" + repository.value();
      if (templated(name) || templated(v.value())) {
        skip(d, v, "image \"" + name + ":" + v.value() + "\"" + TEMPLATED);
        continue;
      }
      ArtifactRef artifact;
      try {
        artifact = ArtifactRef.parse(name);
      } catch (IllegalArgumentException e) {
        skip(d, v, e.getMessage());
        continue;
      }
      if (versionUsable(d, v, v.value(), false)) {
        found.add(new Candidate(d.file, v, artifact, v.value(), false, false, false, ""));
      }
    }
  }

  /** kustomize {@code images:} (or Flux Kustomization {@code spec.images}) {@code newTag}s. */
  private void kustomizeImages(Doc d, boolean flux) {
    List<String> images = flux ? List.of("spec", "images") : List.of("images");
    for (int i = 0; ; i++) {
      List<String> entry = with(images, Integer.toString(i));
      Value name = d.value(with(entry, "name"));
      if (name == null) {
        return;
      }
      Value newName = d.value(with(entry, "newName"));
      Value newTag = d.value(with(entry, "newTag"));
      if (newTag == null) {
        if (d.value(with(entry, "digest")) != null) {
          skip(d, name, "image \"" + name.value() + "\" is pinned by digest only; no tag to move");
        }
        continue;
      }
      String image = newName != null ? newName.value() : name.value();
      ArtifactRef artifact;
      try {
        artifact = ArtifactRef.parse(image);
      } catch (IllegalArgumentException e) {
        skip(d, newTag, e.getMessage());
        continue;
      }
      if (versionUsable(d, newTag, newTag.value(), false)) {
        found.add(
            new Candidate(
                d.file,
                newTag,
                artifact,
                newTag.value(),
                false,
                d.value(with(entry, "digest")) != null,
                false,
                ""));
      }
    }
  }

  /** Whether a marker may go on {@code v}, whose version is {@code version}; else records why. */
  private boolean versionUsable(Doc d, Value v, String version, boolean chart) {
    if (v.notMarkable() != null) {
      skip(d, v, v.notMarkable());
      return false;
    }
    if (templated(version)) {
      skip(d, v, "\"" + version + "\"" + TEMPLATED);
      return false;
    }
    if (version.equals("latest")) {
      skip(d, v, "\"latest\" is no version; pin one first");
      return false;
    }
    if (!SEMVER.matcher(version).matches()) {
      skip(
          d,
          v,
          chart && RANGE.matcher(version).matches()
              ? "\"" + version + "\" is a range, which Flux resolves itself"
              : "\"" + version + "\" is not a semantic version (MAJOR.MINOR.PATCH)");
      return false;
    }
    return true;
  }

  private static boolean templated(String s) {
    return s.contains("{{") || s.contains("${");
  }

  private void skip(Doc d, Value v, String reason) {
    skipped.add(new Skipped(d.file, v.line(), v.value(), reason));
  }

  private static List<String> with(List<String> path, String... more) {
    List<String> out = new ArrayList<>(path);
    out.addAll(List.of(more));
    return out;
  }
}
