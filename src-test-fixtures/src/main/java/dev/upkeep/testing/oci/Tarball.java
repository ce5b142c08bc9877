package dev.upkeep.testing.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzip-compressed ustar archive with fixed timestamps, so equal input gives equal bytes.
 * Names are written as given, so a test can also build a hostile archive ({@code ../x}).
 */
public final class Tarball {
  private Tarball() {}

  /**
   * The archive of {@code files} (name to content), in iteration order.
   *
   * @throws IllegalArgumentException when a name is longer than 100 bytes
   */
  public static byte[] gzip(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        byte[] content = file.getValue();
        gz.write(header(file.getKey(), content.length));
        gz.write(content);
        int pad = (512 - content.length % 512) % 512;
        gz.write(new byte[pad]);
      }
      gz.write(new byte[1024]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] header(String name, long size) {
    byte[] name8 = name.getBytes(StandardCharsets.UTF_8);
    if (name8.length > 100) {
      throw new IllegalArgumentException("tar entry name longer than 100 bytes: \"" + name + "\"");
    }
    byte[] h = new byte[512];
    System.arraycopy(name8, 0, h, 0, name8.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = '0';
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    return h;
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    String s = Long.toOctalString(value);
    int digits = length - 1;
    StringBuilder padded = new StringBuilder();
    for (int i = s.length(); i < digits; i++) {
      padded.append('0');
    }
    padded.append(s);
    byte[] b = padded.toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, digits);
    h[offset + digits] = 0;
  }
}
