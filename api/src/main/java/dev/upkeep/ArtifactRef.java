package dev.upkeep;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the versions of one artifact live: a repository in an OCI registry (a Helm chart or a
 * container image) or a chart in a classic HTTP Helm repository.
 *
 * <p>OCI references are written as users write them: {@code
 * oci://ghcr.io/stefanprodan/charts/podinfo}, {@code ghcr.io/org/app}, {@code localhost:5000/x},
 * {@code docker.io/library/nginx} or the Docker Hub short form {@code nginx}. A reference written
 * with {@code oci://} names a Helm chart, as in Flux's {@code HelmRepository} and {@code
 * OCIRepository}: its tags store {@code +} as {@code _}, and selections show {@code +}.
 *
 * <p>Instances are immutable and thread-safe; two references are equal when they name the same
 * artifact in the same way.
 */
public final class ArtifactRef {

  /** The kind of store an artifact lives in. */
  public enum Kind {
    /** A repository in an OCI distribution-spec registry. */
    OCI,
    /** A chart in a classic Helm repository served as {@code index.yaml} over HTTP. */
    HELM_REPOSITORY
  }

  /** The registry Docker Hub short names resolve to, as Docker writes it. */
  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  private final Kind kind;
  private final String registry;
  private final String repository;
  private final boolean chart;
  private final URI helmRepository;

  private ArtifactRef(
      Kind kind, String registry, String repository, boolean chart, URI helmRepository) {
    this.kind = kind;
    this.registry = registry;
    this.repository = repository;
    this.chart = chart;
    this.helmRepository = helmRepository;
  }

  /**
   * Parses an OCI reference without a tag or digest.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static ArtifactRef parse(String reference) {
    if (reference == null) {
      throw new IllegalArgumentException("artifact reference must not be null");
    }
    String ref = reference.strip();
    if (ref.isEmpty()) {
      throw new IllegalArgumentException("artifact reference must not be empty");
    }
    boolean oci = false;
    if (ref.regionMatches(true, 0, "oci://", 0, 6)) {
      oci = true;
      ref = ref.substring(6);
    } else if (ref.contains("://")) {
      throw new IllegalArgumentException(
          "invalid artifact reference \""
              + reference
              + "\": only oci:// is supported; use ArtifactRef.helmChart(url, chart) for an HTTP"
              + " Helm repository");
    }
    boolean trailingSlash = ref.endsWith("/");
    while (ref.endsWith("/")) {
      ref = ref.substring(0, ref.length() - 1);
    }
    if (trailingSlash && ref.indexOf('/') < 0 && namesRegistry(ref)) {
      // "ghcr.io/" names a registry, not Docker Hub's library/ghcr.io
      throw new IllegalArgumentException(
          "invalid artifact reference \""
              + reference
              + "\": it names the registry "
              + ref
              + " but no repository in it");
    }
    if (ref.contains("@")) {
      throw new IllegalArgumentException(
          "invalid artifact reference \""
              + reference
              + "\": remove the digest, name the repository only");
    }
    String registry;
    String path;
    int slash = ref.indexOf('/');
    String first = slash < 0 ? ref : ref.substring(0, slash);
    if (slash > 0 && namesRegistry(first)) {
      registry = first;
      path = ref.substring(slash + 1);
    } else {
      registry = DOCKER_HUB;
      path = ref;
    }
    if (!HOST.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "invalid artifact reference \""
              + reference
              + "\": \""
              + registry
              + "\" is not a registry host");
    }
    registry = registry.toLowerCase(Locale.ROOT);
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    int lastSlash = path.lastIndexOf('/');
    if (path.indexOf(':', lastSlash + 1) >= 0) {
      throw new IllegalArgumentException(
          "invalid artifact reference \""
              + reference
              + "\": remove the tag, name the repository only");
    }
    if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
      path = "library/" + path;
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        String why =
            component.isEmpty()
                ? "empty path component"
                : !component.equals(component.toLowerCase(Locale.ROOT))
                    ? "repository names must be lowercase, got \"" + component + "\""
                    : "\"" + component + "\" is not a valid repository path component";
        throw new IllegalArgumentException(
            "invalid artifact reference \"" + reference + "\": " + why);
      }
    }
    if (path.length() > 255) {
      throw new IllegalArgumentException(
          "invalid artifact reference \""
              + reference
              + "\": repository name longer than 255 characters");
    }
    return new ArtifactRef(Kind.OCI, registry, path, oci, null);
  }

  /**
   * Whether the first component of a reference is a registry host rather than a Docker Hub
   * namespace: it has a dot or a port, is {@code localhost}, or is an IPv6 literal.
   */
  private static boolean namesRegistry(String first) {
    return first.contains(".")
        || first.contains(":")
        || first.equals("localhost")
        || first.startsWith("[");
  }

  /**
   * A chart in a classic HTTP Helm repository.
   *
   * @param repositoryUrl the repository's base URL, where {@code index.yaml} lives
   * @param chart the chart's name in the index
   * @throws IllegalArgumentException when the URL is not http(s) or the chart name is blank
   */
  public static ArtifactRef helmChart(URI repositoryUrl, String chart) {
    Objects.requireNonNull(repositoryUrl, "repositoryUrl");
    String scheme = repositoryUrl.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || repositoryUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "invalid Helm repository URL \"" + repositoryUrl + "\": expected http:// or https://");
    }
    if (repositoryUrl.getRawUserInfo() != null) {
      // A URL is printed in reports and messages: credentials belong to the source's settings.
      throw new IllegalArgumentException(
          "Helm repository URL of "
              + repositoryUrl.getHost()
              + " must not carry credentials; give them to the source instead");
    }
    if (chart == null || chart.isBlank()) {
      throw new IllegalArgumentException("chart name must not be blank");
    }
    String base = repositoryUrl.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String host =
        repositoryUrl.getHost()
            + (repositoryUrl.getPort() >= 0 ? ":" + repositoryUrl.getPort() : "");
    return new ArtifactRef(Kind.HELM_REPOSITORY, host, chart.strip(), true, URI.create(base));
  }

  /** Whether this is an OCI repository or a chart in an HTTP Helm repository. */
  public Kind kind() {
    return kind;
  }

  /** The registry host, with its port when one was given: {@code ghcr.io}, {@code docker.io}. */
  public String registry() {
    return registry;
  }

  /**
   * The repository inside the registry ({@code stefanprodan/charts/podinfo}, {@code
   * library/nginx}), or the chart name for an HTTP Helm repository.
   */
  public String repository() {
    return repository;
  }

  /** The last path component: the chart or image name without its namespace. */
  public String name() {
    return repository.substring(repository.lastIndexOf('/') + 1);
  }

  /** True for Helm charts: references written with {@code oci://} and HTTP Helm repositories. */
  public boolean isChart() {
    return chart;
  }

  /** The base URL of an HTTP Helm repository; empty for OCI references. */
  public Optional<URI> helmRepository() {
    return Optional.ofNullable(helmRepository);
  }

  /**
   * The reference as an image name without scheme, as it appears in a manifest's {@code image:}
   * value: {@code ghcr.io/org/app}. For HTTP Helm repositories this is the chart name.
   */
  public String imageName() {
    if (kind == Kind.HELM_REPOSITORY) {
      return repository;
    }
    return registry + "/" + repository;
  }

  /**
   * Whether {@code writtenName}, an image name as a manifest writes it without tag or digest
   * ({@code nginx}, {@code docker.io/library/nginx}, {@code ghcr.io/org/app}), names this
   * repository: the same registry host and repository path.
   */
  public boolean isNamedBy(String writtenName) {
    if (writtenName.equals(imageName())) {
      return true;
    }
    if (kind != Kind.OCI) {
      return false;
    }
    try {
      ArtifactRef written = parse(writtenName);
      return written.registry.equals(registry) && written.repository.equals(repository);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The tag as users see it: Helm charts in OCI store {@code +} as {@code _}, this turns it back.
   */
  public String displayTag(String registryTag) {
    return chart && kind == Kind.OCI ? registryTag.replace('_', '+') : registryTag;
  }

  /** The tag as the registry stores it: the inverse of {@link #displayTag}. */
  public String registryTag(String displayTag) {
    return chart && kind == Kind.OCI ? displayTag.replace('+', '_') : displayTag;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactRef
        && ((ArtifactRef) o).kind == kind
        && ((ArtifactRef) o).chart == chart
        && ((ArtifactRef) o).registry.equals(registry)
        && ((ArtifactRef) o).repository.equals(repository)
        && Objects.equals(((ArtifactRef) o).helmRepository, helmRepository);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, registry, repository, chart, helmRepository);
  }

  /**
   * The canonical form: {@code oci://ghcr.io/org/app}, {@code docker.io/library/nginx}, or {@code
   * https://charts.example.com#app}.
   */
  @Override
  public String toString() {
    if (kind == Kind.HELM_REPOSITORY) {
      // a repository URL may carry credentials; the text form is for people and never shows them
      return Redaction.redact(helmRepository + "#" + repository);
    }
    return (chart ? "oci://" : "") + registry + "/" + repository;
  }
}
