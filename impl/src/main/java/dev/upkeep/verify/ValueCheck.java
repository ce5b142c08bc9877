package dev.upkeep.verify;

import dev.upkeep.ArtifactRef;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.yaml.MarkedValue;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistrySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges one changed marked value by the base's policy: the version exists, is the chart it claims,
 * satisfies the policy and is no downgrade; and nothing but the version changed — the image name
 * (registry host, repository path, name) still names the policy's artifact, and a pinned digest
 * changed only to the digest the registry holds for the new tag.
 */
final class ValueCheck {

  private final UpdatePipeline pipeline;
  private final Map<String, List<String>> tagsByArtifact;

  ValueCheck(UpdatePipeline pipeline, Map<String, List<String>> tagsByArtifact) {
    this.pipeline = pipeline;
    this.tagsByArtifact = tagsByArtifact;
  }

  /**
   * Checks {@code v}, which was {@code was} before the change; {@code inFile} are all marked values
   * of the file now, to find the tag a lone digest belongs to.
   */
  VerifyReport.Check check(
      String file, MarkedValue v, Optional<MarkedValue> was, List<MarkedValue> inFile) {
    String oldVersion = was.map(MarkedValue::version).orElse("");
    String version = v.version();
    UpdatePipeline.Policy policy = pipeline.policies().get(v.policy());
    if (policy == null) {
      return new VerifyReport.Check(
          file,
          v.line(),
          v.policy(),
          "",
          oldVersion,
          version,
          List.of(
              "no policy \""
                  + v.policy()
                  + "\" is defined in the base, so the change cannot be checked"),
          "");
    }
    ArtifactRef artifact = policy.artifact();
    List<String> problems = new ArrayList<>();
    String releaseNotes = "";
    boolean versioned = v.field() == Change.Field.TAG || v.field() == Change.Field.IMAGE;
    if (versioned && !oldVersion.equals(version)) {
      releaseNotes = checkVersion(v, oldVersion, policy, problems);
    }
    identity(v, was, policy, inFile, problems);
    return new VerifyReport.Check(
        file,
        v.line(),
        v.policy(),
        artifact.toString(),
        oldVersion,
        version,
        problems,
        releaseNotes);
  }

  /** Adds a problem for every part of the value other than its version that changed. */
  private void identity(
      MarkedValue v,
      Optional<MarkedValue> was,
      UpdatePipeline.Policy policy,
      List<MarkedValue> inFile,
      List<String> problems) {
    ArtifactRef artifact = policy.artifact();
    String value = v.value();
    String oldValue = was.map(MarkedValue::value).orElse("");
    switch (v.field()) {
      case NAME:
        if (!artifact.isNamedBy(value)) {
          problems.add(nameProblem(oldValue, value, artifact));
        }
        return;
      case DIGEST:
        digest(v.policy(), policy, tagFor(v, inFile), digestOf("@" + oldValue), value)
            .ifPresent(problems::add);
        return;
      case IMAGE:
        {
          String name = nameOf(value);
          if (!artifact.isNamedBy(name)) {
            problems.add(nameProblem(nameOf(oldValue), name, artifact));
          }
          digest(
                  v.policy(),
                  policy,
                  withoutDigest(v.version()),
                  digestOf(oldValue),
                  digestOf(value))
              .ifPresent(problems::add);
          return;
        }
      case TAG:
      default:
        digest(v.policy(), policy, withoutDigest(v.version()), digestOf(oldValue), digestOf(value))
            .ifPresent(problems::add);
    }
  }

  private static String nameProblem(String oldName, String name, ArtifactRef artifact) {
    return "the image name changed"
        + (oldName.isEmpty() ? "" : " from \"" + oldName + "\"")
        + " to \""
        + name
        + "\", which is not "
        + artifact.imageName()
        + " of the base's policy; only the version may change";
  }

  /**
   * A problem when the pinned digest changed to anything but the digest the registry holds for
   * {@code tag} (what the policy's selection carries), or was dropped.
   */
  private Optional<String> digest(
      String name, UpdatePipeline.Policy policy, String tag, String oldDigest, String newDigest) {
    if (newDigest.equals(oldDigest)) {
      return Optional.empty();
    }
    if (newDigest.isEmpty()) {
      return Optional.of("the pinned digest " + oldDigest + " was dropped; only the version may");
    }
    String tagWord = tag.isEmpty() ? "no tag" : tag;
    Optional<String> expected;
    try {
      String registryTag =
          tag.isEmpty() ? selectedTag(policy).orElse("") : policy.artifact().registryTag(tag);
      expected =
          registryTag.isEmpty()
              ? Optional.empty()
              : pipeline.sourceFor(policy.artifact()).digest(policy.artifact(), registryTag);
    } catch (RuntimeException e) {
      return Optional.of(
          "cannot read the digest of "
              + policy.artifact()
              + ":"
              + tagWord
              + " to check the pinned digest: "
              + e.getMessage());
    }
    if (expected.isPresent() && expected.get().equals(newDigest)) {
      return Optional.empty();
    }
    return Optional.of(
        "the pinned digest changed to "
            + newDigest
            + ", but policy "
            + name
            + " selects "
            + expected.orElse("no digest")
            + " for "
            + tagWord);
  }

  /** The tag written next to a lone digest under the same policy, or empty. */
  private static String tagFor(MarkedValue digest, List<MarkedValue> inFile) {
    for (MarkedValue v : inFile) {
      if (v.policy().equals(digest.policy())
          && (v.field() == Change.Field.TAG || v.field() == Change.Field.IMAGE)) {
        return withoutDigest(v.version());
      }
    }
    return "";
  }

  private Optional<String> selectedTag(UpdatePipeline.Policy policy) {
    return policy.policy().select(tags(policy.artifact()));
  }

  private List<String> tags(ArtifactRef artifact) {
    RegistrySource source = pipeline.sourceFor(artifact);
    return tagsByArtifact.computeIfAbsent(artifact.toString(), k -> source.listTags(artifact));
  }

  /** The name part of an image reference: without tag and digest. */
  private static String nameOf(String reference) {
    int at = reference.indexOf('@');
    String rest = at < 0 ? reference : reference.substring(0, at);
    int colon = rest.lastIndexOf(':');
    return colon > rest.lastIndexOf('/') ? rest.substring(0, colon) : rest;
  }

  private static String withoutDigest(String version) {
    int at = version.indexOf('@');
    return at < 0 ? version : version.substring(0, at);
  }

  /** The digest of a reference {@code ...@sha256:...}, or empty. */
  private static String digestOf(String reference) {
    int at = reference.indexOf('@');
    return at < 0 ? "" : reference.substring(at + 1);
  }

  /** Checks the version itself; returns the chart's release notes. */
  private String checkVersion(
      MarkedValue v, String oldVersion, UpdatePipeline.Policy policy, List<String> problems) {
    String version = v.version();
    ArtifactRef artifact = policy.artifact();
    String releaseNotes = "";
    String registryTag = artifact.registryTag(version);
    RegistrySource source = pipeline.sourceFor(artifact);
    List<String> tags;
    try {
      tags = tags(artifact);
    } catch (RuntimeException e) {
      problems.add("cannot list the tags of " + artifact + ": " + e.getMessage());
      tags = null;
    }
    if (tags != null && !tags.contains(registryTag)) {
      problems.add(version + " does not exist in " + artifact);
    }
    if (policy.policy().select(List.of(registryTag)).isEmpty()) {
      problems.add(
          version + " does not satisfy " + policy.policy().describe() + " of policy " + v.policy());
    }
    if (!oldVersion.isEmpty()
        && !policy.options().allowDowngrade()
        && policy.policy().isDowngrade(oldVersion, version)) {
      problems.add(oldVersion + " -> " + version + " is a downgrade");
    }
    boolean exists = tags != null && tags.contains(registryTag);
    if (exists && artifact.kind() == ArtifactRef.Kind.OCI && source instanceof ChartInspector) {
      Optional<ChartMetadata> chart = Optional.empty();
      try {
        chart = ((ChartInspector) source).chart(artifact, registryTag);
        if (chart.isEmpty()) {
          problems.add(version + " vanished from " + artifact + " while it was checked");
        }
      } catch (RuntimeException e) {
        // An image is not a chart: only a reference written as a chart (oci://) must be one.
        if (artifact.isChart()) {
          problems.add(e.getMessage());
        }
      }
      if (chart.isPresent()) {
        if (!chart.get().name().equals(artifact.name())) {
          problems.add(
              "the chart at "
                  + artifact
                  + ":"
                  + version
                  + " is named \""
                  + chart.get().name()
                  + "\", not \""
                  + artifact.name()
                  + "\"");
        }
        if (!chart.get().version().equals(registryTag.replace('_', '+'))) {
          problems.add(
              "the chart at "
                  + artifact
                  + ":"
                  + version
                  + " says it is version \""
                  + chart.get().version()
                  + "\"");
        }
        releaseNotes = chart.get().annotations().getOrDefault(ChartMetadata.CHANGES_ANNOTATION, "");
      }
    }
    return releaseNotes;
  }
}
