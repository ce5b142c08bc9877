package dev.upkeep.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An answer: status, headers, the URL that gave it (after redirects), and a body read through the
 * call's limit. Close it when its body is streamed; a buffered one ({@link HttpTransport#fetch})
 * needs no closing.
 */
public final class HttpReply implements AutoCloseable {
  private final int status;
  private final Map<String, List<String>> headers;
  private final URI uri;
  private InputStream stream;
  private byte[] bytes;

  HttpReply(int status, Map<String, List<String>> headers, URI uri, InputStream stream) {
    this.status = status;
    this.headers = headers;
    this.uri = uri;
    this.stream = stream;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The URL that answered. */
  public URI uri() {
    return uri;
  }

  /** The first value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return Optional.of(e.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /**
   * Every value of header {@code name} (any case) in the order sent; a header sent several times,
   * such as {@code WWW-Authenticate} or {@code Link}, means what its values joined with {@code ",
   * "} mean (RFC 9110, 5.3).
   */
  public List<String> headers(String name) {
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        values.addAll(e.getValue());
      }
    }
    return values;
  }

  /** The {@code Content-Type}, lowercase, or empty. */
  public String contentType() {
    return header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
  }

  /**
   * The body as a stream that fails with an {@link HttpFailure} past the limit or when cut short.
   */
  public InputStream body() {
    if (bytes != null) {
      return new java.io.ByteArrayInputStream(bytes);
    }
    return stream;
  }

  /** The whole body, read through the limit. */
  public byte[] bytes() {
    if (bytes == null) {
      try (InputStream in = stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        bytes = out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      stream = null;
    }
    return bytes;
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  /** Reads at most {@code max} bytes of the body, then drops the rest and the connection. */
  HttpReply buffer(int max) {
    if (bytes == null) {
      try (InputStream in = stream) {
        bytes = in.readNBytes(max);
      } catch (IOException | HttpFailure e) {
        bytes = new byte[0];
      }
      stream = null;
    }
    return this;
  }

  @Override
  public void close() {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException e) {
        // the connection is dropped instead of reused
      }
    }
  }
}
