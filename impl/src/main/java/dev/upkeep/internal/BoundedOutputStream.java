package dev.upkeep.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream that fails with {@link TooLarge} once more bytes are written to it than its budget
 * allows; several streams may share one budget. Not part of the public API: shared by the cache
 * directory and the chart review's summaries of this module, which is why it is public at all. Not
 * thread-safe.
 */
public final class BoundedOutputStream extends FilterOutputStream {
  /** More was written than the budget allowed. */
  public static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("too many bytes", null);
    }
  }

  private final long[] left;

  /** {@code out}, failing after {@code limit} bytes. */
  public BoundedOutputStream(OutputStream out, long limit) {
    this(out, new long[] {limit});
  }

  /** {@code out}, charging what is written to {@code left[0]}, which other streams may share. */
  public BoundedOutputStream(OutputStream out, long[] left) {
    super(out);
    this.left = left;
  }

  @Override
  public void write(int b) throws IOException {
    take(1);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    take(len);
    out.write(b, off, len);
  }

  private void take(int n) throws TooLarge {
    left[0] -= n;
    if (left[0] < 0) {
      throw new TooLarge();
    }
  }
}
