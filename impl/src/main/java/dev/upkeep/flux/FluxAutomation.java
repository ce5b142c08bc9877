package dev.upkeep.flux;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.Finding;
import dev.upkeep.PolicyOptions;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.policy.VersionPolicy;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.policy.tags.AlphabeticalPolicy;
import dev.upkeep.policy.tags.NumericalPolicy;
import dev.upkeep.policy.tags.TagFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds what a Flux repository describes: every {@code ImagePolicy} (with its {@code
 * ImageRepository}) and every {@code OCIRepository} with a {@code ref.semver} becomes a named
 * policy, and every {@code ImageUpdateAutomation} an {@link Automation} with its branches, author,
 * message template and update path.
 *
 * <pre>{@code
 * FluxAutomation flux = FluxAutomation.load(repository);
 * UpdatePipeline pipeline = flux.configure(UpdatePipeline.builder())
 *     .source(OciRegistrySource.builder().build())
 *     .patcher(SetterPatcher.create())
 *     .publisher(...)
 *     .build();
 * }</pre>
 *
 * <p>Objects that cannot be used (a policy whose repository is missing, an unknown policy kind) are
 * skipped and reported in {@link #findings()}. Immutable and thread-safe.
 */
public final class FluxAutomation {

  /**
   * A policy described by Flux objects.
   *
   * @param name {@code namespace:name}, as markers refer to it
   * @param artifact the image or chart repository
   * @param policy the version policy, with tag filters and exclusions applied
   * @param options digest reflection; Flux never allows downgrades to be blocked, Upkeep does
   * @param insecure the repository allows plain HTTP ({@code spec.insecure})
   * @param secretName the {@code secretRef} name, whose Docker config the host must supply
   * @param definedIn {@code file:line} of the policy object
   */
  public record Policy(
      String name,
      ArtifactRef artifact,
      VersionPolicy policy,
      PolicyOptions options,
      boolean insecure,
      Optional<String> secretName,
      String definedIn) {
    /** Validates that no component is null. */
    public Policy {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(secretName, "secretName");
      Objects.requireNonNull(definedIn, "definedIn");
    }
  }

  /**
   * An {@code ImageUpdateAutomation}.
   *
   * @param name {@code namespace:name}
   * @param checkoutBranch {@code spec.git.checkout.ref.branch} (empty: the repository's default)
   * @param pushBranch {@code spec.git.push.branch}, or empty when the automation names none (Flux
   *     then pushes to the checkout branch; the command line pushes to {@code upkeep/update})
   * @param authorName {@code spec.git.commit.author.name}
   * @param authorEmail {@code spec.git.commit.author.email}
   * @param message the commit message template
   * @param updatePath {@code spec.update.path}, relative to the repository root ({@code .} for all)
   * @param definedIn {@code file:line}
   */
  public record Automation(
      String name,
      String checkoutBranch,
      String pushBranch,
      String authorName,
      String authorEmail,
      FluxCommitMessage message,
      String updatePath,
      String definedIn) {
    /** Validates that no component is null. */
    public Automation {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(checkoutBranch, "checkoutBranch");
      Objects.requireNonNull(pushBranch, "pushBranch");
      Objects.requireNonNull(authorName, "authorName");
      Objects.requireNonNull(authorEmail, "authorEmail");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(updatePath, "updatePath");
      Objects.requireNonNull(definedIn, "definedIn");
    }

    /** The files under {@link #updatePath()} that {@code files} lists. */
    public ManifestFiles files(ManifestFiles files) {
      Path prefix = Path.of(updatePath).normalize();
      if (prefix.toString().isEmpty() || prefix.toString().equals(".")) {
        return files;
      }
      return root ->
          files.list(root).stream().filter(p -> p.startsWith(prefix)).collect(Collectors.toList());
    }
  }

  private final FluxObjects objects;
  private final List<Policy> policies;
  private final List<Automation> automations;
  private final List<Finding> findings;
  // the ImagePolicy each policy of that kind was read from, and each automation's object
  private final Map<String, FluxObject> imagePolicies;
  private final Map<String, FluxObject> automationObjects;

  private FluxAutomation(
      FluxObjects objects,
      List<Policy> policies,
      List<Automation> automations,
      List<Finding> findings,
      Map<String, FluxObject> imagePolicies,
      Map<String, FluxObject> automationObjects) {
    this.objects = objects;
    this.policies = List.copyOf(policies);
    this.automations = List.copyOf(automations);
    this.findings = List.copyOf(findings);
    this.imagePolicies = imagePolicies;
    this.automationObjects = automationObjects;
  }

  /** Reads the Flux objects under {@code root}. */
  public static FluxAutomation load(Path root) {
    return from(FluxObjects.scan(root));
  }

  /** Builds from objects already read. */
  public static FluxAutomation from(FluxObjects objects) {
    List<Finding> findings = new ArrayList<>(objects.findings());
    List<Defined> policies = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (FluxObject p : objects.ofKind("ImagePolicy")) {
      imagePolicy(objects, p, findings)
          .ifPresent(
              policy -> {
                policies.add(new Defined(policy, p));
                names.add(policy.name());
              });
    }
    for (FluxObject o : objects.ofKind("OCIRepository")) {
      if (!o.has("ref.semver")) {
        continue;
      }
      if (names.contains(o.key())) {
        findings.add(
            Finding.warning(
                o.file(),
                o.line(),
                "OCIRepository "
                    + o.key()
                    + " has the name of an ImagePolicy; markers refer to the ImagePolicy"));
        continue;
      }
      ociRepository(o, chartRefs(objects, o), findings)
          .ifPresent(
              policy -> {
                policies.add(new Defined(policy, o));
                names.add(policy.name());
              });
    }
    List<Automation> automations = new ArrayList<>();
    Map<String, FluxObject> automationObjects = new HashMap<>();
    for (FluxObject a : objects.ofKind("ImageUpdateAutomation")) {
      automation(a, findings)
          .ifPresent(
              auto -> {
                automations.add(auto);
                automationObjects.putIfAbsent(auto.name(), a);
              });
    }
    Map<String, FluxObject> imagePolicies = new HashMap<>();
    for (Defined d : policies) {
      if (d.source().kind().equals("ImagePolicy")) {
        imagePolicies.putIfAbsent(d.policy().name(), d.source());
      }
    }
    return new FluxAutomation(
        objects,
        distinct(policies, findings),
        automations,
        findings,
        imagePolicies,
        automationObjects);
  }

  /**
   * One policy per name. A repository that holds several clusters often defines the same policy in
   * each (a namespace that kustomize or a Flux Kustomization sets later is not in the files): the
   * copies that mean the same are one policy. A name defined with different meanings is ambiguous:
   * no policy of that name, and one warning that lists the definitions, so that the markers that
   * name it are left alone instead of being moved by a guess.
   */
  private static List<Policy> distinct(List<Defined> policies, List<Finding> findings) {
    Map<String, List<Defined>> byName = new LinkedHashMap<>();
    for (Defined d : policies) {
      byName.computeIfAbsent(d.policy().name(), k -> new ArrayList<>()).add(d);
    }
    List<Policy> out = new ArrayList<>();
    for (List<Defined> same : byName.values()) {
      Defined first = same.get(0);
      // most names are defined once: no meaning to compare (building it costs a plan ~5 ms cold)
      if (same.size() == 1 || same.stream().map(d -> meaning(d.policy())).distinct().count() == 1) {
        out.add(first.policy());
        continue;
      }
      findings.add(
          Finding.warning(
              first.source().file(),
              first.source().line(),
              "policy "
                  + first.policy().name()
                  + " is defined "
                  + same.size()
                  + " times, differently ("
                  + same.stream().map(d -> d.source().where()).collect(Collectors.joining(", "))
                  + "); markers that name it are left alone"));
    }
    return out;
  }

  /** A policy and the object it was read from. */
  private record Defined(Policy policy, FluxObject source) {}

  /** What a policy does: its artifact, rule, filter, options and how its registry is reached. */
  private static String meaning(Policy p) {
    return p.artifact()
        + " "
        + p.policy().describe()
        + " "
        + p.options()
        + " insecure="
        + p.insecure()
        + " secret="
        + p.secretName().orElse("");
  }

  private static Optional<Policy> imagePolicy(
      FluxObjects objects, FluxObject p, List<Finding> findings) {
    String repoName = p.string("imageRepositoryRef.name").orElse("");
    String repoNamespace = p.string("imageRepositoryRef.namespace").orElse(p.namespace());
    if (repoName.isEmpty()) {
      findings.add(
          Finding.warning(
              p.file(),
              p.line(),
              "ImagePolicy " + p.key() + " has no spec.imageRepositoryRef.name; skipped"));
      return Optional.empty();
    }
    List<FluxObject> copies = objects.named("ImageRepository", repoNamespace, repoName);
    if (copies.stream().map(FluxObject::spec).distinct().count() > 1) {
      findings.add(
          skipped(
              p,
              repoNamespace + "/" + repoName,
              "is defined "
                  + copies.size()
                  + " times, differently ("
                  + copies.stream().map(FluxObject::where).collect(Collectors.joining(", "))
                  + ")"));
      return Optional.empty();
    }
    Optional<FluxObject> repo = copies.stream().findFirst();
    if (repo.isEmpty()) {
      findings.add(skipped(p, repoNamespace + "/" + repoName, "is not in the repository"));
      return Optional.empty();
    }
    FluxObject r = repo.get();
    if (!repoNamespace.equals(p.namespace()) && !r.has("accessFrom")) {
      // Flux's ACL (fluxcd/pkg runtime/acl) denies a cross-namespace reference without accessFrom
      findings.add(
          skipped(
              p,
              repoNamespace + "/" + repoName,
              "is in another namespace and has no spec.accessFrom (Flux denies the reference)"));
      return Optional.empty();
    }
    String image = r.string("image").orElse("");
    if (image.contains("://")) {
      // image-reflector-controller refuses it, so Flux never resolves this policy
      findings.add(
          Finding.warning(
              r.file(),
              r.line(),
              "ImageRepository "
                  + r.key()
                  + ": image \""
                  + image
                  + "\" should not include a URL scheme (Flux refuses it); remove \""
                  + image.substring(0, image.indexOf("://") + 3)
                  + "\""));
      return Optional.empty();
    }
    ArtifactRef artifact;
    try {
      artifact = ArtifactRef.parse(image);
    } catch (IllegalArgumentException e) {
      findings.add(
          Finding.warning(
              r.file(), r.line(), "ImageRepository " + r.key() + ": " + e.getMessage()));
      return Optional.empty();
    }
    VersionPolicy policy;
    try {
      // The repository's exclusions apply when tags are scanned, before the policy's filter; an
      // empty list is the default, as image-reflector-controller's GetExclusionList has it.
      List<String> exclusions =
          r.strings("exclusionList").isEmpty()
              ? List.of(TagFilter.DEFAULT_EXCLUSION)
              : r.strings("exclusionList");
      TagFilter filter =
          p.has("filterTags")
              ? TagFilter.pattern(p.string("filterTags.pattern").orElse(".*"))
                  .extract(p.string("filterTags.extract").orElse(""))
              : TagFilter.any();
      policy = filter.exclude(exclusions).then(versionPolicy(p));
    } catch (IllegalArgumentException e) {
      findings.add(
          Finding.warning(p.file(), p.line(), "ImagePolicy " + p.key() + ": " + e.getMessage()));
      return Optional.empty();
    }
    String reflection = p.string("digestReflectionPolicy").orElse("Never");
    PolicyOptions options = PolicyOptions.defaults();
    if (reflection.equals("Always") || reflection.equals("IfNotPresent")) {
      options = options.withDigest();
    }
    return Optional.of(
        new Policy(
            p.key(),
            artifact,
            policy,
            options,
            Boolean.parseBoolean(r.string("insecure").orElse("false")),
            r.string("secretRef.name"),
            p.where()));
  }

  /** The warning of an ImagePolicy skipped because of the ImageRepository it names. */
  private static Finding skipped(FluxObject policy, String repository, String why) {
    return Finding.warning(
        policy.file(),
        policy.line(),
        "ImagePolicy "
            + policy.key()
            + " refers to ImageRepository "
            + repository
            + ", which "
            + why
            + "; skipped");
  }

  private static VersionPolicy versionPolicy(FluxObject p) {
    if (p.has("policy.semver")) {
      return SemverPolicy.of(p.string("policy.semver.range").orElse(""));
    } else if (p.has("policy.alphabetical")) {
      return ascending(p.string("policy.alphabetical.order"))
          ? AlphabeticalPolicy.ascending()
          : AlphabeticalPolicy.descending();
    } else if (p.has("policy.numerical")) {
      return ascending(p.string("policy.numerical.order"))
          ? NumericalPolicy.ascending()
          : NumericalPolicy.descending();
    }
    throw new IllegalArgumentException(
        "spec.policy names no semver, alphabetical or numerical policy");
  }

  private static boolean ascending(Optional<String> order) {
    String o = order.orElse("asc").toLowerCase(Locale.ROOT);
    if (!o.equals("asc") && !o.equals("desc")) {
      throw new IllegalArgumentException("order must be asc or desc, got \"" + order.get() + "\"");
    }
    return o.equals("asc");
  }

  /** The HelmReleases whose {@code spec.chartRef} names the OCIRepository {@code o}. */
  private static List<String> chartRefs(FluxObjects objects, FluxObject o) {
    List<String> releases = new ArrayList<>();
    for (FluxObject r : objects.ofKind("HelmRelease")) {
      if (r.string("chartRef.kind").orElse("").equals("OCIRepository")
          && r.string("chartRef.name").orElse("").equals(o.name())
          && r.string("chartRef.namespace").orElse(r.namespace()).equals(o.namespace())) {
        releases.add(r.namespace() + "/" + r.name());
      }
    }
    return releases;
  }

  private static Optional<Policy> ociRepository(
      FluxObject o, List<String> releases, List<Finding> findings) {
    try {
      ArtifactRef artifact = ArtifactRef.parse(o.string("url").orElse(""));
      VersionPolicy policy = SemverPolicy.of(o.string("ref.semver").orElse(""));
      if (o.has("ref.semverFilter")) {
        policy = TagFilter.pattern(o.string("ref.semverFilter").orElse(".*")).then(policy);
      }
      policy =
          new SourceControllerPolicy(
              policy,
              policy.describe()
                  + ", resolved by source-controller from OCIRepository "
                  + o.namespace()
                  + "/"
                  + o.name()
                  + " spec.ref.semver"
                  + (releases.isEmpty()
                      ? ""
                      : " for HelmRelease " + String.join(", ", releases) + " (spec.chartRef)"));
      return Optional.of(
          new Policy(
              o.key(),
              artifact,
              policy,
              PolicyOptions.defaults(),
              Boolean.parseBoolean(o.string("insecure").orElse("false")),
              o.string("secretRef.name"),
              o.where()));
    } catch (IllegalArgumentException e) {
      findings.add(
          Finding.warning(o.file(), o.line(), "OCIRepository " + o.key() + ": " + e.getMessage()));
      return Optional.empty();
    }
  }

  private static Optional<Automation> automation(FluxObject a, List<Finding> findings) {
    String kind = a.string("sourceRef.kind").orElse("GitRepository");
    if (!kind.equals("GitRepository")) {
      findings.add(
          Finding.warning(
              a.file(),
              a.line(),
              "ImageUpdateAutomation "
                  + a.key()
                  + ": source kind \""
                  + kind
                  + "\" is not supported; skipped"));
      return Optional.empty();
    }
    String strategy = a.string("update.strategy").orElse("Setters");
    if (!strategy.equals("Setters")) {
      findings.add(
          Finding.warning(
              a.file(),
              a.line(),
              "ImageUpdateAutomation "
                  + a.key()
                  + ": update strategy \""
                  + strategy
                  + "\" is not supported; skipped"));
      return Optional.empty();
    }
    FluxCommitMessage message;
    try {
      message =
          FluxCommitMessage.of(
              a.string("git.commit.messageTemplate").orElse(""),
              a.namespace(),
              a.name(),
              a.map("git.commit.messageTemplateValues"));
    } catch (dev.upkeep.ConfigurationException e) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              a.file(),
              a.line(),
              "ImageUpdateAutomation " + a.key() + ": " + e.getMessage()));
      return Optional.empty();
    }
    String checkout = a.string("git.checkout.ref.branch").orElse("");
    return Optional.of(
        new Automation(
            a.key(),
            checkout,
            a.string("git.push.branch").orElse(""),
            a.string("git.commit.author.name").orElse("fluxcdbot"),
            a.string("git.commit.author.email").orElse("fluxcdbot@users.noreply.github.com"),
            message,
            secureJoin(a.string("update.path").orElse(".")),
            a.where()));
  }

  /**
   * {@code path} below the repository root as Flux's {@code securejoin.SecureJoin(workDir, path)}
   * resolves it: a leading {@code /} is the root and a {@code ..} never climbs above it. A path
   * that stays inside as written is returned unchanged.
   */
  static String secureJoin(String path) {
    Path p = Path.of(path).normalize();
    if (!p.isAbsolute() && !p.startsWith("..")) {
      return path;
    }
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        parts.pollLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  /** Adds every policy to {@code builder} and returns it. */
  public UpdatePipeline.Builder configure(UpdatePipeline.Builder builder) {
    for (Policy p : policies) {
      builder.policy(p.name(), p.artifact(), p.policy(), p.options());
    }
    return builder;
  }

  /**
   * Adds the policies {@code automation} applies to {@code builder} and returns it: as Flux's
   * image-automation-controller, only the ImagePolicies in the automation's namespace that match
   * its {@code spec.policySelector} (all of that namespace when it has none); OCIRepository
   * policies, which are Upkeep's own, always. Without an automation, every policy. A namespace
   * written nowhere in the files ({@code default}: kustomize or a Flux Kustomization may set it
   * when the objects are applied) matches any, and labels are those written on the ImagePolicy.
   */
  public UpdatePipeline.Builder configure(
      UpdatePipeline.Builder builder, Optional<Automation> automation) {
    for (Policy p : policies) {
      if (automation.isEmpty() || applies(automation.get(), p)) {
        builder.policy(p.name(), p.artifact(), p.policy(), p.options());
      }
    }
    return builder;
  }

  /**
   * A warning naming the ImagePolicies {@code automation} leaves out ({@link #configure(
   * UpdatePipeline.Builder, Optional)}), whose markers a run then leaves alone; empty when it
   * applies them all.
   */
  public Optional<Finding> leftOut(Automation automation) {
    List<String> out =
        policies.stream()
            .filter(p -> !applies(automation, p))
            .map(Policy::name)
            .collect(Collectors.toList());
    if (out.isEmpty()) {
      return Optional.empty();
    }
    FluxObject object = automationObjects.get(automation.name());
    return Optional.of(
        Finding.warning(
            object != null ? object.file() : automation.definedIn(),
            object != null ? object.line() : 0,
            "ImageUpdateAutomation "
                + automation.name()
                + " applies only the ImagePolicies of its namespace"
                + (selector(automation) != null ? " that match its policySelector" : "")
                + ", as Flux does; left out: "
                + String.join(", ", out)));
  }

  /** {@code automation}'s {@code spec.policySelector}, or null when it has none. */
  private Object selector(Automation automation) {
    FluxObject object = automationObjects.get(automation.name());
    return object == null ? null : object.spec().get("policySelector");
  }

  private boolean applies(Automation automation, Policy p) {
    FluxObject source = imagePolicies.get(p.name());
    if (source == null) {
      return true;
    }
    String namespace = automation.name().substring(0, automation.name().indexOf(':'));
    boolean sameNamespace =
        namespace.equals(source.namespace())
            || namespace.equals("default")
            || source.namespace().equals("default");
    return sameNamespace && LabelSelector.matches(selector(automation), source.labels());
  }

  /** The policies, ImagePolicies first, in file order. */
  public List<Policy> policies() {
    return policies;
  }

  /** The policy named {@code namespace:name}. */
  public Optional<Policy> policy(String name) {
    return policies.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The automations, in file order. */
  public List<Automation> automations() {
    return automations;
  }

  /** Registry hosts that some repository marks {@code insecure: true}. */
  public Set<String> insecureRegistries() {
    return policies.stream()
        .filter(Policy::insecure)
        .map(p -> p.artifact().registry())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** The objects read. */
  public FluxObjects objects() {
    return objects;
  }

  /** Everything skipped or not understood, with file and line. */
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Adds the registry credentials of every {@code secretRef} to {@code source}: for each secret
   * name the host gives a Docker config file (the {@code .dockerconfigjson} of the Kubernetes
   * secret), and the {@code auths} entries for the registries that secret's repositories live on
   * are used. Secrets without a file are left to the default Docker configuration.
   *
   * @return the names of referenced secrets for which no file was given
   * @throws ConfigurationException when a file cannot be read or has no credentials for a registry
   *     its secret is used for; the message names the file and registry, never the password
   */
  public Set<String> applySecrets(
      dev.upkeep.source.oci.OciRegistrySource.Builder source,
      Map<String, Path> dockerConfigBySecret) {
    Set<String> missing = new java.util.TreeSet<>();
    Map<String, String> secretOfRegistry = new java.util.HashMap<>();
    Map<String, String[]> loginOfRegistry = new java.util.HashMap<>();
    for (Map.Entry<String, Set<String>> e : secrets().entrySet()) {
      Path file = dockerConfigBySecret.get(e.getKey());
      if (file == null) {
        missing.add(e.getKey());
        continue;
      }
      Map<String, String[]> auths = DockerConfig.read(file);
      for (String registry : e.getValue()) {
        String[] login = DockerConfig.lookup(auths, registry);
        if (login == null) {
          throw new ConfigurationException(
              "the Docker config "
                  + file
                  + " of secret \""
                  + e.getKey()
                  + "\" has no credentials for "
                  + registry);
        }
        String earlier = secretOfRegistry.putIfAbsent(registry, e.getKey());
        if (earlier != null && !Arrays.equals(loginOfRegistry.get(registry), login)) {
          // One registry, one login: picking either would fail the other secret's repositories.
          throw new ConfigurationException(
              "secrets \""
                  + earlier
                  + "\" and \""
                  + e.getKey()
                  + "\" give different logins for "
                  + registry
                  + "; Upkeep uses one login per registry, so give both repositories one secret");
        }
        loginOfRegistry.put(registry, login);
        source.credentials(registry, login[0], login[1]);
      }
    }
    return missing;
  }

  /** Secret names referred to by policies, mapped to the registries they are for. */
  public Map<String, Set<String>> secrets() {
    Map<String, Set<String>> out = new java.util.TreeMap<>();
    policies.forEach(
        p ->
            p.secretName()
                .ifPresent(
                    s ->
                        out.computeIfAbsent(s, k -> new java.util.TreeSet<>())
                            .add(p.artifact().registry())));
    return out;
  }
}
