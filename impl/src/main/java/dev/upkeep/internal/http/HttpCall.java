package dev.upkeep.internal.http;

import dev.upkeep.Redaction;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One HTTP request as a client describes it: method, URL, headers (those carrying a credential
 * marked as such), an optional body, the most bytes of answer it accepts, and whether redirects are
 * followed. Immutable; every setter returns a changed copy.
 */
public final class HttpCall {
  /** A header; {@code secret} when it carries a credential. */
  record Header(String name, String value, boolean secret) {}

  final String method;
  final URI uri;
  final List<Header> headers;
  final String contentType;
  final byte[] body;
  final long limit;
  final boolean followRedirects;

  /** Whether the body carries a credential (an OAuth2 refresh token in a form). */
  final boolean bodySecret;

  private HttpCall(
      String method,
      URI uri,
      List<Header> headers,
      String contentType,
      byte[] body,
      long limit,
      boolean followRedirects,
      boolean bodySecret) {
    this.method = method;
    this.uri = uri;
    this.headers = List.copyOf(headers);
    this.contentType = contentType;
    this.body = body;
    this.limit = limit;
    this.followRedirects = followRedirects;
    this.bodySecret = bodySecret;
  }

  /** A {@code method} request for {@code uri} accepting up to 4 MiB, following no redirects. */
  public static HttpCall of(String method, URI uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.isAbsolute() || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("not an absolute http(s) URL: " + Redaction.redact(uri));
    }
    return new HttpCall(
        method.toUpperCase(Locale.ROOT), uri, List.of(), null, null, 4L << 20, false, false);
  }

  /** A {@code GET} of {@code uri}. */
  public static HttpCall get(URI uri) {
    return of("GET", uri);
  }

  /** This call with header {@code name} set to {@code value} (replacing an earlier one). */
  public HttpCall header(String name, String value) {
    return withHeader(name, value, false);
  }

  /**
   * This call with a header that carries a credential ({@code Authorization}, {@code
   * PRIVATE-TOKEN}): it is sent only over HTTPS or to loopback and insecure-marked hosts, and never
   * along a redirect to another host.
   */
  public HttpCall credential(String name, String value) {
    return withHeader(name, value, true);
  }

  private HttpCall withHeader(String name, String value, boolean secret) {
    List<Header> next = new ArrayList<>();
    for (Header h : headers) {
      if (!h.name.equalsIgnoreCase(name)) {
        next.add(h);
      }
    }
    if (value != null) {
      next.add(new Header(name, value, secret));
    }
    return new HttpCall(method, uri, next, contentType, body, limit, followRedirects, bodySecret);
  }

  /** This call with a request body. */
  public HttpCall body(String contentType, byte[] body) {
    return withBody(contentType, body, false);
  }

  /**
   * This call with a request body that carries a credential (a refresh token in a form): guarded as
   * {@link #credential} headers are, and never sent along a redirect to another host.
   */
  public HttpCall credentialBody(String contentType, byte[] body) {
    return withBody(contentType, body, true);
  }

  private HttpCall withBody(String contentType, byte[] body, boolean secret) {
    return new HttpCall(
        method,
        uri,
        headers,
        Objects.requireNonNull(contentType),
        body.clone(),
        limit,
        followRedirects,
        secret);
  }

  /** This call accepting at most {@code bytes} of answer body. */
  public HttpCall limit(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + bytes);
    }
    return new HttpCall(
        method, uri, headers, contentType, body, bytes, followRedirects, bodySecret);
  }

  /**
   * This call following up to 5 redirects; credentials are dropped when one leads to another host.
   */
  public HttpCall followRedirects() {
    return new HttpCall(method, uri, headers, contentType, body, limit, true, bodySecret);
  }

  /** The URL. */
  public URI uri() {
    return uri;
  }

  HttpCall to(URI next, boolean keepCredentials) {
    List<Header> kept = new ArrayList<>();
    for (Header h : headers) {
      if (keepCredentials || !h.secret) {
        kept.add(h);
      }
    }
    return new HttpCall(method, next, kept, contentType, body, limit, followRedirects, bodySecret);
  }

  boolean carriesCredential() {
    return bodySecret || headers.stream().anyMatch(Header::secret);
  }

  /** Whether repeating it cannot do anything twice: everything but {@code POST}. */
  boolean idempotent() {
    return !method.equals("POST");
  }
}
