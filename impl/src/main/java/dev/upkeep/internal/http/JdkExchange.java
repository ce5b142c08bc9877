package dev.upkeep.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.PasswordAuthentication;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One exchange on the JDK {@code HttpClient} (HTTP/1.1, proxies, connect timeout), its body read
 * through a {@link BoundedBody}. TLS is verified except with hosts allowed plain HTTP. {@link
 * UrlConnectionExchange} hands it the calls it does not take itself: through a proxy, and methods
 * such as {@code PATCH}.
 */
final class JdkExchange implements Step {
  private final HttpTransport.Builder options;
  // Built on first use: each costs a selector thread, and the verified one the JDK's trust store.
  private HttpClient verified;
  private HttpClient unverified;
  private HttpClient plain;

  /**
   * Where the clients' threads live: their selector threads and the workers of {@link #workers}. A
   * JDK 17 client cannot be closed, and a JVM that exits while a selector thread waits in the
   * kernel waits 300 ms for it; {@link #close} stops exactly these threads, never a host
   * application's.
   */
  private final ThreadGroup threads = new ThreadGroup("upkeep-http");

  private final AtomicInteger threadCount = new AtomicInteger();
  private ExecutorService workers;

  JdkExchange(HttpTransport.Builder options) {
    this.options = options;
  }

  /**
   * The client for a call: the verified one for HTTPS, the trusting one for HTTPS to hosts allowed
   * plain HTTP, and one that cannot speak TLS at all for plain HTTP (a redirect to HTTPS is a new
   * call). A run against plain-HTTP registries so never sets up TLS, a tenth of a second of a short
   * command.
   */
  private synchronized HttpClient clientFor(boolean https, String host) {
    if (!https) {
      if (plain == null) {
        plain = build(NoTls.context());
      }
      return plain;
    }
    if (!options.hosts.allowsPlainHttp(host)) {
      if (verified == null) {
        verified = build(null);
      }
      return verified;
    }
    if (unverified == null) {
      unverified = build(trustAll());
    }
    return unverified;
  }

  /** Builds a client on a thread of {@link #threads}, which its selector thread then joins. */
  private HttpClient build(SSLContext tls) {
    if (workers == null) {
      workers =
          Executors.newCachedThreadPool(
              task -> {
                Thread t =
                    new Thread(threads, task, "upkeep-http-" + threadCount.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    HttpClient[] built = new HttpClient[1];
    RuntimeException[] failed = new RuntimeException[1];
    Thread builder =
        new Thread(
            threads,
            () -> {
              try {
                built[0] = client(tls);
              } catch (RuntimeException e) {
                failed[0] = e;
              }
            },
            "upkeep-http-setup");
    builder.start();
    try {
      builder.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpFailure(HttpFailure.Kind.INTERRUPTED, "interrupted while setting up HTTP", e);
    }
    if (failed[0] != null) {
      throw failed[0];
    }
    return built[0];
  }

  /**
   * Stops the clients' threads and forgets the clients; a later call builds new ones. Calls in
   * flight fail.
   */
  synchronized void close() {
    verified = null;
    unverified = null;
    plain = null;
    // The selector threads first (each stops when interrupted and may still hand work to the
    // workers as it does), then the workers.
    Thread[] all = new Thread[threads.activeCount() + 4];
    int n = threads.enumerate(all);
    for (int i = 0; i < n; i++) {
      if (!all[i].getName().startsWith("upkeep-http-")) {
        all[i].interrupt();
      }
    }
    if (workers != null) {
      workers.shutdown();
      workers = null;
    }
    for (int i = 0; i < n; i++) {
      try {
        all[i].join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private HttpClient client(SSLContext tls) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(options.connectTimeout)
            .executor(workers)
            .proxy(options.proxies);
    if (tls != null) {
      b.sslContext(tls);
    }
    if (options.proxies.hasCredentials()) {
      // Only then: with an authenticator the JDK client rejects a 401 without a challenge.
      ProxyRules proxies = options.proxies;
      b.authenticator(
          new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
              return getRequestorType() == RequestorType.PROXY
                  ? proxies.credentialsFor(getRequestingHost(), getRequestingPort()).orElse(null)
                  : null;
            }
          });
    }
    return b.build();
  }

  @Override
  public HttpReply intercept(Chain chain) {
    HttpCall call = chain.call();
    String host = HttpTransport.authority(call.uri);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(call.uri)
            .timeout(options.readTimeout)
            .header("User-Agent", options.userAgent)
            .method(
                call.method,
                call.body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(call.body));
    if (call.contentType != null) {
      request.header("Content-Type", call.contentType);
    }
    for (HttpCall.Header h : call.headers) {
      request.setHeader(h.name(), h.value());
    }
    boolean https = "https".equalsIgnoreCase(call.uri.getScheme());
    HttpClient client = clientFor(https, host);
    HttpResponse<InputStream> response;
    try {
      response =
          client.send(
              request.build(),
              info ->
                  new BoundedBody(
                      call.uri,
                      call.limit,
                      info.headers().firstValueAsLong("Content-Length").orElse(-1L),
                      options.readTimeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpFailure(HttpFailure.Kind.INTERRUPTED, "interrupted while calling " + host, e);
    } catch (IOException e) {
      throw failure(options, host, e);
    }
    BoundedBody body = (BoundedBody) response.body();
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
    if (declared > call.limit && !call.method.equals("HEAD")) {
      body.close();
      throw body.tooLarge();
    }
    HttpReply reply =
        new HttpReply(
            response.statusCode(),
            response.headers().map(),
            call.uri,
            call.method.equals("HEAD") ? InputStream.nullInputStream() : body);
    if (call.method.equals("HEAD")) {
      body.close();
    }
    if (chain.buffered) {
      reply.bytes();
    }
    return reply;
  }

  /** The failure of a call to {@code host} that threw {@code e}, in words a user can act on. */
  static HttpFailure failure(HttpTransport.Builder options, String host, IOException e) {
    String noun = options.serverNoun;
    if (find(e, HttpConnectTimeoutException.class).isPresent()) {
      return new HttpFailure(
          HttpFailure.Kind.TIMEOUT,
          host
              + " did not accept a connection within "
              + options.connectTimeout.toMillis()
              + " ms; try again later or raise the connect timeout",
          e);
    }
    if (find(e, HttpTimeoutException.class).isPresent()) {
      return new HttpFailure(
          HttpFailure.Kind.TIMEOUT,
          host
              + " did not answer within "
              + options.readTimeout.toMillis()
              + " ms; try again later or raise the read timeout",
          e);
    }
    if (find(e, UnresolvedAddressException.class).isPresent()
        || find(e, UnknownHostException.class).isPresent()) {
      return new HttpFailure(
          HttpFailure.Kind.UNKNOWN_HOST,
          "cannot resolve host \""
              + HostRules.hostName(host)
              + "\"; check the "
              + noun
              + " name and the network or DNS",
          e);
    }
    Optional<SSLException> tls = find(e, SSLException.class);
    if (tls.isPresent()) {
      return new HttpFailure(
          HttpFailure.Kind.TLS,
          "TLS with " + host + " failed (" + oneLine(tls.get().getMessage()) + ")",
          e);
    }
    if (e instanceof ConnectException) {
      return new HttpFailure(
          HttpFailure.Kind.CONNECT,
          "cannot connect to "
              + host
              + " ("
              + oneLine(String.valueOf(e.getMessage()))
              + "); check the host and port and that the "
              + noun
              + " is running",
          e);
    }
    return new HttpFailure(
        HttpFailure.Kind.IO,
        "the connection to " + host + " failed (" + oneLine(e.getMessage()) + ")",
        e);
  }

  private static <T extends Throwable> Optional<T> find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return Optional.of(type.cast(c));
      }
    }
    return Optional.empty();
  }

  static String oneLine(String s) {
    return s == null ? "no detail" : s.replaceAll("\\s+", " ").strip();
  }

  /** For hosts the user marked insecure (and loopback): self-signed certificates are accepted. */
  static SSLContext trustAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot create a TLS context", e);
    }
  }

  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
