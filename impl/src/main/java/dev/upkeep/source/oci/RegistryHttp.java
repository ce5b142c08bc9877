package dev.upkeep.source.oci;

import com.google.cloud.tools.jib.http.Authorization;
import dev.upkeep.ArtifactRef;
import dev.upkeep.Redaction;
import dev.upkeep.internal.http.HostRules;
import dev.upkeep.internal.http.HttpCall;
import dev.upkeep.internal.http.HttpFailure;
import dev.upkeep.internal.http.HttpReply;
import dev.upkeep.internal.http.HttpTransport;
import dev.upkeep.json.Json;
import dev.upkeep.source.RegistryException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry conversation on Upkeep's one {@link HttpTransport}: scheme choice, the {@code 401}
 * challenge with Bearer token exchange or Basic auth, and tokens cached per registry and scope.
 * Redirects (credentials kept to the registry's host), retries, proxies and size limits are the
 * transport's.
 *
 * <p>Thread-safe: one instance serves every concurrent call of its {@link OciRegistrySource}.
 */
final class RegistryHttp implements AutoCloseable {
  private static final System.Logger LOG = Redaction.logger(RegistryHttp.class.getName());

  /** Token answers are a few hundred bytes; 4 MiB is room for any sane one. */
  private static final long TOKEN_LIMIT = 4L << 20;

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

  /** A registry's answer, body fully read (through its limit). */
  static final class Reply {
    final int status;
    final HttpReply reply;
    final byte[] body;
    final URI uri;

    Reply(HttpReply reply) {
      this.status = reply.status();
      this.reply = reply;
      this.body = reply.bytes();
      this.uri = reply.uri();
    }

    Optional<String> header(String name) {
      return reply.header(name);
    }

    /** Every value of a header that may be sent several times, joined with {@code ", "}. */
    Optional<String> joinedHeader(String name) {
      List<String> values = reply.headers(name);
      return values.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", values));
    }

    String contentType() {
      return reply.contentType();
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
  private final HttpTransport transport;
  private final Map<String, String> schemes = new ConcurrentHashMap<>();
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  RegistryHttp(Settings settings) {
    this.settings = settings;
    this.credentials = new Credentials(settings);
    this.transport =
        HttpTransport.builder()
            .connectTimeout(settings.connectTimeout)
            .readTimeout(settings.readTimeout)
            .maxAttempts(settings.maxAttempts)
            .backoff(settings.initialBackoff, settings.maxBackoff)
            .maxRetryAfter(settings.maxRetryAfter)
            .userAgent(settings.userAgent)
            .serverNoun("registry")
            .sleeper(settings.sleeper)
            .hosts(HostRules.insecure(settings.insecureHosts))
            .errorDetail(r -> errorDetail(r.contentType(), r.bytes()))
            .build();
  }

  /**
   * Sends {@code method} to {@code pathAndQuery} (relative to the registry, or absolute) with
   * registry auth, following redirects, reading at most {@code limit} bytes of answer. Returns
   * every status but {@code 401}/{@code 403}, which become a {@link RegistryException}.
   */
  Reply send(Target t, String method, String pathAndQuery, String accept, long limit) {
    URI current = resolve(t, pathAndQuery);
    boolean challenged = false;
    while (true) {
      String authorization =
          t.apiHost.equalsIgnoreCase(current.getRawAuthority()) ? authorization(t) : null;
      Reply r = exchange(t, method, current, accept, authorization, null, limit);
      boolean sameHost = t.apiHost.equalsIgnoreCase(r.uri.getRawAuthority());
      if (r.status == 401) {
        if (!sameHost) {
          throw t.fail(
              "the registry redirected to "
                  + r.uri.getRawAuthority()
                  + ", which asks for credentials; they are only ever sent to "
                  + t.apiHost);
        }
        if (challenged) {
          throw t.fail(refusal(t));
        }
        challenged = true;
        respondToChallenge(t, r);
        current = schemeOf(current);
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

  /** {@code uri} with the scheme this registry turned out to speak. */
  private URI schemeOf(URI uri) {
    String known = schemes.get(uri.getRawAuthority());
    return known == null || known.equals(uri.getScheme())
        ? uri
        : URI.create(known + uri.toString().substring(uri.getScheme().length()));
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
    Optional<Challenge> parsed = Challenge.parse(r.joinedHeader("WWW-Authenticate").orElse(null));
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
      reply = exchange(t, "POST", realm, "application/json", null, form, TOKEN_LIMIT);
    } else {
      String query =
          (service == null ? "" : "service=" + encode(service) + "&") + "scope=" + encode(scope);
      URI uri =
          URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query.replace("+", "%20"));
      reply =
          exchange(
              t,
              "GET",
              uri,
              "application/json",
              secret.map(s -> basic(s)).orElse(null),
              null,
              TOKEN_LIMIT);
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
    // Docker's token spec: absent means 60 s; Docker's client treats 0 (some token services' "no
    // expiry") the same rather than asking again before every call.
    if (grant.get("expires_in") instanceof Number
        && ((Number) grant.get("expires_in")).longValue() > 0) {
      lifetime = Duration.ofSeconds(((Number) grant.get("expires_in")).longValue());
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

  /** One call on the transport, finding out whether the registry speaks plain HTTP or TLS. */
  private Reply exchange(
      Target t,
      String method,
      URI uri,
      String accept,
      String authorization,
      String form,
      long limit) {
    while (true) {
      String authority = uri.getRawAuthority();
      boolean probingPlain =
          uri.getScheme().equals("http")
              && settings.allowsPlainHttp(authority)
              && !schemes.containsKey(authority);
      HttpCall call = HttpCall.of(method, uri).header("Accept", accept).limit(limit);
      if (authorization != null) {
        call = call.credential("Authorization", authorization);
      }
      if (form != null) {
        // the form carries the refresh token
        call =
            call.credentialBody(
                "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));
      }
      Reply r;
      try {
        r = new Reply(transport.fetch(call.followRedirects()));
      } catch (HttpFailure e) {
        if (e.kind() == HttpFailure.Kind.TLS
            && uri.getScheme().equals("https")
            && settings.allowsPlainHttp(authority)
            && !"https".equals(schemes.get(authority))) {
          // An insecure or loopback registry that speaks plain HTTP, as Docker falls back.
          schemes.put(authority, "http");
          uri = URI.create("http" + uri.toString().substring(5));
          continue;
        }
        throw t.fail(
            e.getMessage()
                + (e.kind() == HttpFailure.Kind.TLS
                    ? "; if it serves plain HTTP or a self-signed certificate, mark it with"
                        + " insecureRegistry(\""
                        + authority
                        + "\")"
                    : ""),
            e);
      }
      if (probingPlain
          && r.status == 400
          && (method.equals("HEAD") || r.text().toUpperCase(Locale.ROOT).contains("HTTPS"))) {
        // Go: "Client sent an HTTP request to an HTTPS server."; nginx: "...sent to HTTPS port".
        schemes.put(authority, "https");
        uri = URI.create("https" + uri.toString().substring(4));
        continue;
      }
      schemes.putIfAbsent(authority, uri.getScheme());
      return r;
    }
  }

  /** {@code " (CODE: message)"} from a distribution-spec error body, or empty. */
  static String errorDetail(Reply r) {
    return errorDetail(r.contentType(), r.body);
  }

  private static String errorDetail(String contentType, byte[] body) {
    if (body.length == 0 || !contentType.contains("json")) {
      return "";
    }
    try {
      Object parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
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

  @Override
  public void close() {
    transport.close();
  }
}
