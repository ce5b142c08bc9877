package dev.upkeep.source.helm;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import dev.upkeep.ArtifactRef;
import dev.upkeep.Redaction;
import dev.upkeep.internal.registry.RetryTiming;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
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
 * same repository share one download. {@code 429} and {@code 5xx} are retried with {@code
 * Retry-After} or jittered backoff. Basic credentials go only to their host; redirects (common for
 * indexes on object storage) drop them.
 *
 * <p>Immutable and thread-safe.
 */
public final class HelmRepositorySource implements RegistrySource {
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
  private final HttpRequestFactory http = new NetHttpTransport().createRequestFactory();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<HelmIndex>> inFlight = new ConcurrentHashMap<>();

  private HelmRepositorySource(Builder options) {
    this.options = options;
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
    for (HelmIndex.Version v : versions(ref, "cannot resolve version \"" + version + "\" of")) {
      if (v.version.equals(version) && v.digest != null && !v.digest.isBlank()) {
        String d = v.digest.strip().toLowerCase(Locale.ROOT);
        return Optional.of(d.contains(":") ? d : "sha256:" + d);
      }
    }
    return Optional.empty();
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
    URI url = indexUrl;
    int redirects = 0;
    for (int attempt = 1; ; attempt++) {
      HttpResponse response = null;
      try {
        HttpRequest request = http.buildGetRequest(new GenericUrl(url.toString()));
        HttpHeaders headers = new HttpHeaders();
        headers.setAccept("application/x-yaml, text/yaml, application/yaml, */*");
        headers.setUserAgent(options.userAgent);
        // Credentials only for the repository's own host, never for where it redirects to.
        String[] credentials =
            url.getRawAuthority().equalsIgnoreCase(host)
                ? options.credentials.get(host.toLowerCase(Locale.ROOT))
                : null;
        if (credentials != null) {
          headers.setAuthorization(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (credentials[0] + ":" + credentials[1])
                              .getBytes(StandardCharsets.UTF_8)));
        }
        if (cached != null && cached.etag != null) {
          headers.setIfNoneMatch(cached.etag);
        } else if (cached != null && cached.lastModified != null) {
          headers.setIfModifiedSince(cached.lastModified);
        }
        request
            .setHeaders(headers)
            .setFollowRedirects(false)
            .setThrowExceptionOnExecuteError(false)
            .setNumberOfRetries(0)
            .setConnectTimeout((int) options.connectTimeout.toMillis())
            .setReadTimeout((int) options.readTimeout.toMillis());
        response = request.execute();
        int status = response.getStatusCode();
        String location = response.getHeaders().getLocation();
        if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
            && location != null) {
          URI next = url.resolve(location.strip());
          if (++redirects > 5
              || !("https".equalsIgnoreCase(next.getScheme())
                  || ("http".equalsIgnoreCase(next.getScheme())
                      && "http".equalsIgnoreCase(indexUrl.getScheme())))) {
            throw new RegistryException(
                where
                    + ": "
                    + host
                    + " redirects index.yaml "
                    + (redirects > 5 ? "more than 5 times" : "from HTTPS to \"" + next + "\"")
                    + "; refusing to follow");
          }
          url = next;
          attempt--;
          continue;
        }
        if (status == 304 && cached != null) {
          LOG.log(System.Logger.Level.DEBUG, "{0} unchanged", url);
          return cached.index;
        }
        if (RetryTiming.isTransient(status)) {
          Optional<Duration> retryAfter =
              RetryTiming.retryAfter(
                  response.getHeaders().getFirstHeaderStringValue("Retry-After"));
          if (attempt >= options.maxAttempts) {
            throw new RegistryException(
                where
                    + ": "
                    + host
                    + " answered HTTP "
                    + status
                    + " "
                    + attempt
                    + " times; try again later");
          }
          if (retryAfter.isPresent() && retryAfter.get().compareTo(options.maxRetryAfter) > 0) {
            throw new RegistryException(
                where
                    + ": "
                    + host
                    + " answered HTTP "
                    + status
                    + " and asks to wait "
                    + retryAfter.get().toSeconds()
                    + " s, longer than the "
                    + options.maxRetryAfter.toSeconds()
                    + " s this source waits; try again later");
          }
          pause(
              where,
              retryAfter.orElse(
                  RetryTiming.backoff(attempt, options.initialBackoff, options.maxBackoff)));
          continue;
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
              where
                  + ": "
                  + host
                  + " has no index.yaml there (HTTP 404); check the repository URL");
        }
        if (status != 200) {
          throw new RegistryException(
              where + ": " + host + " answered HTTP " + status + " for index.yaml");
        }
        String type =
            Optional.ofNullable(response.getContentType()).orElse("").toLowerCase(Locale.ROOT);
        InputStream body = new BufferedInputStream(response.getContent(), 65536);
        body.mark(1024);
        byte[] head = body.readNBytes(512);
        body.reset();
        if (type.contains("html")
            || new String(head, StandardCharsets.UTF_8).stripLeading().startsWith("<")) {
          throw new RegistryException(
              where
                  + ": "
                  + host
                  + " answered an HTML page instead of index.yaml; check the repository URL");
        }
        HelmIndex index;
        try (body) {
          index = HelmIndex.read(body);
        } catch (HelmIndex.InvalidException e) {
          throw new RegistryException(
              where + ": index.yaml is not a Helm repository index (" + e.getMessage() + ")");
        } catch (YamlEngineException e) {
          throw new RegistryException(
              where + ": index.yaml is not valid YAML (" + firstLine(e.getMessage()) + ")");
        }
        String etag = response.getHeaders().getETag();
        String lastModified = response.getHeaders().getLastModified();
        if (etag != null || lastModified != null) {
          cache.put(indexUrl.toString(), new Cached(index, etag, lastModified));
        }
        return index;
      } catch (UnknownHostException e) {
        throw new RegistryException(
            where
                + ": cannot resolve host \""
                + url.getHost()
                + "\"; check the repository URL and DNS",
            e);
      } catch (ConnectException e) {
        throw new RegistryException(
            where
                + ": cannot connect to "
                + host
                + "; check the URL and that the server is running",
            e);
      } catch (SocketTimeoutException e) {
        throw new RegistryException(
            where + ": " + host + " timed out; try again later or raise the timeouts", e);
      } catch (SSLException e) {
        throw new RegistryException(
            where + ": TLS with " + host + " failed (" + firstLine(e.getMessage()) + ")", e);
      } catch (IOException e) {
        if (attempt >= options.maxAttempts) {
          throw new RegistryException(
              where
                  + ": reading index.yaml from "
                  + host
                  + " failed ("
                  + firstLine(e.getMessage())
                  + ")",
              e);
        }
        pause(where, RetryTiming.backoff(attempt, options.initialBackoff, options.maxBackoff));
      } finally {
        if (response != null) {
          try {
            response.ignore();
          } catch (IOException e) {
            // the connection is dropped instead of reused
          }
        }
      }
    }
  }

  private void pause(String where, Duration d) {
    try {
      options.sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(where + ": interrupted while waiting to retry", e);
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
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private String userAgent = "upkeep/0.1";
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    private Builder() {}

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
      copy.connectTimeout = connectTimeout;
      copy.readTimeout = readTimeout;
      copy.maxAttempts = maxAttempts;
      copy.initialBackoff = initialBackoff;
      copy.maxBackoff = maxBackoff;
      copy.maxRetryAfter = maxRetryAfter;
      copy.userAgent = userAgent;
      copy.sleeper = sleeper;
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

  /** Waits between retries; tests record instead. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }
}
