package dev.upkeep.internal.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The last step: one exchange on a {@link HttpURLConnection}, its body read through the call's
 * limit. Direct calls with the methods it knows go this way; calls through a proxy and other
 * methods ({@code PATCH}) go to the JDK {@code HttpClient} ({@link JdkExchange}). Both set the same
 * timeouts, never follow a redirect, never answer a challenge themselves, verify TLS except with
 * hosts allowed plain HTTP, and fail with the same messages.
 *
 * <p>Why two: the JDK client sends each call through a selector thread, a worker pool and a chain
 * of futures, which a short command pays for in start-up. (A call here blocks in the socket and is
 * not interrupted; the connect and read timeouts bound it.) A plan of a 10,000-file repository (20
 * tag lists, 40 chart packages from a local registry) spent about 60 ms less with this exchange.
 */
final class UrlConnectionExchange implements Step {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");

  /** Answers no challenge, so that a host application's default authenticator is never asked. */
  private static final Authenticator NONE = new Authenticator() {};

  private final HttpTransport.Builder options;
  private final JdkExchange jdk;
  private SSLSocketFactory verified;
  private SSLSocketFactory unverified;

  UrlConnectionExchange(HttpTransport.Builder options, JdkExchange jdk) {
    this.options = options;
    this.jdk = jdk;
  }

  @Override
  public HttpReply intercept(Chain chain) {
    HttpCall call = chain.call();
    String scheme = String.valueOf(call.uri.getScheme());
    boolean https = scheme.equalsIgnoreCase("https");
    if (!METHODS.contains(call.method)
        || !(https || scheme.equalsIgnoreCase("http"))
        || !direct(call.uri)) {
      return jdk.intercept(chain);
    }
    String host = HttpTransport.authority(call.uri);
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) call.uri.toURL().openConnection(Proxy.NO_PROXY);
    } catch (IOException | IllegalArgumentException e) {
      throw new HttpFailure(HttpFailure.Kind.IO, "cannot call " + host + ": " + e.getMessage(), e);
    }
    if (https) {
      HttpsURLConnection tls = (HttpsURLConnection) c;
      tls.setSSLSocketFactory(tls(host));
      // Never the JVM-wide default verifier, which a host application may have loosened: the
      // JDK's own check of the certificate's names decides, and nothing overrules a mismatch
      // except for hosts allowed plain HTTP.
      boolean insecure = options.hosts.allowsPlainHttp(host);
      tls.setHostnameVerifier((name, session) -> insecure);
    }
    c.setAuthenticator(NONE);
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setConnectTimeout(millis(options.connectTimeout));
    c.setReadTimeout(millis(options.readTimeout));
    try {
      c.setRequestMethod(call.method);
    } catch (java.net.ProtocolException e) {
      throw new IllegalStateException(e); // METHODS holds only what it accepts
    }
    c.setRequestProperty("User-Agent", options.userAgent);
    // what the JDK client sends when a call names none (HttpURLConnection's own default is a
    // browser's list of image types)
    c.setRequestProperty("Accept", "*/*");
    if (call.contentType != null) {
      c.setRequestProperty("Content-Type", call.contentType);
    }
    for (HttpCall.Header h : call.headers) {
      c.setRequestProperty(h.name(), h.value());
    }
    byte[] body = null;
    if (call.body != null || call.method.equals("POST") || call.method.equals("PUT")) {
      body = call.body == null ? new byte[0] : call.body;
      c.setDoOutput(true);
      // a fixed length also keeps the connection from sending a POST again on its own
      c.setFixedLengthStreamingMode(body.length);
    }
    int status;
    try {
      try {
        c.connect();
      } catch (SocketTimeoutException e) {
        throw (IOException) new HttpConnectTimeoutException(e.getMessage()).initCause(e);
      }
      if (body != null) {
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      try {
        status = c.getResponseCode();
      } catch (SocketTimeoutException e) {
        throw (IOException) new HttpTimeoutException(e.getMessage()).initCause(e);
      }
    } catch (IOException e) {
      c.disconnect();
      throw JdkExchange.failure(options, host, e);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    c.getHeaderFields()
        .forEach(
            (name, values) -> {
              if (name != null) { // the status line
                // HttpURLConnection lists a repeated header's values last first
                List<String> sent = new ArrayList<>(values);
                Collections.reverse(sent);
                headers.put(name, List.copyOf(sent));
              }
            });
    long declared = c.getContentLengthLong();
    InputStream raw;
    try {
      // an error answer without a body has no error stream (null)
      raw = status >= 400 ? c.getErrorStream() : c.getInputStream();
    } catch (IOException e) {
      c.disconnect();
      throw JdkExchange.failure(options, host, e);
    }
    if (call.method.equals("HEAD") || raw == null) {
      if (raw != null) {
        close(raw);
      }
      raw = InputStream.nullInputStream();
      declared = -1;
    } else if (declared > call.limit) {
      close(raw);
      throw BoundedBody.tooLarge(call.uri, call.limit, declared);
    }
    HttpReply reply =
        new HttpReply(
            status,
            headers,
            call.uri,
            new Bounded(raw, call.uri, call.limit, declared, options.readTimeout));
    if (chain.buffered) {
      reply.bytes();
    }
    return reply;
  }

  /** Whether the proxy rules send {@code uri} straight to its host. */
  private boolean direct(URI uri) {
    List<Proxy> proxies = options.proxies.select(uri);
    return proxies.isEmpty() || proxies.get(0).type() == Proxy.Type.DIRECT;
  }

  /** The socket factory for a TLS host: verified, or trusting for hosts allowed plain HTTP. */
  private synchronized SSLSocketFactory tls(String host) {
    if (options.hosts.allowsPlainHttp(host)) {
      if (unverified == null) {
        unverified = JdkExchange.trustAll().getSocketFactory();
      }
      return unverified;
    }
    if (verified == null) {
      try {
        // the JVM's default context, as the JDK client uses; never a factory a host set globally
        verified = SSLContext.getDefault().getSocketFactory();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JDK cannot create a TLS context", e);
      }
    }
    return verified;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing more to read from it
    }
  }

  /** A body that stops at the limit and tells a body cut short from a whole one. */
  private static final class Bounded extends FilterInputStream {
    private final URI url;
    private final long limit;
    private final long declared;
    private final Duration readTimeout;
    private long read;

    Bounded(InputStream in, URI url, long limit, long declared, Duration readTimeout) {
      super(in);
      this.url = url;
      this.limit = limit;
      this.declared = declared;
      this.readTimeout = readTimeout;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n;
      try {
        long room = limit - read; // one byte more than the limit allows tells it was passed
        n = in.read(b, off, room < len ? (int) room + 1 : len);
      } catch (SocketTimeoutException e) {
        close();
        throw BoundedBody.stalled(url, readTimeout, e);
      } catch (IOException e) {
        close();
        throw BoundedBody.truncated(url, read, declared, e);
      }
      if (n < 0) {
        if (declared >= 0 && read < declared) {
          throw BoundedBody.truncated(url, read, declared, null);
        }
        return -1;
      }
      read += n;
      if (read > limit) {
        close();
        throw BoundedBody.tooLarge(url, limit, declared);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] sink = new byte[(int) Math.min(8192, Math.max(0, n))];
      int got = read(sink, 0, sink.length);
      return Math.max(0, got);
    }
  }
}
