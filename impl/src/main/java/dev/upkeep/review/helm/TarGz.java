package dev.upkeep.review.helm;

import dev.upkeep.review.ChartException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads the regular files of a gzip-compressed tar archive (ustar, PAX and GNU long names) into
 * memory, within limits: how many entries, how many bytes in all, how large a kept file. Only files
 * whose name {@code keep} accepts are held; the rest are skipped. Names that are absolute or climb
 * ({@code ..}) make the whole archive invalid; links, directories and devices are skipped. Nothing
 * is written to disk.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private final int maxEntries;
  private final long maxTotalBytes;
  private final long maxFileBytes;

  TarGz(int maxEntries, long maxTotalBytes, long maxFileBytes) {
    this.maxEntries = maxEntries;
    this.maxTotalBytes = maxTotalBytes;
    this.maxFileBytes = maxFileBytes;
  }

  Map<String, byte[]> read(byte[] archive, Predicate<String> keep) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(archive), 65536)) {
      byte[] header = new byte[BLOCK];
      long total = 0;
      int entries = 0;
      String longName = null;
      while (readFully(in, header)) {
        if (isZero(header)) {
          break;
        }
        if (++entries > maxEntries) {
          throw new ChartException("the archive has more than " + maxEntries + " entries");
        }
        checkSum(header);
        long size = octal(header, 124, 12);
        total += size;
        if (size < 0 || total > maxTotalBytes) {
          throw new ChartException("the archive unpacks to more than " + maxTotalBytes + " bytes");
        }
        char type = (char) header[156];
        String name = longName != null ? longName : name(header);
        longName = null;
        if (type == 'x' || type == 'L') {
          if (size > 65536) {
            throw new ChartException("the archive has a " + size + "-byte extended header");
          }
          byte[] extended = readBody(in, size);
          longName = type == 'L' ? cString(extended) : paxPath(extended);
          continue;
        }
        boolean regular = type == '0' || type == 0 || type == '7';
        if (regular) {
          checkName(name);
        }
        if (regular && keep.test(name)) {
          if (size > maxFileBytes) {
            throw new ChartException(
                "\"" + name + "\" is " + size + " bytes, more than the " + maxFileBytes + " read");
          }
          files.put(name, readBody(in, size));
        } else {
          skip(in, padded(size));
        }
      }
    } catch (IOException e) {
      throw new ChartException("not a gzip tar archive: " + e.getMessage(), e);
    }
    return files;
  }

  private static void checkName(String name) {
    if (name.startsWith("/") || name.contains("\\") || ("/" + name + "/").contains("/../")) {
      throw new ChartException("the archive holds a path that leaves it: \"" + name + "\"");
    }
  }

  private static String name(byte[] h) {
    String name = cString(h, 0, 100);
    String magic = new String(h, 257, 5, StandardCharsets.US_ASCII);
    if (magic.equals("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  /** The {@code path} record of a PAX extended header ({@code "LEN path=VALUE\n"}), or null. */
  private static String paxPath(byte[] extended) {
    String text = new String(extended, StandardCharsets.UTF_8);
    String path = null;
    for (String record : text.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        path = record.substring(space + 6);
      }
    }
    return path;
  }

  private static void checkSum(byte[] h) {
    long expected = octal(h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    if (sum != expected) {
      throw new ChartException("the archive has a damaged tar header");
    }
  }

  private static long octal(byte[] h, int offset, int length) {
    long value = 0;
    int i = offset;
    int end = offset + length;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
      value = value * 8 + (h[i] - '0');
      if (value > (1L << 40)) {
        return -1;
      }
    }
    return value;
  }

  private static String cString(byte[] b) {
    return cString(b, 0, b.length);
  }

  private static String cString(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static byte[] readBody(InputStream in, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, 1 << 20));
    byte[] buffer = new byte[8192];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("truncated entry");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    skip(in, padded(size) - size);
    return out.toByteArray();
  }

  private static void skip(InputStream in, long n) throws IOException {
    byte[] buffer = new byte[8192];
    long left = n;
    while (left > 0) {
      int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (r < 0) {
        throw new IOException("truncated archive");
      }
      left -= r;
    }
  }

  private static boolean readFully(InputStream in, byte[] block) throws IOException {
    int off = 0;
    while (off < block.length) {
      int n = in.read(block, off, block.length - off);
      if (n < 0) {
        if (off == 0) {
          return false;
        }
        throw new IOException("truncated tar header");
      }
      off += n;
    }
    return true;
  }
}
