package dev.upkeep.source.oci;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.cloud.tools.jib.http.Authorization;
import dev.upkeep.ArtifactRef;
import dev.upkeep.Redaction;
import dev.upkeep.internal.Json;
import dev.upkeep.internal.registry.RetryTiming;
import dev.upkeep.source.RegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Registry HTTP on google-http-client (the layer Jib is built on): scheme choice, the {@code 401}
 * challenge with Bearer token exchange or Basic auth, tokens cached per registry and scope,
 * redirects that never carry credentials to another host, and retries of {@code 429}/{@code 5xx}
 * with {@code Retry-After} and jittered exponential backoff.
 *
 * <p>Thread-safe: one instance serves every concurrent call of its {@link OciRegistrySource}.
 */
final class RegistryHttp {
  private static final System.Logger LOG = Redaction.logger(RegistryHttp.class.getName());
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_BODY = 64 * 1024 * 1024;
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  /** What a call is about, for the messages of the errors it raises. */
  static final class Target {
    final ArtifactRef ref;
    final String apiHost;
    final String action;

    Target(ArtifactRef ref, String apiHost, String action) {
      this.ref = ref;
      this.apiHost = apiHost;
      this.action = action;
    }

    String scope() {
      return "repository:" + ref.repository() + ":pull";
    }

    RegistryException fail(String problem) {
      return new RegistryException(action + " " + ref.imageName() + ": " + problem);
    }

    RegistryException fail(String problem, Throwable cause) {
      return new RegistryException(action + " " + ref.imageName() + ": " + problem, cause);
    }
  }

  /** A registry's answer, body fully read. */
  static final class Reply {
    final int status;
    final HttpHeaders headers;
    final byte[] body;
    final URI uri;

    Reply(int status, HttpHeaders headers, byte[] body, URI uri) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.uri = uri;
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(headers.getFirstHeaderStringValue(name));
    }

    String contentType() {
      String type = headers.getContentType();
      return type == null ? "" : type.toLowerCase(Locale.ROOT);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final class Token {
    final String header;
    final Instant expires;

    Token(String header, Instant expires) {
      this.header = header;
      this.expires = expires;
    }
  }

  private final Settings settings;
  private final Credentials credentials;
  private final HttpRequestFactory verified;
  private final HttpRequestFactory unverified;
  private final Map<String, String> schemes = new ConcurrentHashMap<>();
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  RegistryHttp(Settings settings) {
    this.settings = settings;
    this.credentials = new Credentials(settings);
    this.verified = new NetHttpTransport().createRequestFactory();
    try {
      this.unverified =
          new NetHttpTransport.Builder().doNotValidateCertificate().build().createRequestFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot create a TLS context", e);
    }
  }

  /**
   * Sends {@code method} to {@code pathAndQuery} (relative to the registry, or absolute) with
   * registry auth, following redirects. Returns every status but {@code 401}/{@code 403}, which
   * become a {@link RegistryException}, and {@code 429}/{@code 5xx}, which are retried first.
   */
  Reply send(Target t, String method, String pathAndQuery, String accept) {
    URI current = resolve(t, pathAndQuery);
    boolean challenged = false;
    int redirects = 0;
    while (true) {
      boolean sameHost = t.apiHost.equalsIgnoreCase(current.getRawAuthority());
      String authorization = sameHost ? authorization(t) : null;
      Reply r = exchange(t, method, current, accept, authorization, null);
      current = r.uri;
      if (isRedirect(r.status) && r.header("Location").isPresent()) {
        if (++redirects > MAX_REDIRECTS) {
          throw t.fail("more than " + MAX_REDIRECTS + " redirects from " + t.apiHost);
        }
        current = current.resolve(r.header("Location").get().strip());
        checkScheme(t, current);
        LOG.log(System.Logger.Level.DEBUG, "{0} redirected to {1}", t.apiHost, current.getHost());
        continue;
      }
      if (r.status == 401) {
        if (!sameHost) {
          throw t.fail(
              "the registry redirected to "
                  + current.getRawAuthority()
                  + ", which asks for credentials; they are only ever sent to "
                  + t.apiHost);
        }
        if (challenged) {
          throw t.fail(refusal(t));
        }
        challenged = true;
        respondToChallenge(t, r);
        continue;
      }
      if (r.status == 403) {
        throw t.fail(
            t.apiHost
                + " denied access (HTTP 403)"
                + errorDetail(r)
                + "; check that the credentials may pull "
                + t.ref.repository());
      }
      return r;
    }
  }

  private URI resolve(Target t, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    if (uri.isAbsolute()) {
      checkScheme(t, uri);
      return uri;
    }
    // Loopback and insecure-marked hosts are asked over plain HTTP first: a TLS hello sent to a
    // plain HTTP server often gets no answer at all, only a read timeout, while TLS servers answer
    // plain HTTP with a 400 naming HTTPS (Go, nginx). Either way the scheme is remembered.
    String scheme =
        schemes.getOrDefault(t.apiHost, settings.allowsPlainHttp(t.apiHost) ? "http" : "https");
    return URI.create(scheme + "://" + t.apiHost).resolve(uri);
  }

  private void checkScheme(Target t, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && settings.allowsPlainHttp(uri.getRawAuthority())) {
      return;
    }
    throw t.fail(
        "refusing to follow "
            + t.apiHost
            + " to "
            + uri.getScheme()
            + "://"
            + uri.getRawAuthority()
            + " over plain HTTP; mark that host with insecureRegistry(\""
            + uri.getRawAuthority()
            + "\") if it is trusted");
  }

  // ---------------------------------------------------------------- auth

  private String authorization(Target t) {
    Challenge challenge = challenges.get(t.apiHost);
    if (challenge == null) {
      return null;
    }
    if (challenge.scheme == Challenge.Scheme.BASIC) {
      return secret(t).map(s -> basic(s)).orElse(null);
    }
    Token token = tokens.get(t.apiHost + " " + t.scope());
    if (token != null && token.expires.isAfter(Instant.now())) {
      return token.header;
    }
    // We know this registry wants tokens: fetch one now instead of being told again.
    return fetchToken(t, challenge).header;
  }

  private void respondToChallenge(Target t, Reply r) {
    Optional<Challenge> parsed = Challenge.parse(r.header("WWW-Authenticate").orElse(null));
    if (parsed.isEmpty()) {
      throw t.fail(
          t.apiHost
              + " answered 401 without a Bearer or Basic challenge; it needs an authentication"
              + " method Upkeep does not support");
    }
    Challenge challenge = parsed.get();
    challenges.put(t.apiHost, challenge);
    tokens.remove(t.apiHost + " " + t.scope());
    if (challenge.scheme == Challenge.Scheme.BASIC && secret(t).isEmpty()) {
      throw t.fail(noCredentials(t));
    }
  }

  private Token fetchToken(Target t, Challenge challenge) {
    String key = t.apiHost + " " + t.scope();
    URI realm;
    try {
      realm = URI.create(challenge.param("realm"));
    } catch (IllegalArgumentException e) {
      throw t.fail(
          t.apiHost + " named an invalid token realm \"" + challenge.param("realm") + "\"");
    }
    if (!realm.isAbsolute() || realm.getRawAuthority() == null) {
      throw t.fail(t.apiHost + " named an invalid token realm \"" + realm + "\"");
    }
    checkScheme(t, realm);
    Optional<Credentials.Secret> secret = secret(t);
    String service = challenge.param("service");
    // Our own scope, not the challenge's: a remembered challenge names another repository's.
    String scope = t.scope();
    Reply reply;
    if (secret.isPresent() && secret.get().identityToken) {
      String form =
          "grant_type=refresh_token&client_id=upkeep&refresh_token="
              + encode(secret.get().password)
              + (service == null ? "" : "&service=" + encode(service))
              + "&scope="
              + encode(scope);
      reply =
          exchange(
              t,
              "POST",
              realm,
              "application/json",
              null,
              new ByteArrayContent(
                  "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8)));
    } else {
      String query =
          (service == null ? "" : "service=" + encode(service) + "&") + "scope=" + encode(scope);
      URI uri =
          URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query.replace("+", "%20"));
      reply =
          exchange(t, "GET", uri, "application/json", secret.map(s -> basic(s)).orElse(null), null);
    }
    if (reply.status == 401 || reply.status == 403) {
      throw t.fail(
          secret.isPresent()
              ? "the token service "
                  + realm.getRawAuthority()
                  + " refused the credentials for "
                  + t.apiHost
                  + " (HTTP "
                  + reply.status
                  + "); check the username and password or token from "
                  + secret.get().source
              : noCredentials(t));
    }
    if (reply.status != 200) {
      throw t.fail(
          "the token service "
              + realm.getRawAuthority()
              + " answered HTTP "
              + reply.status
              + errorDetail(reply));
    }
    Map<?, ?> grant;
    try {
      Object parsed = Json.parse(reply.text());
      if (!(parsed instanceof Map)) {
        throw new Json.MalformedException("not a JSON object");
      }
      grant = (Map<?, ?>) parsed;
    } catch (Json.MalformedException e) {
      throw t.fail(
          "the token service "
              + realm.getRawAuthority()
              + " answered no JSON ("
              + e.getMessage()
              + ")");
    }
    Object value =
        grant.get("token") instanceof String ? grant.get("token") : grant.get("access_token");
    if (!(value instanceof String) || ((String) value).isEmpty()) {
      throw t.fail("the token service " + realm.getRawAuthority() + " granted no token");
    }
    Duration lifetime = DEFAULT_TOKEN_LIFETIME;
    if (grant.get("expires_in") instanceof Number) {
      lifetime = Duration.ofSeconds(Math.max(1, ((Number) grant.get("expires_in")).longValue()));
    }
    // Renew a little early so a token does not expire between our check and the registry's.
    Duration margin =
        lifetime.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(10) : Duration.ZERO;
    Token token =
        new Token(
            Authorization.fromBearerToken((String) value).toString(),
            Instant.now().plus(lifetime).minus(margin));
    tokens.put(key, token);
    return token;
  }

  private Optional<Credentials.Secret> secret(Target t) {
    return credentials.lookup(t.ref.registry(), t.apiHost, t.ref.repository());
  }

  private static String basic(Credentials.Secret s) {
    return Authorization.fromBasicCredentials(s.username, s.password).toString();
  }

  private String refusal(Target t) {
    Optional<Credentials.Secret> secret = secret(t);
    return secret.isPresent()
        ? t.apiHost
            + " refused the credentials from "
            + secret.get().source
            + " (HTTP 401); check the username and password or token, and that they may pull "
            + t.ref.repository()
        : noCredentials(t);
  }

  private static String noCredentials(Target t) {
    return t.apiHost
        + " requires authentication and no credentials are configured for "
        + t.ref.registry()
        + "; log in with docker login "
        + t.ref.registry()
        + " or pass credentials to OciRegistrySource.builder()";
  }

  // ---------------------------------------------------------------- transport

  /** One request with retries for transient faults; no auth or redirect handling. */
  private Reply exchange(
      Target t, String method, URI uri, String accept, String authorization, HttpContent content) {
    for (int attempt = 1; ; attempt++) {
      boolean probingPlain =
          uri.getScheme().equals("http")
              && settings.allowsPlainHttp(uri.getRawAuthority())
              && !schemes.containsKey(uri.getRawAuthority());
      Reply r;
      try {
        r = once(method, uri, accept, authorization, content);
      } catch (SSLException e) {
        if (uri.getScheme().equals("https")
            && settings.allowsPlainHttp(uri.getRawAuthority())
            && !"https".equals(schemes.get(uri.getRawAuthority()))) {
          // An insecure or loopback registry that speaks plain HTTP, as Docker falls back.
          schemes.put(uri.getRawAuthority(), "http");
          uri = URI.create("http" + uri.toString().substring(5));
          attempt--;
          continue;
        }
        throw t.fail(
            "TLS with "
                + uri.getRawAuthority()
                + " failed ("
                + oneLine(e.getMessage())
                + "); if it serves plain HTTP or a self-signed certificate, mark it with"
                + " insecureRegistry(\""
                + uri.getRawAuthority()
                + "\")",
            e);
      } catch (UnknownHostException e) {
        throw t.fail(
            "cannot resolve host \""
                + uri.getHost()
                + "\"; check the registry name and the network or DNS",
            e);
      } catch (ConnectException | NoRouteToHostException e) {
        throw t.fail(
            "cannot connect to "
                + uri.getRawAuthority()
                + " ("
                + oneLine(e.getMessage())
                + "); check the host and port and that the registry is running",
            e);
      } catch (SocketTimeoutException e) {
        boolean connect =
            String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
        throw t.fail(
            uri.getRawAuthority()
                + (connect
                    ? " did not accept a connection within " + settings.connectTimeout.toMillis()
                    : " did not answer within " + settings.readTimeout.toMillis())
                + " ms; try again later or raise the "
                + (connect ? "connect" : "read")
                + " timeout",
            e);
      } catch (IOException e) {
        if (attempt >= settings.maxAttempts) {
          throw t.fail(
              "the connection to "
                  + uri.getRawAuthority()
                  + " failed "
                  + attempt
                  + " times ("
                  + oneLine(e.getMessage())
                  + "); try again later",
              e);
        }
        pause(t, backoff(attempt));
        continue;
      }
      if (probingPlain
          && r.status == 400
          && (method.equals("HEAD") || r.text().toUpperCase(Locale.ROOT).contains("HTTPS"))) {
        // Go: "Client sent an HTTP request to an HTTPS server."; nginx: "...sent to HTTPS port".
        uri = toHttps(uri);
        attempt--;
        continue;
      }
      if (uri.getScheme().equals("https")) {
        schemes.putIfAbsent(uri.getRawAuthority(), "https");
      } else {
        schemes.putIfAbsent(uri.getRawAuthority(), "http");
      }
      if (RetryTiming.isTransient(r.status)) {
        Optional<Duration> retryAfter = retryAfter(r);
        String what = r.status == 429 ? "rate-limited the request" : "failed with HTTP " + r.status;
        if (attempt >= settings.maxAttempts) {
          throw t.fail(
              uri.getRawAuthority()
                  + " "
                  + what
                  + " "
                  + attempt
                  + " times"
                  + errorDetail(r)
                  + "; try again later"
                  + (r.status == 429 ? " or authenticate for a higher limit" : ""));
        }
        if (retryAfter.isPresent() && retryAfter.get().compareTo(settings.maxRetryAfter) > 0) {
          throw t.fail(
              uri.getRawAuthority()
                  + " "
                  + what
                  + " and asks to wait "
                  + retryAfter.get().toSeconds()
                  + " s, longer than the "
                  + settings.maxRetryAfter.toSeconds()
                  + " s this source waits; try again later");
        }
        Duration wait = retryAfter.isPresent() ? retryAfter.get() : backoff(attempt);
        LOG.log(
            System.Logger.Level.DEBUG,
            "{0} answered {1}; retrying in {2} ms",
            uri.getRawAuthority(),
            r.status,
            wait.toMillis());
        pause(t, wait);
        continue;
      }
      return r;
    }
  }

  private URI toHttps(URI uri) {
    schemes.put(uri.getRawAuthority(), "https");
    return URI.create("https" + uri.toString().substring(4));
  }

  private Reply once(
      String method, URI uri, String accept, String authorization, HttpContent content)
      throws IOException {
    boolean https = uri.getScheme().equals("https");
    HttpRequestFactory factory =
        https && settings.allowsPlainHttp(uri.getRawAuthority()) ? unverified : verified;
    HttpRequest request =
        factory.buildRequest(method, new GenericUrl(uri.toString(), true), content);
    HttpHeaders headers = new HttpHeaders();
    headers.setAccept(accept);
    headers.setUserAgent(settings.userAgent);
    if (authorization != null) {
      headers.setAuthorization(authorization);
    }
    request
        .setHeaders(headers)
        .setFollowRedirects(false)
        .setThrowExceptionOnExecuteError(false)
        .setNumberOfRetries(0)
        .setConnectTimeout((int) settings.connectTimeout.toMillis())
        .setReadTimeout((int) settings.readTimeout.toMillis())
        .setLoggingEnabled(false);
    HttpResponse response = request.execute();
    try {
      byte[] body = method.equals("HEAD") ? new byte[0] : read(response.getContent());
      return new Reply(response.getStatusCode(), response.getHeaders(), body, uri);
    } finally {
      response.ignore();
    }
  }

  private static byte[] read(InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_BODY) {
          throw new IOException("answer larger than " + MAX_BODY + " bytes");
        }
      }
      return out.toByteArray();
    }
  }

  private Duration backoff(int attempt) {
    return RetryTiming.backoff(attempt, settings.initialBackoff, settings.maxBackoff);
  }

  static Optional<Duration> retryAfter(Reply r) {
    return RetryTiming.retryAfter(r.header("Retry-After").orElse(null));
  }

  private void pause(Target t, Duration d) {
    try {
      settings.sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw t.fail("interrupted while waiting to retry " + t.apiHost, e);
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** {@code " (CODE: message)"} from a distribution-spec error body, or empty. */
  static String errorDetail(Reply r) {
    if (r.body.length == 0 || !r.contentType().contains("json")) {
      return "";
    }
    try {
      Object parsed = Json.parse(r.text());
      if (parsed instanceof Map && ((Map<?, ?>) parsed).get("errors") instanceof List) {
        List<?> errors = (List<?>) ((Map<?, ?>) parsed).get("errors");
        if (!errors.isEmpty() && errors.get(0) instanceof Map) {
          Map<?, ?> first = (Map<?, ?>) errors.get(0);
          String detail = first.get("code") + ": " + first.get("message");
          return " ("
              + oneLine(detail.length() > 160 ? detail.substring(0, 160) + "..." : detail)
              + ")";
        }
      }
    } catch (Json.MalformedException e) {
      return "";
    }
    return "";
  }

  /** The first error code of a distribution-spec error body ({@code NAME_UNKNOWN}), if any. */
  static Optional<String> errorCode(Reply r) {
    try {
      Object parsed = Json.parse(r.text());
      if (parsed instanceof Map && ((Map<?, ?>) parsed).get("errors") instanceof List) {
        List<?> errors = (List<?>) ((Map<?, ?>) parsed).get("errors");
        if (!errors.isEmpty() && errors.get(0) instanceof Map) {
          return Optional.ofNullable(((Map<?, ?>) errors.get(0)).get("code")).map(String::valueOf);
        }
      }
    } catch (Json.MalformedException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  static String oneLine(String s) {
    return s == null ? "no detail" : s.replaceAll("\\s+", " ").strip();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
