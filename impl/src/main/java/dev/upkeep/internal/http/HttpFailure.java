package dev.upkeep.internal.http;

import java.util.Optional;

/**
 * Why an HTTP call failed, in a one-line lowercase message that names the host or URL (never its
 * credentials). Clients wrap it in their stage's exception, prefixed with what they were doing.
 */
public final class HttpFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that react differently (a TLS failure may mean plain HTTP). */
  public enum Kind {
    /** No connection or no answer in time. */
    TIMEOUT,
    /** The host name does not resolve. */
    UNKNOWN_HOST,
    /** Nothing accepts connections there. */
    CONNECT,
    /** The TLS handshake failed. */
    TLS,
    /** Transient faults (429, 5xx, dropped connections) outlasted the attempts or the wait cap. */
    GAVE_UP,
    /** The body is larger than the call's limit. */
    TOO_LARGE,
    /** The connection closed before the whole body arrived. */
    TRUNCATED,
    /** Too many redirects, or a redirect the transport refuses to follow. */
    REDIRECT,
    /** A credential would be sent over plain HTTP to a host not allowed to receive it. */
    PLAIN_HTTP,
    /** The thread was interrupted. */
    INTERRUPTED,
    /** Any other I/O failure. */
    IO
  }

  private final Kind kind;
  private final transient HttpReply reply;

  HttpFailure(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, null);
  }

  HttpFailure(Kind kind, String message, Throwable cause, HttpReply reply) {
    super(message, cause);
    this.kind = kind;
    this.reply = reply;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /**
   * The last answer, its body buffered, when the failure is about an answer ({@link Kind#GAVE_UP}).
   */
  public Optional<HttpReply> reply() {
    return Optional.ofNullable(reply);
  }
}
