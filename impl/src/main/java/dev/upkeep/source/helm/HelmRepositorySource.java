package dev.upkeep.source.helm;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Redaction;
import dev.upkeep.internal.cache.PackageCache;
import dev.upkeep.internal.http.HostRules;
import dev.upkeep.internal.http.HttpCall;
import dev.upkeep.internal.http.HttpFailure;
import dev.upkeep.internal.http.HttpReply;
import dev.upkeep.internal.http.HttpTransport;
import dev.upkeep.internal.http.Sleeper;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
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
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Lists chart versions from classic HTTP Helm repositories ({@code helm repo add NAME URL}): it
 * reads the repository's {@code index.yaml} and answers the versions and package digests of one
 * chart.
 *
 * <pre>{@code
 * RegistrySource source = HelmRepositorySource.create();
 * ArtifactRef ref = ArtifactRef.helmChart(URI.create("https://stefanprodan.github.io/podinfo"), "podinfo");
 * List<String> versions = source.listTags(ref);
 * }</pre>
 *
 * <p>The index is streamed, never held whole: only chart names, versions and digests are kept, so
 * indexes of 10–50 MB cost little memory. One index serves every chart of its repository; it is
 * revalidated on each call with {@code If-None-Match} (its {@code ETag}) or {@code
 * If-Modified-Since}, so an unchanged index is not downloaded again, and concurrent calls for the
 * same repository share one download. It is read through a cap ({@link Builder#maxIndexBytes}, 256
 * MiB by default). {@code 429} and {@code 5xx} are retried with {@code Retry-After} or jittered
 * backoff. Basic credentials go only to their host, only over HTTPS unless the host is loopback or
 * {@linkplain Builder#insecureRepository marked insecure}; redirects (common for indexes on object
 * storage) drop them. Proxies come from {@code HTTPS_PROXY}/{@code NO_PROXY} or the JVM's
 * properties.
 *
 * <p>Immutable and thread-safe.
 */
public final class HelmRepositorySource implements RegistrySource, ChartInspector, AutoCloseable {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private static final System.Logger LOG = Redaction.logger(HelmRepositorySource.class.getName());

  private static final class Cached {
    final HelmIndex index;
    final String etag;
    final String lastModified;

    Cached(HelmIndex index, String etag, String lastModified) {
      this.index = index;
      this.etag = etag;
      this.lastModified = lastModified;
    }
  }

  private final Builder options;
  private final HttpTransport http;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<HelmIndex>> inFlight = new ConcurrentHashMap<>();
  private final Optional<PackageCache> packages;
  private final Optional<StoredIndexes> stored;

  private HelmRepositorySource(Builder options) {
    this.options = options;
    this.packages =
        Optional.ofNullable(options.packageCache)
            .map(dir -> new PackageCache(dir, options.packageCacheBytes));
    this.stored =
        Optional.ofNullable(options.packageCache)
            .map(dir -> new StoredIndexes(dir, options.maxIndexBytes));
    this.http =
        HttpTransport.builder()
            .connectTimeout(options.connectTimeout)
            .readTimeout(options.readTimeout)
            .maxAttempts(options.maxAttempts)
            .backoff(options.initialBackoff, options.maxBackoff)
            .maxRetryAfter(options.maxRetryAfter)
            .userAgent(options.userAgent)
            .serverNoun("repository server")
            .sleeper(options.sleeper)
            .hosts(HostRules.insecure(options.insecureHosts))
            .build();
  }

  /** A source with default timeouts and retries and no credentials. */
  public static HelmRepositorySource create() {
    return builder().build();
  }

  /** A builder for a source with options. */
  public static Builder builder() {
    return new Builder();
  }

  /** True for charts in HTTP Helm repositories ({@link ArtifactRef#helmChart}). */
  @Override
  public boolean supports(ArtifactRef ref) {
    return ref != null && ref.kind() == ArtifactRef.Kind.HELM_REPOSITORY;
  }

  /**
   * The versions of the chart as written in the index, in index order.
   *
   * @throws RegistryException when the index cannot be fetched or read, or does not list the chart
   */
  @Override
  public List<String> listTags(ArtifactRef ref) {
    List<String> versions = new ArrayList<>();
    for (HelmIndex.Version v : versions(ref, "cannot list versions of")) {
      versions.add(v.version);
    }
    return List.copyOf(versions);
  }

  /**
   * The digest of the chart package of {@code version} ({@code sha256:...}, from the index's {@code
   * digest} field), or empty when the index has no such version or no digest for it.
   *
   * @throws RegistryException when the index cannot be fetched or read, or does not list the chart
   */
  @Override
  public Optional<String> digest(ArtifactRef ref, String version) {
    Objects.requireNonNull(version, "version");
    return version(ref, version, "cannot resolve version \"" + version + "\" of")
        .map(HelmRepositorySource::sha256);
  }

  /**
   * The chart version as the repository's index states it: the chart's name, the version, no
   * annotations (the index is not the package), and the package digest when the index has one.
   * Empty when the index has no such version.
   *
   * @throws RegistryException when the index cannot be fetched or read, or does not list the chart
   */
  @Override
  public Optional<ChartMetadata> chart(ArtifactRef ref, String tag) {
    Objects.requireNonNull(tag, "tag");
    return version(ref, tag, "cannot read chart version \"" + tag + "\" of")
        .map(v -> new ChartMetadata(ref.repository(), v.version, Map.of(), sha256(v)));
  }

  /**
   * The chart package of {@code tag}, downloaded from the first of its index entry's {@code urls}
   * (resolved against the repository URL, as Helm does), at most {@code maxBytes} long and checked
   * against the index's digest when it has one. Credentials given for the repository's host are
   * sent only to that host. Empty when the index has no such version.
   *
   * @throws RegistryException when the index or the package cannot be fetched, the package is
   *     larger than {@code maxBytes}, or its digest is not the index's
   */
  @Override
  public Optional<byte[]> archive(ArtifactRef ref, String tag, long maxBytes) {
    return archiveOf(ref, tag, maxBytes).map(ChartArchive::bytes);
  }

  /**
   * The chart package of {@code tag} as {@link #archive} downloads it, with the digest the index
   * gives, the package downloaded when its bytes are asked for; a version the index gives no digest
   * for is downloaded now and hashed.
   *
   * @throws RegistryException as {@link #archive}
   */
  @Override
  public Optional<ChartArchive> archiveOf(ArtifactRef ref, String tag, long maxBytes) {
    Objects.requireNonNull(tag, "tag");
    String action = "cannot download chart version \"" + tag + "\" of";
    Optional<HelmIndex.Version> found = version(ref, tag, action);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String where =
        action + " chart \"" + ref.repository() + "\" in " + ref.helmRepository().orElseThrow();
    HelmIndex.Version v = found.get();
    String expected = sha256(v);
    if (expected != null && DIGEST.matcher(expected).matches()) {
      return Optional.of(
          ChartArchive.of(expected, () -> download(ref, v, expected, where, maxBytes)));
    }
    return Optional.of(ChartArchive.of(download(ref, v, expected, where, maxBytes)));
  }

  /** The package of {@code v}: kept, or downloaded, checked against {@code expected} and kept. */
  private byte[] download(
      ArtifactRef ref, HelmIndex.Version v, String expected, String where, long maxBytes) {
    URI base = ref.helmRepository().orElseThrow();
    if (expected != null) {
      Optional<byte[]> kept = packages.flatMap(p -> p.get(expected, maxBytes));
      if (kept.isPresent()) {
        return kept.get();
      }
    }
    if (v.url == null || v.url.isBlank()) {
      throw new RegistryException(where + ": the index names no package URL for it");
    }
    URI url;
    try {
      url = URI.create(base + "/").resolve(v.url.strip());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(where + ": the index names an invalid package URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new RegistryException(
          where + ": the package URL is not http(s) (scheme \"" + scheme + "\")");
    }
    HttpCall call =
        HttpCall.get(url)
            .header("Accept", "application/gzip, application/x-tar, application/octet-stream, */*")
            .limit(maxBytes)
            .followRedirects();
    String host = url.getRawAuthority() == null ? "" : url.getRawAuthority();
    if (host.equalsIgnoreCase(base.getRawAuthority())) {
      call = withCredentials(call, host);
    }
    byte[] bytes;
    try (HttpReply response = http.fetch(call)) {
      if (response.status() == 404) {
        throw new RegistryException(where + ": " + host + " has no package there (HTTP 404)");
      }
      if (response.status() != 200) {
        throw new RegistryException(
            where + ": " + host + " answered HTTP " + response.status() + " for the package");
      }
      bytes = response.bytes();
    } catch (HttpFailure e) {
      throw new RegistryException(where + ": " + e.getMessage(), e);
    }
    if (expected != null) {
      String actual = PackageCache.sha256(bytes);
      if (!expected.equals(actual)) {
        throw new RegistryException(
            where + ": the package's digest is " + actual + ", not the index's " + expected);
      }
      packages.ifPresent(p -> p.put(expected, bytes));
    }
    return bytes;
  }

  private Optional<HelmIndex.Version> version(ArtifactRef ref, String tag, String action) {
    return versions(ref, action).stream().filter(v -> v.version.equals(tag)).findFirst();
  }

  private static String sha256(HelmIndex.Version v) {
    if (v.digest == null || v.digest.isBlank()) {
      return null;
    }
    String d = v.digest.strip().toLowerCase(Locale.ROOT);
    return d.contains(":") ? d : "sha256:" + d;
  }

  private HttpCall withCredentials(HttpCall call, String host) {
    String[] credentials = options.credentials.get(host.toLowerCase(Locale.ROOT));
    if (credentials == null) {
      return call;
    }
    return call.credential(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (credentials[0] + ":" + credentials[1]).getBytes(StandardCharsets.UTF_8)));
  }

  private List<HelmIndex.Version> versions(ArtifactRef ref, String action) {
    Objects.requireNonNull(ref, "ref");
    if (!supports(ref)) {
      throw new IllegalArgumentException(
          "HelmRepositorySource serves HTTP Helm repositories, not \""
              + ref
              + "\"; use OciRegistrySource");
    }
    URI base = ref.helmRepository().orElseThrow();
    String where = action + " chart \"" + ref.repository() + "\" in " + base;
    HelmIndex index = index(base, where);
    return index
        .chart(ref.repository())
        .orElseThrow(
            () ->
                new RegistryException(
                    where
                        + ": the index lists no chart of that name ("
                        + index.size()
                        + " charts); check the chart name"));
  }

  private HelmIndex index(URI base, String where) {
    String url = base + "/index.yaml";
    CompletableFuture<HelmIndex> mine = new CompletableFuture<>();
    CompletableFuture<HelmIndex> running = inFlight.putIfAbsent(url, mine);
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
      HelmIndex index = fetch(URI.create(url), where);
      mine.complete(index);
      return index;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(url, mine);
    }
  }

  private HelmIndex fetch(URI indexUrl, String where) {
    String host = indexUrl.getRawAuthority();
    Cached cached = cache.get(indexUrl.toString());
    if (cached == null) {
      // an earlier run's copy: the server says whether it still holds
      cached =
          stored
              .flatMap(s -> s.read(indexUrl))
              .map(s -> new Cached(s.index(), s.etag(), s.lastModified()))
              .orElse(null);
    }
    HttpCall call =
        HttpCall.get(indexUrl)
            .header("Accept", "application/x-yaml, text/yaml, application/yaml, */*")
            .limit(options.maxIndexBytes)
            .followRedirects();
    String[] credentials = options.credentials.get(host.toLowerCase(Locale.ROOT));
    call = withCredentials(call, host);
    if (cached != null && cached.etag != null) {
      call = call.header("If-None-Match", cached.etag);
    } else if (cached != null && cached.lastModified != null) {
      call = call.header("If-Modified-Since", cached.lastModified);
    }
    try (HttpReply response = http.open(call)) {
      int status = response.status();
      if (status == 304 && cached != null) {
        LOG.log(System.Logger.Level.DEBUG, "{0} unchanged", indexUrl);
        cache.put(indexUrl.toString(), cached);
        return cached.index;
      }
      if (status == 401 || status == 403) {
        throw new RegistryException(
            where
                + ": "
                + host
                + " refused access to index.yaml (HTTP "
                + status
                + "); "
                + (credentials == null
                    ? "pass credentials to HelmRepositorySource.builder().credentials(\""
                        + host
                        + "\", ...)"
                    : "check the username and password"));
      }
      if (status == 404) {
        throw new RegistryException(
            where + ": " + host + " has no index.yaml there (HTTP 404); check the repository URL");
      }
      if (status != 200) {
        throw new RegistryException(
            where + ": " + host + " answered HTTP " + status + " for index.yaml");
      }
      InputStream body = new BufferedInputStream(response.body(), 65536);
      body.mark(1024);
      byte[] head = body.readNBytes(512);
      body.reset();
      if (response.contentType().contains("html")
          || new String(head, StandardCharsets.UTF_8).stripLeading().startsWith("<")) {
        throw new RegistryException(
            where
                + ": "
                + host
                + " answered an HTML page instead of index.yaml; check the repository URL");
      }
      HelmIndex index;
      try {
        index = HelmIndex.read(body);
      } catch (HelmIndex.InvalidException e) {
        throw new RegistryException(
            where + ": index.yaml is not a Helm repository index (" + e.getMessage() + ")");
      } catch (YamlEngineException e) {
        throw new RegistryException(
            where + ": index.yaml is not valid YAML (" + firstLine(e.getMessage()) + ")");
      }
      String etag = response.header("ETag").orElse(null);
      String lastModified = response.header("Last-Modified").orElse(null);
      if (etag != null || lastModified != null) {
        cache.put(indexUrl.toString(), new Cached(index, etag, lastModified));
      }
      if (etag != null || strong(lastModified, response.header("Date").orElse(null))) {
        HelmIndex kept = index;
        stored.ifPresent(
            s -> s.write(indexUrl, new StoredIndexes.Stored(kept, etag, lastModified)));
      } else {
        // a copy whose validator the server no longer sends (or a weak one) is never asked for
        stored.ifPresent(s -> s.forget(indexUrl));
      }
      return index;
    } catch (HttpFailure e) {
      throw new RegistryException(where + ": " + e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new RegistryException(
          where
              + ": reading index.yaml from "
              + host
              + " failed ("
              + firstLine(e.getMessage())
              + ")",
          e);
    }
  }

  /**
   * Whether a {@code Last-Modified} alone tells versions apart: only when it is at least a second
   * before the answer's {@code Date} (RFC 9110, 8.8.2.2), as an index changed twice within its
   * second would otherwise be answered 304 until it changes again. Kept across runs only then.
   */
  static boolean strong(String lastModified, String date) {
    if (lastModified == null || date == null) {
      return false;
    }
    try {
      Instant modified = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(lastModified));
      Instant answered = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(date));
      return !modified.plusSeconds(1).isAfter(answered);
    } catch (DateTimeException e) {
      return false;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    String line = s.strip().split("\\R", 2)[0];
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** Options of a {@link HelmRepositorySource}. Not thread-safe; {@link #build()} copies them. */
  public static final class Builder {
    private final Map<String, String[]> credentials = new HashMap<>();
    private final Set<String> insecureHosts = new LinkedHashSet<>();
    private long maxIndexBytes = 256L << 20;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private String userAgent = "upkeep/0.1";
    private Sleeper sleeper = Sleeper.REAL;
    private Path packageCache;
    private long packageCacheBytes = PackageCache.DEFAULT_MAX_BYTES;

    private Builder() {}

    /**
     * Keeps what this source downloads in {@code directory} (made when first needed, readable by
     * its owner only) for later runs: chart packages named by the digest the repository's index
     * gives them (one without a digest is not kept), checked against it on every read, at most 512
     * MiB, as {@code OciRegistrySource.Builder.cache} does; and each repository's index, as the
     * versions, digests and package URLs read from it, with the {@code ETag} and {@code
     * Last-Modified} its server sent. The server is asked every time whether the index changed: an
     * answer of 304 costs neither the download nor the parse. Default: none.
     */
    public Builder cache(Path directory) {
      return cache(directory, PackageCache.DEFAULT_MAX_BYTES);
    }

    /** As {@link #cache(Path)}, at most {@code maxBytes} in all. */
    public Builder cache(Path directory, long maxBytes) {
      if (maxBytes < 1024) {
        throw new IllegalArgumentException(
            "package cache bytes must be at least 1024, got " + maxBytes);
      }
      this.packageCache = Objects.requireNonNull(directory, "directory");
      this.packageCacheBytes = maxBytes;
      return this;
    }

    /** Basic credentials for repositories on {@code host} ({@code name} or {@code name:port}). */
    public Builder credentials(String host, String username, String password) {
      Redaction.registerSecret(password);
      credentials.put(
          Objects.requireNonNull(host, "host").strip().toLowerCase(Locale.ROOT),
          new String[] {
            Objects.requireNonNull(username, "username"),
            Objects.requireNonNull(password, "password")
          });
      return this;
    }

    /**
     * Allows plain HTTP with credentials, and unverified TLS, for {@code host} ({@code name} or
     * {@code name:port}); loopback hosts need no marking.
     */
    public Builder insecureRepository(String host) {
      String h = Objects.requireNonNull(host, "host").strip().toLowerCase(Locale.ROOT);
      if (h.isEmpty() || h.contains("/") || h.contains("@")) {
        throw new IllegalArgumentException(
            "insecure repository must be a host with an optional port, got \"" + host + "\"");
      }
      insecureHosts.add(h);
      return this;
    }

    /**
     * The largest {@code index.yaml} read, streamed; default 256 MiB. A larger index fails with an
     * error naming its URL and the limit.
     */
    public Builder maxIndexBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max index bytes must be at least 1024, got " + bytes);
      }
      this.maxIndexBytes = bytes;
      return this;
    }

    /** How long to wait for a connection; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /** How long to wait for the next bytes of the index; default 60 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "read timeout");
      return this;
    }

    /** Attempts for {@code 429}, {@code 5xx} and dropped connections; default 4. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("max attempts must be 1 to 20, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Backoff without {@code Retry-After}: {@code initial} doubling up to {@code max}, jittered.
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

    /** The longest {@code Retry-After} waited for; a longer one fails at once. Default 60 s. */
    public Builder maxRetryAfter(Duration max) {
      if (max.isNegative()) {
        throw new IllegalArgumentException("max Retry-After must not be negative, got " + max);
      }
      this.maxRetryAfter = max;
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

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /** An immutable, thread-safe source with these options. */
    public HelmRepositorySource build() {
      Builder copy = new Builder();
      copy.credentials.putAll(credentials);
      copy.insecureHosts.addAll(insecureHosts);
      copy.maxIndexBytes = maxIndexBytes;
      copy.connectTimeout = connectTimeout;
      copy.readTimeout = readTimeout;
      copy.maxAttempts = maxAttempts;
      copy.initialBackoff = initialBackoff;
      copy.maxBackoff = maxBackoff;
      copy.maxRetryAfter = maxRetryAfter;
      copy.userAgent = userAgent;
      copy.sleeper = sleeper;
      copy.packageCache = packageCache;
      copy.packageCacheBytes = packageCacheBytes;
      return new HelmRepositorySource(copy);
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
