package dev.upkeep.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upkeep.ArtifactRef;
import dev.upkeep.testing.oci.Blob;
import dev.upkeep.testing.oci.Fault;
import dev.upkeep.testing.oci.HelmChart;
import dev.upkeep.testing.oci.OciArtifact;
import dev.upkeep.testing.oci.Pagination;
import dev.upkeep.testing.oci.PushTarget;
import dev.upkeep.testing.oci.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCI distribution-spec registry in the test's own process, for tests of anything that reads
 * charts and images: it serves {@code /v2/}, tag lists with {@code n}/{@code last} pagination and
 * {@code Link} headers, manifests ({@code GET}/{@code HEAD}, by tag or digest, with {@code
 * Docker-Content-Digest}) and blobs, from content the test pushes in one call.
 *
 * <pre>{@code
 * try (FakeOciRegistry registry = FakeOciRegistry.start()) {
 *   String digest = registry.pushChart("charts/podinfo", "6.5.4");
 *   ArtifactRef ref = registry.chartRef("charts/podinfo"); // oci://127.0.0.1:PORT/charts/podinfo
 *   ...
 * }
 * }</pre>
 *
 * <p>It binds 127.0.0.1 on a free port, speaks plain HTTP, and stops on {@link #close()}. It sets
 * {@code sun.net.httpserver.nodelay=true} (when unset) so answers are not held back ~40 ms by
 * Nagle's algorithm; that takes effect if no JDK {@code HttpServer} ran earlier in the JVM. Tests
 * can make it misbehave the way real registries do: {@linkplain #inject(Fault) faults} (429 with
 * {@code Retry-After}, 5xx, slow or truncated answers, HTML), {@linkplain #latency latency},
 * {@linkplain #pagination broken pagination}, {@linkplain #requireTokenAuth token} or {@linkplain
 * #requireBasicAuth basic} authentication, and {@linkplain #redirectContentTo redirects} to another
 * host. Every request is {@linkplain #requests() recorded}.
 *
 * <p>Like distribution, an OCI manifest or index is only served to a client whose {@code Accept}
 * header names its media type (otherwise 404 {@code MANIFEST_UNKNOWN}); a missing repository
 * answers 404 {@code NAME_UNKNOWN}. Tags are listed in lexical order.
 *
 * <p>Thread-safe: it serves requests concurrently, and tests may push and reconfigure while it
 * runs. Settings apply to requests that arrive after the call. Usable from any test framework;
 * JUnit is not needed.
 */
public final class FakeOciRegistry implements PushTarget, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FakeOciRegistry.class.getName());
  private static final String SERVICE = "fake-oci-registry";
  private static final String IDENTITY_TOKEN_USER = "<token>";
  private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");

  private final HttpServer server;
  private final ExecutorService executor;
  private final String host;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, NavigableMap<String, String>> tags = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Blob>> manifests = new ConcurrentHashMap<>();
  private final Map<String, Blob> blobs = new ConcurrentHashMap<>();

  private final List<RecordedRequest> log = new CopyOnWriteArrayList<>();
  private final List<FaultState> faults = new ArrayList<>();
  private final Map<String, TokenGrant> tokens = new ConcurrentHashMap<>();

  private volatile int pageSize = Integer.MAX_VALUE;
  private volatile Pagination pagination = Pagination.RELATIVE_LINKS;
  private volatile Duration latency = Duration.ZERO;
  private volatile Auth auth = Auth.NONE;
  private volatile String user;
  private volatile String password;
  private volatile Duration tokenLifetime = Duration.ofMinutes(5);
  private volatile FakeOciRegistry contentHost;
  private volatile PushTarget upstream;
  private volatile String upstreamAuthorization;
  private volatile HttpClient upstreamClient;

  private enum Auth {
    NONE,
    BASIC,
    TOKEN
  }

  private FakeOciRegistry(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
    this.host = "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Starts a registry on 127.0.0.1 on a free port.
   *
   * @throws UncheckedIOException when no port can be bound
   */
  public static FakeOciRegistry start() {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK, adding about 40 ms to every answer. Read once, when the JDK server first loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 200);
      AtomicInteger n = new AtomicInteger();
      ThreadFactory threads =
          r -> {
            Thread t = new Thread(r, "fake-oci-registry-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      ExecutorService executor = Executors.newCachedThreadPool(threads);
      server.setExecutor(executor);
      FakeOciRegistry registry = new FakeOciRegistry(server, executor);
      server.createContext("/", registry::handle);
      server.start();
      LOG.log(System.Logger.Level.DEBUG, "fake OCI registry listening on {0}", registry.host);
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake OCI registry on 127.0.0.1", e);
    }
  }

  /** {@code 127.0.0.1:PORT}: the registry as it is written in references. */
  @Override
  public String host() {
    return host;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://" + host;
  }

  /** {@code oci://127.0.0.1:PORT/REPOSITORY}: a reference to a chart in this registry. */
  public ArtifactRef chartRef(String repository) {
    return ArtifactRef.parse("oci://" + host + "/" + repository);
  }

  /** {@code 127.0.0.1:PORT/REPOSITORY}: a reference to an image in this registry. */
  public ArtifactRef imageRef(String repository) {
    return ArtifactRef.parse(host + "/" + repository);
  }

  // ---------------------------------------------------------------- content

  /**
   * Pushes chart version {@code version} of a chart named after the last component of {@code
   * repository}, as {@code helm push} would: tag = version with {@code +} as {@code _}.
   *
   * @return the manifest digest
   */
  public String pushChart(String repository, String version) {
    return pushChart(repository, HelmChart.of(lastComponent(repository), version));
  }

  /**
   * Pushes a chart version whose {@code Chart.yaml} carries {@code annotations}, such as {@code
   * artifacthub.io/changes}.
   *
   * @return the manifest digest
   */
  public String pushChart(String repository, String version, Map<String, String> annotations) {
    return pushChart(
        repository, HelmChart.of(lastComponent(repository), version).withAnnotations(annotations));
  }

  /**
   * Pushes {@code chart} under its {@link HelmChart#tag() tag}.
   *
   * @return the manifest digest
   */
  public String pushChart(String repository, HelmChart chart) {
    return push(repository, chart.tag(), chart.toArtifact());
  }

  /**
   * Pushes a small single-layer OCI image as {@code repository:tag}.
   *
   * @return the manifest digest
   */
  public String pushImage(String repository, String tag) {
    return push(repository, tag, OciArtifact.image(lastComponent(repository), tag));
  }

  /**
   * Stores {@code artifact} under {@code tag}, replacing what the tag pointed to.
   *
   * @return the manifest digest
   */
  @Override
  public String push(String repository, String tag, OciArtifact artifact) {
    Objects.requireNonNull(artifact, "artifact");
    PushTarget target = upstream;
    if (target != null) {
      return target.push(repository, tag, artifact);
    }
    checkRepository(repository);
    if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("invalid OCI tag \"" + tag + "\"");
    }
    store(repository, artifact);
    tags.computeIfAbsent(repository, r -> new ConcurrentSkipListMap<>())
        .put(tag, artifact.digest());
    return artifact.digest();
  }

  private void store(String repository, OciArtifact artifact) {
    for (OciArtifact child : artifact.children()) {
      store(repository, child);
    }
    for (Blob blob : artifact.blobs()) {
      blobs.put(blob.digest(), blob);
    }
    manifests
        .computeIfAbsent(repository, r -> new ConcurrentHashMap<>())
        .put(artifact.digest(), artifact.manifest());
  }

  /** Removes {@code tag} from {@code repository}; the manifest stays reachable by digest. */
  public void deleteTag(String repository, String tag) {
    NavigableMap<String, String> repo = tags.get(repository);
    if (repo != null) {
      repo.remove(tag);
    }
  }

  /** The tags of {@code repository} in lexical order; empty when it does not exist. */
  public List<String> tags(String repository) {
    NavigableMap<String, String> repo = tags.get(repository);
    return repo == null ? List.of() : List.copyOf(repo.keySet());
  }

  // ---------------------------------------------------------------- behaviour

  /**
   * Pages tag lists at most {@code size} tags per page even when the client asks for more or for
   * none, as registries with a server-side limit do. Default: unlimited.
   */
  public FakeOciRegistry pageSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("page size must be at least 1, got " + size);
    }
    this.pageSize = size;
    return this;
  }

  /** How tag lists are paged; default {@link Pagination#RELATIVE_LINKS}. */
  public FakeOciRegistry pagination(Pagination pagination) {
    this.pagination = Objects.requireNonNull(pagination, "pagination");
    return this;
  }

  /** Waits {@code latency} before answering each request: a registry that far away. */
  public FakeOciRegistry latency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, got " + latency);
    }
    this.latency = latency;
    return this;
  }

  /**
   * Queues {@code fault}: the next matching registry API requests (as many as {@link Fault#times})
   * get it instead of a normal answer. Queued faults are used in order.
   */
  public FakeOciRegistry inject(Fault fault) {
    synchronized (faults) {
      faults.add(new FaultState(Objects.requireNonNull(fault, "fault")));
    }
    return this;
  }

  /** Drops the queued faults that have not fired yet. */
  public FakeOciRegistry clearFaults() {
    synchronized (faults) {
      faults.clear();
    }
    return this;
  }

  /**
   * Requires HTTP Basic authentication as {@code user}/{@code password} on every {@code /v2/}
   * request, answering {@code 401} with {@code WWW-Authenticate: Basic realm=...} otherwise.
   */
  public FakeOciRegistry requireBasicAuth(String user, String password) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    this.auth = Auth.BASIC;
    return this;
  }

  /**
   * Requires a Bearer token on every {@code /v2/} request, as GHCR, Docker Hub and Harbor do: the
   * {@code 401} names the realm {@code http://127.0.0.1:PORT/token}, the service, and the scope
   * {@code repository:NAME:pull}; the token endpoint checks Basic credentials {@code user}/{@code
   * password} and grants a token for the requested scopes. With {@code user} {@code <token>},
   * {@code password} is an identity (refresh) token that the client must {@code POST} with {@code
   * grant_type=refresh_token}, as Docker does for {@code identitytoken} credentials.
   */
  public FakeOciRegistry requireTokenAuth(String user, String password) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    this.auth = Auth.TOKEN;
    return this;
  }

  /**
   * Requires a Bearer token that anyone gets without credentials, as GHCR and Docker Hub do for
   * public repositories.
   */
  public FakeOciRegistry requireAnonymousToken() {
    this.user = null;
    this.password = null;
    this.auth = Auth.TOKEN;
    return this;
  }

  /** How long granted tokens stay valid ({@code expires_in}); default five minutes. */
  public FakeOciRegistry tokenLifetime(Duration lifetime) {
    this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
    return this;
  }

  /** The number of tokens the token endpoint has granted. */
  public int tokensGranted() {
    return tokens.size();
  }

  /**
   * Puts this registry in front of a real one: pushes go to {@code upstream}, reads are forwarded
   * to {@code http://UPSTREAM_HOST}, and tag lists are fetched whole from it, sorted and paged
   * here. So a registry that ignores {@code n} (distribution 2.8) can be tested with pagination,
   * and with this registry's auth, faults, latency and redirects in front of it. Local content is
   * not served while proxying.
   */
  public FakeOciRegistry proxyTo(PushTarget upstream) {
    return proxyTo(upstream, null, null);
  }

  /**
   * Like {@link #proxyTo(PushTarget)}, reading from the upstream registry with HTTP Basic
   * credentials {@code user}/{@code password}.
   */
  public FakeOciRegistry proxyTo(PushTarget upstream, String user, String password) {
    this.upstreamAuthorization = user == null ? null : basic(user, password);
    this.upstreamClient =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    return this;
  }

  /**
   * Answers manifest and blob requests (after authentication) with {@code 307} to the same path on
   * {@code other}, the way registries send clients to blob storage on another host. Push the same
   * content to {@code other}; its {@link #requests()} show what the client sent it.
   */
  public FakeOciRegistry redirectContentTo(FakeOciRegistry other) {
    this.contentHost = Objects.requireNonNull(other, "other");
    return this;
  }

  /** The requests answered so far, oldest first. */
  public List<RecordedRequest> requests() {
    return List.copyOf(log);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    log.clear();
  }

  /** Stops the server at once; requests in flight are cut. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeOciRegistry[" + host + "]";
  }

  // ---------------------------------------------------------------- serving

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    Response response;
    try {
      sleep(latency);
      response = answer(exchange, path, query);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "fake OCI registry failed on " + path, e);
      response = Response.error(500, "UNKNOWN", "internal error in the fake registry");
    }
    log.add(
        new RecordedRequest(
            exchange.getRequestMethod(),
            path,
            query,
            exchange.getRequestHeaders(),
            response == null ? 0 : response.status));
    try (exchange) {
      if (response == null) {
        return; // dropped connection: close without answering
      }
      response.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      boolean head = exchange.getRequestMethod().equals("HEAD");
      if (head || response.body.length == 0) {
        if (head && response.body.length > 0) {
          exchange
              .getResponseHeaders()
              .set("Content-Length", Integer.toString(response.body.length));
        }
        exchange.sendResponseHeaders(response.status, -1);
      } else if (response.cutAt >= 0) {
        exchange.sendResponseHeaders(response.status, response.body.length);
        exchange.getResponseBody().write(response.body, 0, response.cutAt);
        exchange.getResponseBody().flush();
        // Closing the exchange short of Content-Length makes the JDK server drop the connection.
      } else {
        exchange.sendResponseHeaders(response.status, response.body.length);
        exchange.getResponseBody().write(response.body);
      }
    }
  }

  private Response answer(HttpExchange exchange, String path, String query) {
    if (path.equals("/token")) {
      return token(exchange, query);
    }
    String method = exchange.getRequestMethod();
    if (!path.equals("/v2") && !path.startsWith("/v2/")) {
      return Response.error(404, "NOT_FOUND", "not a registry API path");
    }
    Response denied = authenticate(exchange, path);
    if (denied != null) {
      return denied;
    }
    FaultState fault = takeFault(path);
    if (fault != null) {
      switch (fault.fault.kind()) {
        case STATUS:
          Response r =
              Response.error(
                  fault.fault.statusCode(),
                  fault.fault.statusCode() == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE",
                  "injected fault");
          fault.fault.retryAfterHeader().ifPresent(v -> r.headers.put("Retry-After", v));
          return r;
        case HTML:
          return new Response(
              200,
              "text/html; charset=utf-8",
              "<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>"
                  .getBytes(StandardCharsets.UTF_8));
        case DROP:
          return null;
        case DELAY:
          sleep(fault.fault.delay());
          break;
        case CUT:
          Response full = route(method, path, query, exchange);
          full.cutAt = full.body.length / 2;
          return full;
        case OVERSIZED:
          byte[] big = new byte[(int) fault.fault.size()];
          java.util.Arrays.fill(big, (byte) ' ');
          big[0] = '{';
          big[big.length - 1] = '}';
          return new Response(200, "application/json", big);
        case TRUNCATED:
          Response whole = route(method, path, query, exchange);
          byte[] half = new byte[whole.body.length / 2];
          System.arraycopy(whole.body, 0, half, 0, half.length);
          whole.body = half;
          return whole;
      }
    }
    return route(method, path, query, exchange);
  }

  private Response route(String method, String path, String query, HttpExchange exchange) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return Response.error(405, "UNSUPPORTED", "the fake registry is read-only over HTTP");
    }
    if (path.equals("/v2") || path.equals("/v2/")) {
      return new Response(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    }
    Matcher m = TAGS.matcher(path);
    if (m.matches()) {
      if (upstream != null) {
        return upstreamTagList(m.group(1), query);
      }
      NavigableMap<String, String> repo = tags.get(m.group(1));
      return repo == null
          ? nameUnknown(m.group(1))
          : tagList(m.group(1), repo.navigableKeySet(), query);
    }
    m = MANIFEST.matcher(path);
    if (m.matches()) {
      Response redirect = redirect(path, query);
      if (redirect != null) {
        return redirect;
      }
      if (upstream != null) {
        return forward(method, path, exchange.getRequestHeaders().getFirst("Accept"));
      }
      return manifest(m.group(1), decode(m.group(2)), exchange.getRequestHeaders().get("Accept"));
    }
    m = BLOB.matcher(path);
    if (m.matches()) {
      Response redirect = redirect(path, query);
      if (redirect != null) {
        return redirect;
      }
      if (upstream != null) {
        return forward(method, path, null);
      }
      Blob blob = blobs.get(m.group(2));
      if (blob == null || !manifests.containsKey(m.group(1))) {
        return Response.error(404, "BLOB_UNKNOWN", "blob unknown to registry");
      }
      Response r = new Response(200, "application/octet-stream", blob.content());
      r.headers.put("Docker-Content-Digest", blob.digest());
      return r;
    }
    return Response.error(404, "NOT_FOUND", "not a registry API path");
  }

  private Response redirect(String path, String query) {
    FakeOciRegistry target = contentHost;
    if (target == null) {
      return null;
    }
    Response r = new Response(307, null, new byte[0]);
    r.headers.put("Location", target.url() + path + (query == null ? "" : "?" + query));
    return r;
  }

  private Response upstreamTagList(String repository, String query) {
    Response whole = forward("GET", "/v2/" + repository + "/tags/list", "application/json");
    if (whole.status != 200) {
      return whole;
    }
    NavigableSet<String> all = new TreeSet<>();
    Matcher list =
        Pattern.compile("\"tags\"\\s*:\\s*\\[([^\\]]*)\\]")
            .matcher(new String(whole.body, StandardCharsets.UTF_8));
    if (list.find()) {
      Matcher tag = Pattern.compile("\"([^\"]*)\"").matcher(list.group(1));
      while (tag.find()) {
        all.add(tag.group(1));
      }
    }
    return tagList(repository, all, query);
  }

  private Response forward(String method, String path, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + upstream.host() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (upstreamAuthorization != null) {
      b.header("Authorization", upstreamAuthorization);
    }
    HttpResponse<byte[]> r;
    try {
      r = upstreamClient.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return Response.error(502, "UNAVAILABLE", "upstream " + upstream.host() + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.error(503, "UNAVAILABLE", "interrupted");
    }
    Response out =
        new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    r.headers()
        .firstValue("Docker-Content-Digest")
        .ifPresent(d -> out.headers.put("Docker-Content-Digest", d));
    return out;
  }

  private Response tagList(String repository, NavigableSet<String> sorted, String query) {
    Map<String, String> params = params(query);
    Pagination mode = pagination;
    List<String> all = new ArrayList<>(sorted);
    List<String> page;
    String next = null;
    if (mode == Pagination.IGNORE_N) {
      page = all;
    } else {
      int limit = pageSize;
      if (params.containsKey("n")) {
        try {
          limit = Math.min(limit, Integer.parseInt(params.get("n")));
        } catch (NumberFormatException e) {
          return Response.error(400, "PAGINATION_NUMBER_INVALID", "invalid number of results");
        }
      }
      String last = params.get("last");
      List<String> rest = last == null ? all : new ArrayList<>(sorted.tailSet(last, false));
      page = rest.subList(0, Math.min(limit, rest.size()));
      if (rest.size() > page.size()) {
        String linkPath =
            "/v2/"
                + repository
                + "/tags/list?n="
                + limit
                + (mode == Pagination.LOOPING_LINKS ? "" : "&last=" + page.get(page.size() - 1));
        next = (mode == Pagination.ABSOLUTE_LINKS ? url() : "") + linkPath;
      }
    }
    StringBuilder body =
        new StringBuilder("{\"name\":\"").append(repository).append("\",\"tags\":[");
    for (int i = 0; i < page.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(page.get(i)).append('"');
    }
    body.append("]}");
    Response r =
        new Response(200, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    if (next != null) {
      r.headers.put("Link", "<" + next + ">; rel=\"next\"");
    }
    return r;
  }

  private Response manifest(String repository, String reference, List<String> accept) {
    NavigableMap<String, String> repo = tags.get(repository);
    Map<String, Blob> byDigest = manifests.get(repository);
    if (repo == null || byDigest == null) {
      return nameUnknown(repository);
    }
    String digest = reference.startsWith("sha256:") ? reference : repo.get(reference);
    Blob manifest = digest == null ? null : byDigest.get(digest);
    if (manifest == null || !accepted(manifest.mediaType(), accept)) {
      return Response.error(404, "MANIFEST_UNKNOWN", "manifest unknown");
    }
    Response r = new Response(200, manifest.mediaType(), manifest.content());
    r.headers.put("Docker-Content-Digest", manifest.digest());
    r.headers.put("Etag", "\"" + manifest.digest() + "\"");
    return r;
  }

  /** Like distribution: OCI types only for clients that ask for them; Docker types always. */
  private static boolean accepted(String mediaType, List<String> accept) {
    if (!mediaType.startsWith("application/vnd.oci.")) {
      return true;
    }
    if (accept == null) {
      return false;
    }
    for (String header : accept) {
      for (String type : header.split(",")) {
        String t = type.strip();
        int semi = t.indexOf(';');
        if ((semi < 0 ? t : t.substring(0, semi).strip()).equals(mediaType)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- auth

  private Response authenticate(HttpExchange exchange, String path) {
    Auth mode = auth;
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    if (mode == Auth.BASIC) {
      if (given != null && given.equals(basic(user, password))) {
        return null;
      }
      Response r = Response.error(401, "UNAUTHORIZED", "authentication required");
      r.headers.put("WWW-Authenticate", "Basic realm=\"" + SERVICE + "\"");
      return r;
    }
    if (mode == Auth.TOKEN) {
      String scope = scopeFor(path);
      if (given != null && given.startsWith("Bearer ")) {
        TokenGrant grant = tokens.get(given.substring(7));
        if (grant != null
            && grant.expires.isAfter(Instant.now())
            && (scope == null || grant.scopes.contains(scope))) {
          return null;
        }
      }
      Response r = Response.error(401, "UNAUTHORIZED", "authentication required");
      r.headers.put(
          "WWW-Authenticate",
          "Bearer realm=\""
              + url()
              + "/token\",service=\""
              + SERVICE
              + "\""
              + (scope == null ? "" : ",scope=\"" + scope + "\""));
      return r;
    }
    return null;
  }

  private static String scopeFor(String path) {
    for (Pattern p : List.of(TAGS, MANIFEST, BLOB)) {
      Matcher m = p.matcher(path);
      if (m.matches()) {
        return "repository:" + m.group(1) + ":pull";
      }
    }
    return null;
  }

  private Response token(HttpExchange exchange, String query) {
    if (auth != Auth.TOKEN) {
      return Response.error(404, "NOT_FOUND", "this registry does not use tokens");
    }
    String expectedUser = user;
    if (exchange.getRequestMethod().equals("POST")) {
      // OAuth2 refresh-token grant, as Docker sends it for an identity token.
      String form;
      try {
        form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return Response.error(400, "DENIED", "unreadable form");
      }
      Map<String, String> fields = params(form);
      if (!IDENTITY_TOKEN_USER.equals(expectedUser)
          || !"refresh_token".equals(fields.get("grant_type"))
          || !password.equals(fields.get("refresh_token"))) {
        return Response.error(401, "UNAUTHORIZED", "invalid refresh token");
      }
      query =
          fields.containsKey("scope") ? "scope=" + fields.get("scope").replace(" ", "%20") : null;
    } else if (expectedUser != null) {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      if (given == null || !given.equals(basic(expectedUser, password))) {
        Response r = Response.error(401, "UNAUTHORIZED", "invalid username or password");
        r.headers.put("WWW-Authenticate", "Basic realm=\"" + SERVICE + "\"");
        return r;
      }
    }
    Set<String> scopes = ConcurrentHashMap.newKeySet();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("scope=")) {
          scopes.addAll(List.of(decode(pair.substring(6)).split(" ")));
        }
      }
    }
    byte[] raw = new byte[24];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Duration lifetime = tokenLifetime;
    tokens.put(token, new TokenGrant(Set.copyOf(scopes), Instant.now().plus(lifetime)));
    String body =
        "{\"token\":\""
            + token
            + "\",\"access_token\":\""
            + token
            + "\",\"expires_in\":"
            + lifetime.toSeconds()
            + ",\"issued_at\":\""
            + Instant.now()
            + "\"}";
    return new Response(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- helpers

  private FaultState takeFault(String path) {
    synchronized (faults) {
      for (FaultState state : faults) {
        if (state.remaining > 0 && state.fault.matches(path)) {
          if (--state.remaining == 0) {
            faults.remove(state);
          }
          return state;
        }
      }
      return null;
    }
  }

  private static Response nameUnknown(String repository) {
    return Response.error(
        404, "NAME_UNKNOWN", "repository name not known to registry: " + repository);
  }

  private static Map<String, String> params(String query) {
    if (query == null || query.isEmpty()) {
      return Map.of();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.putIfAbsent(pair.substring(0, eq), decode(pair.substring(eq + 1)));
      }
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String lastComponent(String repository) {
    checkRepository(repository);
    return repository.substring(repository.lastIndexOf('/') + 1);
  }

  private static void checkRepository(String repository) {
    if (repository == null
        || !repository.matches(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")) {
      throw new IllegalArgumentException("invalid OCI repository name \"" + repository + "\"");
    }
  }

  private static final class FaultState {
    final Fault fault;
    int remaining;

    FaultState(Fault fault) {
      this.fault = fault;
      this.remaining = fault.times();
    }
  }

  private static final class TokenGrant {
    final Set<String> scopes;
    final Instant expires;

    TokenGrant(Set<String> scopes, Instant expires) {
      this.scopes = scopes;
      this.expires = expires;
    }
  }

  private static final class Response {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    int cutAt = -1;

    Response(int status, String contentType, byte[] body) {
      this.status = status;
      this.body = body;
      if (contentType != null) {
        headers.put("Content-Type", contentType);
      }
    }

    static Response error(int status, String code, String message) {
      String body =
          "{\"errors\":[{\"code\":\""
              + code
              + "\",\"message\":\""
              + message.replace("\"", "'")
              + "\"}]}";
      return new Response(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
