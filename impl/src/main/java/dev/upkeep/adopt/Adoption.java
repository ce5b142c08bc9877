package dev.upkeep.adopt;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Redaction;
import dev.upkeep.adopt.Candidates.Candidate;
import dev.upkeep.json.Json;
import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.InlinePolicy;
import dev.upkeep.policy.semver.SemverPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Adopts a repository that has no setter markers: finds every chart version and image reference it
 * can map to a registry (without contacting one), appends a setter marker to each value's line, and
 * writes the {@code ImageRepository} and {@code ImagePolicy} objects those markers refer to into
 * one file, for a person to review and commit.
 *
 * <pre>{@code
 * Adoption.Result result = Adoption.builder().build().apply(repository);
 * result.marked().forEach(m -> System.out.println(m.file() + ":" + m.line() + " " + m.marker()));
 * }</pre>
 *
 * <p>Nothing but the markers and the policy file is written: no version value changes, no other
 * byte of a manifest moves, nothing is committed. Charts of HTTPS Helm repositories, which an
 * ImagePolicy cannot describe, get Upkeep's inline marker ({@code {"$upkeep": {"chart":
 * "https://REPO#CHART", "semver": "RANGE"}}}, see {@link InlinePolicy}). Instances are immutable
 * and thread-safe; two adoptions of one tree at once are not.
 */
public final class Adoption {

  /** The policy file written when none is named. */
  public static final String DEFAULT_POLICY_FILE = "upkeep-policies.yaml";

  /** The namespace of the objects written when none is named. */
  public static final String DEFAULT_NAMESPACE = "flux-system";

  /** The API version of the objects written; Flux 2.0 and later serve it. */
  static final String IMAGE_API = "image.toolkit.fluxcd.io/v1beta2";

  /**
   * A marker appended to a value's line.
   *
   * @param file the manifest, relative to the repository root
   * @param line the 1-based line of the value
   * @param value the value, unchanged
   * @param marker the comment appended, e.g. {@code # {"$imagepolicy": "flux-system:podinfo:tag"}}
   * @param policy the policy it refers to ({@code namespace:name}, or an inline policy's name)
   * @param artifact the chart or image, in {@link ArtifactRef#toString()} form
   */
  public record Marked(
      String file, int line, String value, String marker, String policy, String artifact) {}

  /**
   * A value left without a marker.
   *
   * @param file the manifest, relative to the repository root
   * @param line the 1-based line of the value (0 when the file does not parse)
   * @param value the value, or empty
   * @param reason why, in words
   */
  public record Skipped(String file, int line, String value, String reason) {}

  /**
   * An {@code ImageRepository} and {@code ImagePolicy} pair to write, or one already in the
   * repository that markers reuse.
   *
   * @param name {@code namespace:name} of the ImagePolicy, as markers refer to it
   * @param repository {@code namespace:name} of its ImageRepository
   * @param image the image the ImageRepository scans, e.g. {@code ghcr.io/org/charts/app}
   * @param range the semver range
   * @param reflectDigest whether the policy sets {@code digestReflectionPolicy: IfNotPresent}, for
   *     values that pin {@code tag@digest}
   * @param created false when the policy was already in the repository
   */
  public record Policy(
      String name,
      String repository,
      String image,
      String range,
      boolean reflectDigest,
      boolean created) {}

  /**
   * What an adoption found and did.
   *
   * @param marked the markers, by file and line
   * @param skipped the values left alone and why, by file and line
   * @param policies the policies the markers refer to, by name
   * @param policyFile the policy file, relative to the repository root
   * @param written whether the files were written ({@link #apply}) or only planned ({@link
   *     #discover})
   */
  public record Result(
      List<Marked> marked,
      List<Skipped> skipped,
      List<Policy> policies,
      String policyFile,
      boolean written) {

    /** Copies the lists. */
    public Result {
      marked = List.copyOf(marked);
      skipped = List.copyOf(skipped);
      policies = List.copyOf(policies);
      Objects.requireNonNull(policyFile, "policyFile");
    }

    /** The policies this adoption writes (not those it reuses). */
    public List<Policy> created() {
      return policies.stream().filter(Policy::created).toList();
    }

    /**
     * The same account as JSON, for a CI job: {@code written}, {@code policyFile}, {@code marked}
     * (file, line, value, marker, policy, artifact), {@code policies} (those written or reused:
     * name, repository, image, range, reflectDigest, created) and {@code skipped} (file, line,
     * value, reason).
     */
    public String toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("written", written);
      out.put("policyFile", policyFile);
      out.put(
          "marked",
          marked.stream()
              .map(
                  m ->
                      object(
                          "file",
                          m.file(),
                          "line",
                          m.line(),
                          "value",
                          m.value(),
                          "marker",
                          m.marker(),
                          "policy",
                          m.policy(),
                          "artifact",
                          m.artifact()))
              .toList());
      out.put(
          "policies",
          policies.stream()
              .map(
                  p ->
                      object(
                          "name",
                          p.name(),
                          "repository",
                          p.repository(),
                          "image",
                          p.image(),
                          "range",
                          p.range(),
                          "reflectDigest",
                          p.reflectDigest(),
                          "created",
                          p.created()))
              .toList());
      out.put(
          "skipped",
          skipped.stream()
              .map(
                  k ->
                      object(
                          "file",
                          k.file(),
                          "line",
                          k.line(),
                          "value",
                          k.value(),
                          "reason",
                          k.reason()))
              .toList());
      return Redaction.redact(Json.write(out));
    }

    private static Map<String, Object> object(Object... keysAndValues) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < keysAndValues.length; i += 2) {
        m.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
      return m;
    }

    /** A plain-text account: each marker, each new policy, each value left alone and why. */
    public String toText() {
      StringBuilder out = new StringBuilder();
      String verb = written ? "marked" : "would mark";
      out.append(marked.size()).append(" value(s) ").append(verb).append('\n');
      for (Marked m : marked) {
        out.append("  ")
            .append(m.file())
            .append(':')
            .append(m.line())
            .append(": ")
            .append(m.value())
            .append(" ")
            .append(m.marker())
            .append('\n');
      }
      List<Policy> created = created();
      if (!created.isEmpty()) {
        out.append(created.size())
            .append(" policy(ies) ")
            .append(written ? "written to " : "for ")
            .append(policyFile)
            .append('\n');
        for (Policy p : created) {
          out.append("  ")
              .append(p.name())
              .append(": ")
              .append(p.image())
              .append(" semver \"")
              .append(p.range())
              .append('"')
              .append(p.reflectDigest() ? " with digest" : "")
              .append('\n');
        }
      }
      if (!skipped.isEmpty()) {
        out.append(skipped.size()).append(" value(s) left alone\n");
        for (Skipped s : skipped) {
          out.append("  ")
              .append(s.file())
              .append(':')
              .append(s.line())
              .append(": ")
              .append(s.value().isEmpty() ? "" : s.value() + ": ")
              .append(s.reason())
              .append('\n');
        }
      }
      return Redaction.redact(out.toString());
    }
  }

  private final String policyFile;
  private final String namespace;
  private final String range;
  private final ManifestWalk walk;

  private Adoption(Builder b) {
    this.policyFile = b.policyFile;
    this.namespace = b.namespace;
    this.range = b.range;
    this.walk = b.walk;
  }

  /**
   * A builder; the defaults write {@value #DEFAULT_POLICY_FILE} with policies in the same major.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What {@link #apply} would do to the tree at {@code root}; writes nothing.
   *
   * @throws java.io.UncheckedIOException when the tree cannot be read
   */
  public Result discover(Path root) {
    return adopt(root, false);
  }

  /**
   * Appends the markers to the manifests under {@code root} and writes the policy file (appending
   * to it when it exists). Each file is replaced atomically; nothing is committed.
   *
   * @throws java.io.UncheckedIOException when the tree cannot be read or a file cannot be written
   */
  public Result apply(Path root) {
    return adopt(root, true);
  }

  private Result adopt(Path root, boolean write) {
    Candidates found = Candidates.scan(root, walk);
    PolicyNames names = new PolicyNames(namespace, found.existingNames, found.existingPolicies);
    for (Candidate c : found.found) {
      if (c.artifact().kind() == ArtifactRef.Kind.OCI) {
        names.register(c, rangeFor(c.version()));
      }
    }
    List<Marked> marked = new ArrayList<>();
    Map<String, List<Marked>> byFile = new TreeMap<>();
    for (Candidate c : found.found) {
      String constraint = rangeFor(c.version());
      String marker;
      String policy;
      if (c.artifact().kind() == ArtifactRef.Kind.HELM_REPOSITORY) {
        policy = InlinePolicy.nameOf(c.artifact(), constraint);
        marker =
            "# {\"$upkeep\": {\"chart\": \""
                + json(c.artifact().toString())
                + "\", \"semver\": \""
                + json(constraint)
                + "\"}}";
      } else {
        policy = names.policyFor(c, constraint);
        marker = "# {\"$imagepolicy\": \"" + policy + (c.wholeImage() ? "" : ":tag") + "\"}";
      }
      Marked m =
          new Marked(
              c.file(),
              c.value().line(),
              c.value().value(),
              marker,
              policy,
              c.artifact().toString());
      marked.add(m);
      byFile.computeIfAbsent(c.file(), f -> new ArrayList<>()).add(m);
    }
    Comparator<Marked> order = Comparator.comparing(Marked::file).thenComparingInt(Marked::line);
    marked.sort(order);
    List<Skipped> skipped = new ArrayList<>(found.skipped);
    skipped.sort(Comparator.comparing(Skipped::file).thenComparingInt(Skipped::line));
    if (write) {
      write(root, found, byFile, names);
    }
    return new Result(marked, skipped, names.policies(), policyFile, write);
  }

  private void write(
      Path root, Candidates found, Map<String, List<Marked>> byFile, PolicyNames names) {
    Map<String, Integer> lineEnds = new TreeMap<>();
    for (Candidate c : found.found) {
      lineEnds.put(c.file() + "\0" + c.value().line(), c.value().lineEnd());
    }
    for (Map.Entry<String, List<Marked>> e : byFile.entrySet()) {
      Path file = root.resolve(e.getKey());
      String content = found.texts.get(e.getKey());
      List<Marked> marks = new ArrayList<>(e.getValue());
      // from the end of the file backwards, so earlier offsets stay valid
      marks.sort(Comparator.comparingInt(Marked::line).reversed());
      StringBuilder out = new StringBuilder(content);
      for (Marked m : marks) {
        int at = lineEnds.get(m.file() + "\0" + m.line());
        out.insert(at, " " + m.marker());
      }
      ManifestText.write(file, out.toString());
    }
    String objects = names.render();
    if (objects.isEmpty()) {
      return;
    }
    Path target = root.resolve(policyFile);
    Optional<String> existing =
        Files.exists(target) ? ManifestText.read(target, Long.MAX_VALUE) : Optional.empty();
    String text =
        existing
            .map(old -> old.isEmpty() || old.endsWith("\n") ? old + objects : old + "\n" + objects)
            .orElse(PolicyNames.HEADER + objects);
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException("cannot create the directory of " + policyFile, ex);
    }
    ManifestText.write(target, text);
  }

  /** The range for a value at {@code version}: the configured one, or its major or minor line. */
  private String rangeFor(String version) {
    Matcher m = Candidates.SEMVER.matcher(version);
    if (!m.matches()) {
      throw new IllegalStateException("not a version: " + version);
    }
    switch (range) {
      case "major":
        return m.group(1) + ".x";
      case "minor":
        return m.group(1) + "." + m.group(2) + ".x";
      default:
        return range;
    }
  }

  static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Configures an {@link Adoption}. */
  public static final class Builder {
    private String policyFile = DEFAULT_POLICY_FILE;
    private String namespace = DEFAULT_NAMESPACE;
    private String range = "major";
    private ManifestWalk walk = ManifestWalk.create();

    private Builder() {}

    /**
     * The file, relative to the repository root, that receives the ImageRepository and ImagePolicy
     * objects; default {@value #DEFAULT_POLICY_FILE}.
     */
    public Builder policyFile(String relativePath) {
      Objects.requireNonNull(relativePath, "relativePath");
      Path p = Path.of(relativePath).normalize();
      if (p.isAbsolute()
          || p.startsWith("..")
          || p.toString().isEmpty()
          || !p.getFileName().toString().matches(".*\\.ya?ml")) {
        throw new IllegalArgumentException(
            "policy file \""
                + relativePath
                + "\" must be a relative *.yaml path inside the repository");
      }
      this.policyFile = ManifestWalk.slashed(p);
      return this;
    }

    /** The namespace of the objects written; default {@value #DEFAULT_NAMESPACE}. */
    public Builder namespace(String namespace) {
      if (namespace == null || !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "namespace \"" + namespace + "\" is not a Kubernetes namespace name");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The semver range of every policy: {@code major} (the default: {@code 1.x} for a value at
     * {@code 1.2.3}, staying within its major version), {@code minor} ({@code 1.2.x}), or a
     * constraint written into every policy as it is, e.g. {@code >=1.0.0}.
     *
     * @throws IllegalArgumentException when the constraint does not parse
     */
    public Builder range(String range) {
      Objects.requireNonNull(range, "range");
      if (!range.equals("major") && !range.equals("minor")) {
        SemverPolicy.of(range);
      }
      this.range = range.strip();
      return this;
    }

    /** Which files to read; default the whole repository under the walk's usual rules. */
    public Builder files(ManifestWalk walk) {
      this.walk = Objects.requireNonNull(walk, "walk");
      return this;
    }

    /** The adoption. */
    public Adoption build() {
      return new Adoption(this);
    }
  }
}
