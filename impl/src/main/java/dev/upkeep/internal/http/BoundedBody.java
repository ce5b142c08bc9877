package dev.upkeep.internal.http;

import dev.upkeep.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An answer body as a stream that stops at the call's limit, waits at most the read timeout for
 * each chunk, and tells a body cut short (the connection closed before {@code Content-Length}) from
 * a whole one. Only a chunk or two is ever held: the next is asked for when one is consumed. Read
 * it from one thread.
 */
final class BoundedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
  private static final Object END = new Object();

  private final URI url;
  private final long limit;
  private final long declaredLength;
  private final Duration readTimeout;
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> current;
  private ByteBuffer buffer;
  private long read;
  private boolean done;

  BoundedBody(URI url, long limit, long declaredLength, Duration readTimeout) {
    this.url = url;
    this.limit = limit;
    this.declaredLength = declaredLength;
    this.readTimeout = readTimeout;
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    chunks.add(item);
  }

  @Override
  public void onError(Throwable t) {
    chunks.add(t);
  }

  @Override
  public void onComplete() {
    chunks.add(END);
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
    while (buffer == null || !buffer.hasRemaining()) {
      if (current != null && current.hasNext()) {
        buffer = current.next();
        continue;
      }
      if (done) {
        return -1;
      }
      if (current != null) {
        current = null;
        subscription.request(1);
      }
      Object next = take();
      if (next == END) {
        done = true;
        if (declaredLength >= 0 && read < declaredLength) {
          throw truncated(null);
        }
        return -1;
      }
      if (next instanceof Throwable) {
        done = true;
        throw truncated((Throwable) next);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> list = (List<ByteBuffer>) next;
      current = list.iterator();
    }
    int n = Math.min(len, buffer.remaining());
    if (read + n > limit) {
      close();
      throw tooLarge();
    }
    buffer.get(b, off, n);
    read += n;
    return n;
  }

  private Object take() throws IOException {
    try {
      Object next = chunks.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (next == null) {
        close();
        throw stalled(url, readTimeout, null);
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new HttpFailure(
          HttpFailure.Kind.INTERRUPTED, "interrupted while reading " + Redaction.redact(url), e);
    }
  }

  HttpFailure tooLarge() {
    return tooLarge(url, limit, declaredLength);
  }

  private HttpFailure truncated(Throwable cause) {
    return truncated(url, read, declaredLength, cause);
  }

  /** An answer that sent nothing for the read timeout while its body was read. */
  static HttpFailure stalled(URI url, Duration readTimeout, Throwable cause) {
    return new HttpFailure(
        HttpFailure.Kind.TIMEOUT,
        HttpTransport.authority(url)
            + " sent no data for "
            + readTimeout.toMillis()
            + " ms while answering "
            + Redaction.redact(url)
            + "; try again later or raise the read timeout",
        cause);
  }

  /** An answer longer than the call's limit ({@code declaredLength} -1 when not declared). */
  static HttpFailure tooLarge(URI url, long limit, long declaredLength) {
    return new HttpFailure(
        HttpFailure.Kind.TOO_LARGE,
        "the answer of "
            + Redaction.redact(url)
            + " is larger than the limit of "
            + HttpTransport.size(limit)
            + (declaredLength > limit ? " (" + HttpTransport.size(declaredLength) + ")" : "")
            + "; raise the limit if that is expected",
        null);
  }

  /** An answer whose connection closed after {@code read} bytes, before its end. */
  static HttpFailure truncated(URI url, long read, long declaredLength, Throwable cause) {
    return new HttpFailure(
        HttpFailure.Kind.TRUNCATED,
        "the answer of "
            + Redaction.redact(url)
            + " ended after "
            + read
            + (declaredLength >= 0 ? " of " + declaredLength : "")
            + " bytes; the connection closed early",
        cause);
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (!done && s != null) {
      done = true;
      s.cancel();
    }
    done = true;
  }
}
