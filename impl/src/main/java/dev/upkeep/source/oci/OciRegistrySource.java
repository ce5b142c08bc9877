package dev.upkeep.source.oci;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Redaction;
import dev.upkeep.internal.cache.PackageCache;
import dev.upkeep.internal.http.HttpTransport;
import dev.upkeep.internal.http.Sleeper;
import dev.upkeep.json.Json;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the tags of charts and images in OCI distribution-spec registries (GHCR, Docker Hub, ECR,
 * Harbor, Artifactory, {@code registry:2}) and resolves tags to manifest digests.
 *
 * <pre>{@code
 * RegistrySource source = OciRegistrySource.builder()
 *     .insecureRegistry("registry.lan:5000")
 *     .credentials("ghcr.io", "bot", System.getenv("GHCR_TOKEN"))
 *     .build();
 * List<String> tags = source.listTags(ArtifactRef.parse("oci://ghcr.io/stefanprodan/charts/podinfo"));
 * }</pre>
 *
 * <p><b>Authentication</b> answers the registry's {@code 401} challenge: a Bearer token for scope
 * {@code repository:NAME:pull} from the named realm (anonymous when no credentials are known, as
 * GHCR and Docker Hub allow for public repositories), or Basic auth. Credentials come from {@link
 * Builder#credentials}, else from the Docker configuration ({@code ~/.docker/config.json} or {@code
 * $DOCKER_CONFIG}: {@code auths}, {@code credHelpers}, {@code credsStore}), else from the
 * well-known credential helpers, through Jib's credential machinery. Tokens are cached per registry
 * and scope until they expire. Credentials are never sent to another host after a redirect, never
 * logged and never part of an exception message.
 *
 * <p><b>Tag lists</b> follow {@code Link} pagination (relative or absolute), stop with an error on
 * a loop or after {@link Builder#maxPages} pages, and cope with registries that ignore {@code n} or
 * return tags unsorted. Concurrent calls for the same artifact share one fetch. <b>Digests</b> come
 * from a {@code HEAD} of the manifest with the OCI index, OCI manifest and Docker v2 manifest and
 * list media types accepted (Helm charts are OCI manifests).
 *
 * <p><b>Faults</b>: {@code 429} and {@code 500/502/503/504} are retried with {@code Retry-After}
 * (seconds or HTTP date) or jittered exponential backoff, up to {@link Builder#maxAttempts}; all
 * other failures raise a one-line {@link RegistryException} naming the host and repository and what
 * to do. Every answer is read through a limit ({@link Builder#maxManifestBytes} and its siblings);
 * proxies come from {@code HTTPS_PROXY}/{@code NO_PROXY} or the JVM's proxy properties. Plain HTTP
 * (and unverified TLS) is used only for hosts marked with {@link Builder#insecureRegistry} and for
 * loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}), as Docker does. Those are
 * asked over plain HTTP first (a TLS hello to a plain server may get no answer until the read
 * timeout) and switch to HTTPS, without certificate checks, when the server answers that it speaks
 * TLS (Go and nginx servers say so in a 400).
 *
 * <p>Docker Hub references ({@code docker.io/...}, {@code nginx}) are served from {@code
 * registry-1.docker.io}.
 *
 * <p>Immutable and thread-safe: one instance serves any number of concurrent calls.
 */
public final class OciRegistrySource implements RegistrySource, ChartInspector, AutoCloseable {
  /** The registry host Docker Hub's API answers on. */
  static final String DOCKER_HUB_API = "registry-1.docker.io";

  /** The config media type {@code helm push} gives a chart. */
  static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";

  /** The media type of a chart's package layer. */
  static final String HELM_CONTENT = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

  /** Every manifest type a tag may point to; distribution hides OCI types from other clients. */
  static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final System.Logger LOG = Redaction.logger(OciRegistrySource.class.getName());
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern NEXT_LINK =
      Pattern.compile("<([^>]*)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?", Pattern.CASE_INSENSITIVE);

  private final Settings settings;
  private final RegistryHttp http;
  private final Optional<PackageCache> packages;
  private final Map<ArtifactRef, CompletableFuture<List<String>>> inFlight =
      new ConcurrentHashMap<>();

  private OciRegistrySource(Settings settings, Optional<PackageCache> packages) {
    this.settings = settings;
    this.http = new RegistryHttp(settings);
    this.packages = packages;
  }

  /** A source with the defaults: Docker credentials, HTTPS except for loopback hosts. */
  public static OciRegistrySource create() {
    return builder().build();
  }

  /** A builder for a source with options. */
  public static Builder builder() {
    return new Builder();
  }

  /** True for OCI references ({@link ArtifactRef.Kind#OCI}); HTTP Helm repositories are not. */
  @Override
  public boolean supports(ArtifactRef ref) {
    return ref != null && ref.kind() == ArtifactRef.Kind.OCI;
  }

  /**
   * All tags of {@code ref} as the registry spells them (charts store {@code +} as {@code _}), each
   * once, in the registry's order.
   *
   * @throws RegistryException when the registry is unreachable, refuses access, does not know the
   *     repository, or answers something that is not a tag list
   * @throws IllegalArgumentException when {@code ref} is not an OCI reference
   */
  @Override
  public List<String> listTags(ArtifactRef ref) {
    RegistryHttp.Target t = target(ref, "cannot list tags of");
    CompletableFuture<List<String>> mine = new CompletableFuture<>();
    CompletableFuture<List<String>> running = inFlight.putIfAbsent(ref, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RegistryException) {
          throw new RegistryException(e.getCause().getMessage(), e.getCause());
        }
        throw e;
      }
    }
    try {
      List<String> tags = fetchTags(t);
      mine.complete(tags);
      return tags;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(ref, mine);
    }
  }

  private List<String> fetchTags(RegistryHttp.Target t) {
    String repository = t.ref.repository();
    String next = "/v2/" + repository + "/tags/list?n=" + settings.pageSize;
    Set<String> visited = new HashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    for (int page = 1; ; page++) {
      RegistryHttp.Reply r = http.send(t, "GET", next, "application/json", settings.tagPageLimit);
      visited.add(r.uri.toString());
      if (r.status == 404) {
        throw t.fail(notFound(t, r));
      }
      if (r.status != 200) {
        throw t.fail(unexpected(t, r));
      }
      List<String> pageTags = parseTags(t, r);
      int before = tags.size();
      tags.addAll(pageTags);
      Optional<String> link = r.joinedHeader("Link").flatMap(OciRegistrySource::nextLink);
      if (link.isEmpty()) {
        break;
      }
      URI nextUri;
      try {
        nextUri = HttpTransport.resolve(r.uri, link.get());
      } catch (IllegalArgumentException e) {
        throw t.fail(t.apiHost + " sent an invalid Link header \"" + link.get() + "\"");
      }
      if (!t.apiHost.equalsIgnoreCase(nextUri.getRawAuthority())) {
        throw t.fail(
            t.apiHost
                + " pointed the next page of tags to another host ("
                + nextUri.getRawAuthority()
                + "); refusing to follow");
      }
      if (visited.contains(nextUri.toString()) || (tags.size() == before && !pageTags.isEmpty())) {
        throw t.fail(
            t.apiHost
                + " sent a tag list whose pages loop (page "
                + page
                + " links back to \""
                + link.get()
                + "\"); the registry's pagination is broken, report it to its operators");
      }
      if (page >= settings.maxPages) {
        throw t.fail(
            "the tag list has more than "
                + settings.maxPages
                + " pages ("
                + tags.size()
                + " tags so far); raise maxPages if that is expected");
      }
      next = nextUri.toString();
    }
    LOG.log(
        System.Logger.Level.DEBUG,
        "{0}: {1} tags",
        t.ref.imageName(),
        Integer.valueOf(tags.size()));
    return List.copyOf(tags);
  }

  private static List<String> parseTags(RegistryHttp.Target t, RegistryHttp.Reply r) {
    String body = r.text();
    if (r.contentType().contains("html") || body.stripLeading().startsWith("<")) {
      throw t.fail(
          t.apiHost
              + " answered an HTML page instead of a tag list; check that the host is an OCI"
              + " registry and not a web site or proxy login page");
    }
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (Json.MalformedException e) {
      throw t.fail(
          t.apiHost
              + " answered a malformed tag list ("
              + e.getMessage()
              + ", "
              + r.body.length
              + " bytes); try again, and report it to the registry's operators if it persists");
    }
    if (!(parsed instanceof Map)) {
      throw t.fail(t.apiHost + " answered JSON that is not a tag list");
    }
    Object tags = ((Map<?, ?>) parsed).get("tags");
    if (tags == null) {
      return List.of(); // distribution answers "tags": null for a repository with no tags
    }
    if (!(tags instanceof List)) {
      throw t.fail(t.apiHost + " answered a tag list whose \"tags\" is not an array");
    }
    List<String> out = new ArrayList<>();
    for (Object tag : (List<?>) tags) {
      if (!(tag instanceof String)) {
        throw t.fail(t.apiHost + " answered a tag list with a non-string tag");
      }
      out.add((String) tag);
    }
    return out;
  }

  /**
   * The digest of the manifest {@code tag} points to, or empty when the repository has no such tag.
   * A chart version written with {@code +} is looked up as Helm stores it, with {@code _}.
   *
   * @throws RegistryException when the registry is unreachable, refuses access or does not know the
   *     repository
   * @throws IllegalArgumentException when {@code tag} cannot be an OCI tag
   */
  @Override
  public Optional<String> digest(ArtifactRef ref, String tag) {
    Objects.requireNonNull(tag, "tag");
    String registryTag = tag.replace('+', '_');
    if (!TAG.matcher(registryTag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag \""
              + tag
              + "\" for "
              + ref
              + ": OCI tags are up to 128 letters, digits, '_', '.' and '-', not starting with '.'"
              + " or '-'");
    }
    RegistryHttp.Target t = target(ref, "cannot resolve tag \"" + tag + "\" of");
    String path = "/v2/" + t.ref.repository() + "/manifests/" + registryTag;
    RegistryHttp.Reply head = http.send(t, "HEAD", path, MANIFEST_ACCEPT, settings.manifestLimit);
    if (head.status == 200) {
      Optional<String> digest =
          head.header("Docker-Content-Digest")
              .map(String::strip)
              .filter(d -> DIGEST.matcher(d).matches());
      if (digest.isPresent() && !head.contentType().contains("html")) {
        return digest;
      }
    } else if (head.status != 404) {
      throw t.fail(unexpected(t, head));
    }
    // No digest header, or a 404 whose reason (unknown tag or unknown repository) is in the body.
    RegistryHttp.Reply get = http.send(t, "GET", path, MANIFEST_ACCEPT, settings.manifestLimit);
    if (get.status == 404) {
      if (RegistryHttp.errorCode(get).filter("NAME_UNKNOWN"::equals).isPresent()) {
        throw t.fail(notFound(t, get));
      }
      return Optional.empty();
    }
    if (get.status != 200) {
      throw t.fail(unexpected(t, get));
    }
    if (get.contentType().contains("html") || get.text().stripLeading().startsWith("<")) {
      throw t.fail(
          t.apiHost
              + " answered an HTML page instead of a manifest; check that the host is an OCI"
              + " registry and not a web site or proxy login page");
    }
    return Optional.of(
        get.header("Docker-Content-Digest")
            .map(String::strip)
            .filter(d -> DIGEST.matcher(d).matches())
            .orElseGet(() -> PackageCache.sha256(get.body)));
  }

  /**
   * The {@code Chart.yaml} metadata of chart version {@code tag}, read from the chart's OCI config
   * blob, or empty when the tag does not exist.
   *
   * @throws RegistryException when the registry fails, or the artifact is not a Helm chart
   */
  @Override
  public Optional<ChartMetadata> chart(ArtifactRef ref, String tag) {
    Objects.requireNonNull(tag, "tag");
    RegistryHttp.Target t = target(ref, "cannot read chart \"" + tag + "\" of");
    Optional<RegistryHttp.Reply> found = chartManifest(t, ref, tag);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    RegistryHttp.Reply manifest = found.get();
    Map<?, ?> config = (Map<?, ?>) object(t, manifest, "manifest").get("config");
    Object configDigest = config.get("digest");
    if (!(configDigest instanceof String) || !DIGEST.matcher((String) configDigest).matches()) {
      throw t.fail(t.apiHost + " answered a chart manifest without a valid config digest");
    }
    RegistryHttp.Reply blob =
        http.send(
            t,
            "GET",
            "/v2/" + t.ref.repository() + "/blobs/" + configDigest,
            HELM_CONFIG,
            settings.blobLimit);
    if (blob.status != 200) {
      throw t.fail(unexpected(t, blob));
    }
    Map<?, ?> chart = object(t, blob, "chart config");
    Map<String, String> annotations = new java.util.TreeMap<>();
    if (chart.get("annotations") instanceof Map<?, ?>) {
      ((Map<?, ?>) chart.get("annotations"))
          .forEach((k, v) -> annotations.put(String.valueOf(k), String.valueOf(v)));
    }
    String digest =
        manifest
            .header("Docker-Content-Digest")
            .map(String::strip)
            .filter(d -> DIGEST.matcher(d).matches())
            .orElseGet(() -> PackageCache.sha256(manifest.body));
    return Optional.of(
        new ChartMetadata(
            String.valueOf(chart.get("name")),
            String.valueOf(chart.get("version")),
            annotations,
            digest));
  }

  /**
   * The chart package of version {@code tag}, read from the chart's content layer ({@value
   * #HELM_CONTENT}), or empty when the tag does not exist. The layer's declared size is checked
   * before it is downloaded.
   *
   * @throws RegistryException when the registry fails, the artifact is not a Helm chart, or the
   *     package is larger than {@code maxBytes}
   */
  @Override
  public Optional<byte[]> archive(ArtifactRef ref, String tag, long maxBytes) {
    return archiveOf(ref, tag, maxBytes).map(ChartArchive::bytes);
  }

  /**
   * The chart package of version {@code tag} as {@link #archive} reads it, with the digest of the
   * chart's content layer, which the manifest names: the manifest is read now, the layer (from the
   * package cache, else the registry) when its bytes are asked for, and checked against the digest.
   *
   * @throws RegistryException as {@link #archive}
   */
  @Override
  public Optional<ChartArchive> archiveOf(ArtifactRef ref, String tag, long maxBytes) {
    Objects.requireNonNull(tag, "tag");
    RegistryHttp.Target t = target(ref, "cannot download chart \"" + tag + "\" of");
    Optional<RegistryHttp.Reply> manifest = chartManifest(t, ref, tag);
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    Object layers = object(t, manifest.get(), "manifest").get("layers");
    Map<?, ?> content = null;
    if (layers instanceof List<?>) {
      for (Object layer : (List<?>) layers) {
        if (layer instanceof Map<?, ?>
            && HELM_CONTENT.equals(((Map<?, ?>) layer).get("mediaType"))) {
          content = (Map<?, ?>) layer;
        }
      }
    }
    if (content == null || !(content.get("digest") instanceof String)) {
      throw t.fail(ref + ":" + tag + " has no chart content layer (" + HELM_CONTENT + ")");
    }
    String digest = (String) content.get("digest");
    if (!DIGEST.matcher(digest).matches()) {
      throw t.fail(t.apiHost + " answered a chart manifest with an invalid layer digest");
    }
    if (content.get("size") instanceof Number
        && ((Number) content.get("size")).longValue() > maxBytes) {
      throw t.fail(tooLarge(ref, tag, ((Number) content.get("size")).longValue(), maxBytes));
    }
    return Optional.of(ChartArchive.of(digest, () -> layer(t, ref, tag, digest, maxBytes)));
  }

  /** The chart content layer {@code digest}: kept, or downloaded, checked and kept. */
  private byte[] layer(
      RegistryHttp.Target t, ArtifactRef ref, String tag, String digest, long maxBytes) {
    Optional<byte[]> kept = packages.flatMap(p -> p.get(digest, maxBytes));
    if (kept.isPresent()) {
      return kept.get();
    }
    RegistryHttp.Reply blob =
        http.send(
            t, "GET", "/v2/" + t.ref.repository() + "/blobs/" + digest, HELM_CONTENT, maxBytes);
    if (blob.status != 200) {
      throw t.fail(unexpected(t, blob));
    }
    if (blob.body.length > maxBytes) {
      throw t.fail(tooLarge(ref, tag, blob.body.length, maxBytes));
    }
    if (!PackageCache.sha256(blob.body).equals(digest)) {
      throw t.fail(t.apiHost + " answered a chart package whose digest is not " + digest);
    }
    packages.ifPresent(p -> p.put(digest, blob.body));
    return blob.body;
  }

  private static String tooLarge(ArtifactRef ref, String tag, long size, long maxBytes) {
    return ref
        + ":"
        + tag
        + " is a "
        + size
        + "-byte package, larger than the "
        + maxBytes
        + "-byte limit";
  }

  /** The manifest of a chart version, checked to be a Helm chart; empty for an unknown tag. */
  private Optional<RegistryHttp.Reply> chartManifest(
      RegistryHttp.Target t, ArtifactRef ref, String tag) {
    String registryTag = tag.replace('+', '_');
    String path = "/v2/" + t.ref.repository() + "/manifests/" + registryTag;
    RegistryHttp.Reply manifest =
        http.send(t, "GET", path, MANIFEST_ACCEPT, settings.manifestLimit);
    if (manifest.status == 404) {
      if (RegistryHttp.errorCode(manifest).filter("NAME_UNKNOWN"::equals).isPresent()) {
        throw t.fail(notFound(t, manifest));
      }
      return Optional.empty();
    }
    if (manifest.status != 200) {
      throw t.fail(unexpected(t, manifest));
    }
    Object config = object(t, manifest, "manifest").get("config");
    Object mediaType = config instanceof Map<?, ?> ? ((Map<?, ?>) config).get("mediaType") : null;
    if (!HELM_CONFIG.equals(mediaType)) {
      throw t.fail(
          ref
              + ":"
              + tag
              + " is not a Helm chart: its config media type is \""
              + mediaType
              + "\", not \""
              + HELM_CONFIG
              + "\"");
    }
    return Optional.of(manifest);
  }

  private static Map<?, ?> object(RegistryHttp.Target t, RegistryHttp.Reply r, String what) {
    try {
      Object parsed = Json.parse(r.text());
      if (parsed instanceof Map<?, ?>) {
        return (Map<?, ?>) parsed;
      }
    } catch (Json.MalformedException e) {
      throw t.fail(t.apiHost + " answered a malformed " + what + " (" + e.getMessage() + ")");
    }
    throw t.fail(t.apiHost + " answered a " + what + " that is not a JSON object");
  }

  private RegistryHttp.Target target(ArtifactRef ref, String action) {
    Objects.requireNonNull(ref, "ref");
    if (!supports(ref)) {
      throw new IllegalArgumentException(
          "OciRegistrySource serves OCI references, not \"" + ref + "\"; use HelmRepositorySource");
    }
    // ArtifactRef.parse, the only way to an OCI reference, checked the host and every path
    // component against the distribution grammar already (Jib's parse would again, and its first
    // use costs a command line ~40 ms: locale data for its patterns, java.util.logging for Guava)
    return new RegistryHttp.Target(ref, apiHost(ref), action);
  }

  /** The host whose API serves {@code ref}: Docker Hub's is not {@code docker.io}. */
  static String apiHost(ArtifactRef ref) {
    return ref.registry().equals(ArtifactRef.DOCKER_HUB) ? DOCKER_HUB_API : ref.registry();
  }

  private static String notFound(RegistryHttp.Target t, RegistryHttp.Reply r) {
    return "repository \""
        + t.ref.repository()
        + "\" not found on "
        + t.apiHost
        + " (HTTP 404"
        + RegistryHttp.errorDetail(r).replaceFirst("^ \\(", ", ").replaceFirst("\\)$", "")
        + "); check the name, and the credentials if it is private";
  }

  private static String unexpected(RegistryHttp.Target t, RegistryHttp.Reply r) {
    return t.apiHost
        + " answered HTTP "
        + r.status
        + RegistryHttp.errorDetail(r)
        + "; expected 200 from an OCI distribution API";
  }

  static Optional<String> nextLink(String header) {
    Matcher m = NEXT_LINK.matcher(header);
    return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
  }

  @Override
  public String toString() {
    return "OciRegistrySource[insecure=" + settings.insecureHosts + "]";
  }

  /**
   * Options of an {@link OciRegistrySource}. Not thread-safe; {@link #build()} returns an immutable
   * source.
   */
  public static final class Builder {
    private final Set<String> insecureHosts = new LinkedHashSet<>();
    private final Map<String, String[]> credentials = new HashMap<>();
    private Path dockerConfig;
    private boolean useDockerConfig = true;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private int pageSize = 1000;
    private int maxPages = 1000;
    private String userAgent = "upkeep/0.1";
    private Sleeper sleeper = Sleeper.REAL;
    private long manifestLimit = 4L << 20;
    private long tagPageLimit = 8L << 20;
    private long blobLimit = 16L << 20;
    private Path packageCache;
    private long packageCacheBytes = PackageCache.DEFAULT_MAX_BYTES;

    private Builder() {}

    /**
     * Keeps the chart packages this source downloads in {@code directory} (made when first needed,
     * readable by its owner only), at most 512 MiB of them; see {@link #cache(Path, long)}.
     */
    public Builder cache(Path directory) {
      return cache(directory, PackageCache.DEFAULT_MAX_BYTES);
    }

    /**
     * Keeps the chart packages this source downloads in {@code directory}, named by their digest,
     * and reads a package from there when a chart manifest names that digest again: a chart review
     * of the same move, in a later run or another repository of a fleet, downloads it once. The
     * manifest is still asked for each time (tags move); a kept package is checked against its
     * digest on every read. At most {@code maxBytes} in all: beyond that, the packages read longest
     * ago are deleted. A directory that cannot be written costs downloads, never a run. Default:
     * none.
     */
    public Builder cache(Path directory, long maxBytes) {
      this.packageCache = Objects.requireNonNull(directory, "directory");
      this.packageCacheBytes = limit(maxBytes, "package cache bytes");
      return this;
    }

    /**
     * Allows plain HTTP and unverified TLS for {@code host} ({@code name} or {@code name:port}, as
     * in references); it is asked over plain HTTP first and over HTTPS when it answers that it
     * speaks TLS. Loopback hosts need no marking.
     *
     * @throws IllegalArgumentException when {@code host} is not a host with an optional port
     */
    public Builder insecureRegistry(String host) {
      Objects.requireNonNull(host, "host");
      String h = host.strip().toLowerCase(Locale.ROOT);
      if (h.isEmpty() || h.contains("/") || h.contains("@") || h.contains(" ")) {
        throw new IllegalArgumentException(
            "insecure registry must be a host with an optional port such as 127.0.0.1:5000, got \""
                + host
                + "\"");
      }
      insecureHosts.add(h);
      return this;
    }

    /**
     * Uses {@code username}/{@code password} (or a token as password) for {@code registry}, as
     * written in references ({@code ghcr.io}, {@code docker.io}, {@code 127.0.0.1:5000}), before
     * any Docker configuration. A user name of {@code <token>} marks an identity (refresh) token.
     */
    public Builder credentials(String registry, String username, String password) {
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Redaction.registerSecret(password);
      String r = registry.strip().toLowerCase(Locale.ROOT);
      if (r.equals("index.docker.io") || r.equals(DOCKER_HUB_API)) {
        r = ArtifactRef.DOCKER_HUB;
      }
      credentials.put(r, new String[] {username, password});
      return this;
    }

    /** Reads Docker credentials from {@code configJson} instead of the default location. */
    public Builder dockerConfig(Path configJson) {
      this.dockerConfig = Objects.requireNonNull(configJson, "configJson");
      this.useDockerConfig = true;
      return this;
    }

    /** Uses only {@link #credentials}: no Docker configuration and no credential helpers. */
    public Builder ignoreDockerConfig() {
      this.useDockerConfig = false;
      return this;
    }

    /** How long to wait for a connection; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /** How long to wait for an answer; default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "read timeout");
      return this;
    }

    /** Attempts per request for {@code 429}, {@code 5xx} and dropped connections; default 4. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("max attempts must be 1 to 20, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Backoff between attempts when the registry sends no {@code Retry-After}: {@code initial},
     * doubling up to {@code max}, each wait jittered to between half and all of it. Default 500 ms
     * to 10 s.
     */
    public Builder backoff(Duration initial, Duration max) {
      positive(initial, "initial backoff");
      positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "max backoff " + max + " must not be shorter than initial backoff " + initial);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * The longest {@code Retry-After} this source waits; a longer one fails at once. Default 60 s.
     */
    public Builder maxRetryAfter(Duration max) {
      if (max.isNegative()) {
        throw new IllegalArgumentException("max Retry-After must not be negative, got " + max);
      }
      this.maxRetryAfter = max;
      return this;
    }

    /** Tags asked for per page ({@code n}); default 1000. Registries may send fewer. */
    public Builder pageSize(int size) {
      if (size < 1 || size > 10_000) {
        throw new IllegalArgumentException("page size must be 1 to 10000, got " + size);
      }
      this.pageSize = size;
      return this;
    }

    /** The most pages of tags read for one artifact before giving up; default 1000. */
    public Builder maxPages(int pages) {
      if (pages < 1) {
        throw new IllegalArgumentException("max pages must be at least 1, got " + pages);
      }
      this.maxPages = pages;
      return this;
    }

    /** The {@code User-Agent} header; default {@code upkeep/0.1}. */
    public Builder userAgent(String userAgent) {
      if (userAgent == null || userAgent.isBlank() || userAgent.contains("\n")) {
        throw new IllegalArgumentException("user agent must be one non-blank line");
      }
      this.userAgent = userAgent;
      return this;
    }

    /**
     * The largest manifest read; default 4 MiB, the limit the distribution spec suggests registries
     * accept. A larger answer fails with an error naming the URL and the limit.
     */
    public Builder maxManifestBytes(long bytes) {
      this.manifestLimit = limit(bytes, "max manifest bytes");
      return this;
    }

    /** The largest page of a tag list read; default 8 MiB (about 200,000 tags). */
    public Builder maxTagListPageBytes(long bytes) {
      this.tagPageLimit = limit(bytes, "max tag list page bytes");
      return this;
    }

    /** The largest blob read, such as a chart's config or package; default 16 MiB. */
    public Builder maxBlobBytes(long bytes) {
      this.blobLimit = limit(bytes, "max blob bytes");
      return this;
    }

    private static long limit(long bytes, String what) {
      if (bytes < 1024) {
        throw new IllegalArgumentException(what + " must be at least 1024, got " + bytes);
      }
      return bytes;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /** An immutable, thread-safe source with these options. */
    public OciRegistrySource build() {
      return new OciRegistrySource(
          buildSettings(),
          Optional.ofNullable(packageCache).map(dir -> new PackageCache(dir, packageCacheBytes)));
    }

    Settings buildSettings() {
      return new Settings(
          insecureHosts,
          credentials,
          dockerConfig,
          useDockerConfig,
          connectTimeout,
          readTimeout,
          maxAttempts,
          initialBackoff,
          maxBackoff,
          maxRetryAfter,
          pageSize,
          maxPages,
          userAgent,
          sleeper,
          manifestLimit,
          tagPageLimit,
          blobLimit);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }

  /**
   * Stops this source's HTTP connection threads. Optional (they are daemon threads), but a JVM that
   * exits with one open waits up to 300 ms for it. A later call opens new connections.
   */
  @Override
  public void close() {
    http.close();
  }
}
