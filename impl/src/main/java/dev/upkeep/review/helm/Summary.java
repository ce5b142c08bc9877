package dev.upkeep.review.helm;

import dev.upkeep.review.ChartException;
import dev.upkeep.source.ChartArchive;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link ChartPackage} written down in a compact binary form and read back equal: what the review
 * learned from a package, without its archive, its YAML or its JSON, so that a package reviewed
 * once costs a small read the next time ({@link PackageSummaries}). The values trees keep their
 * Java types exactly (integers of each width, doubles bit for bit, keys of any scalar type,
 * binary), so a summary reviews as its package does.
 */
final class Summary {
  /**
   * The form's name and the version of Upkeep that wrote it: a summary holds what this version's
   * {@link ChartPackage#read} made of a package, so another version reads the package again rather
   * than trust a summary made by other rules. (Change the number when the form changes.)
   */
  private static final String MAGIC =
      "upkeep chart summary 1 "
          + Optional.ofNullable(Summary.class.getPackage().getImplementationVersion())
              .orElse("development");

  /** Nesting deeper than this is not written or read (values are parsed with a similar bound). */
  private static final int MAX_DEPTH = 1_000;

  private static final int MAX_COUNT = 50_000_000;

  /** A CRD whose encoding (aliases expanded) is larger than this is not compared. */
  private static final long MAX_DIGESTED_BYTES = 64L << 20;

  /** A value of a type this form does not hold: the package is not summarised. */
  static final class NotKept extends IOException {
    private static final long serialVersionUID = 1L;

    NotKept(String message) {
      super(message);
    }
  }

  private Summary() {}

  /** Writes {@code p}, the package of {@code digest}. */
  static void write(ChartPackage p, String digest, DataOutputStream out) throws IOException {
    out.writeUTF(MAGIC);
    out.writeUTF(digest);
    ChartPackage.Chart chart = p.chart();
    string(out, chart.name());
    string(out, chart.version());
    string(out, chart.appVersion());
    string(out, chart.kubeVersion());
    out.writeInt(chart.dependencies().size());
    for (Map.Entry<String, String> d : chart.dependencies().entrySet()) {
      string(out, d.getKey());
      string(out, d.getValue());
    }
    Values values = p.defaults();
    out.writeInt(values.leaves().size());
    for (Values.Leaf leaf : values.leaves().values()) {
      strings(out, leaf.path());
      string(out, leaf.text());
      out.writeInt(leaf.line());
    }
    strings(out, values.keys());
    out.writeInt(values.children().size());
    for (Map.Entry<String, Set<String>> c : values.children().entrySet()) {
      string(out, c.getKey());
      strings(out, c.getValue());
    }
    value(out, p.defaultsObject(), 0, null);
    out.writeBoolean(p.schema().isPresent());
    if (p.schema().isPresent()) {
      value(out, p.schema().get(), 0, null);
    }
    out.writeInt(p.crds().size());
    for (Map.Entry<String, ChartPackage.Crd> c : p.crds().entrySet()) {
      string(out, c.getKey());
      string(out, c.getValue().kind());
      string(out, c.getValue().group());
      string(out, c.getValue().digest());
    }
  }

  /**
   * Reads a summary {@link #write} wrote for {@code digest}, from a stream over the whole summary
   * in memory (its {@code available()} bounds every length read, so a damaged one allocates no more
   * than it holds).
   *
   * @throws IOException when it is not one, is for another package, or is cut short
   */
  static ChartPackage read(DataInputStream in, String digest) throws IOException {
    if (!in.readUTF().equals(MAGIC)) {
      throw new IOException("not a chart summary");
    }
    if (!in.readUTF().equals(digest)) {
      throw new IOException("the summary of another package");
    }
    String name = string(in);
    String version = string(in);
    String appVersion = string(in);
    String kubeVersion = string(in);
    Map<String, String> dependencies = new LinkedHashMap<>();
    for (int i = count(in); i > 0; i--) {
      dependencies.put(string(in), string(in));
    }
    List<Values.Leaf> leaves = new ArrayList<>();
    for (int i = count(in); i > 0; i--) {
      leaves.add(new Values.Leaf(List.copyOf(strings(in)), string(in), in.readInt()));
    }
    List<String> keys = strings(in);
    Map<String, List<String>> children = new LinkedHashMap<>();
    for (int i = count(in); i > 0; i--) {
      children.put(string(in), strings(in));
    }
    Object defaults = value(in, 0);
    Optional<Object> schema = in.readBoolean() ? Optional.of(value(in, 0)) : Optional.empty();
    Map<String, ChartPackage.Crd> crds = new TreeMap<>();
    for (int i = count(in); i > 0; i--) {
      crds.put(string(in), new ChartPackage.Crd(string(in), string(in), string(in)));
    }
    if (in.read() != -1) {
      throw new IOException("trailing bytes");
    }
    return new ChartPackage(
        new ChartPackage.Chart(name, version, appVersion, kubeVersion, dependencies),
        Values.restore(leaves, keys, children),
        defaults,
        schema,
        crds);
  }

  /**
   * The digest of {@code content} (a CRD as parsed YAML, or its text): equal for contents that are
   * {@link Object#equals equal}, as maps are whatever their order.
   *
   * @throws ChartException when the content is too large to compare (aliases that expand it)
   */
  static String digest(Object content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // one budget for the value and every entry encoded on the way to sorting it
    long[] budget = {MAX_DIGESTED_BYTES};
    try (DataOutputStream out = new DataOutputStream(bounded(bytes, budget))) {
      value(out, content, 0, budget);
    } catch (NotKept e) {
      // a type the form does not hold: its text still tells one content from another
      return ChartArchive.sha256(String.valueOf(content).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChartException("a CustomResourceDefinition is too large to compare", e);
    }
    return ChartArchive.sha256(bytes.toByteArray());
  }

  /** {@code out}, failing once more than {@code max} bytes are written to it. */
  static OutputStream bounded(OutputStream out, long max) {
    return bounded(out, new long[] {max});
  }

  /** {@code out}, failing once the bytes written to it exceed what is {@code left} (shared). */
  private static OutputStream bounded(OutputStream out, long[] left) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        count(1);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
      }

      private void count(int n) throws IOException {
        left[0] -= n;
        if (left[0] < 0) {
          throw new IOException("too many bytes");
        }
      }
    };
  }

  // ---- values -------------------------------------------------------------------------------

  /**
   * One value: its type in a byte, then its content. Canonically (with a {@code budget} for the
   * entries encoded to be sorted), a map's or set's entries are written in the order of their
   * encodings, so equal maps encode alike; otherwise in their own order.
   */
  private static void value(DataOutputStream out, Object v, int depth, long[] budget)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new NotKept("nested more than " + MAX_DEPTH + " levels");
    }
    if (v == null) {
      out.writeByte('n');
    } else if (v instanceof String) {
      out.writeByte('s');
      string(out, (String) v);
    } else if (v instanceof Boolean) {
      out.writeByte((Boolean) v ? 't' : 'f');
    } else if (v instanceof Integer) {
      out.writeByte('i');
      out.writeInt((Integer) v);
    } else if (v instanceof Long) {
      out.writeByte('l');
      out.writeLong((Long) v);
    } else if (v instanceof BigInteger) {
      out.writeByte('g');
      string(out, v.toString());
    } else if (v instanceof Double) {
      out.writeByte('d');
      out.writeLong(Double.doubleToRawLongBits((Double) v));
    } else if (v instanceof byte[]) {
      out.writeByte('b');
      out.writeInt(((byte[]) v).length);
      out.write((byte[]) v);
    } else if (v instanceof List<?>) {
      out.writeByte('[');
      out.writeInt(((List<?>) v).size());
      for (Object item : (List<?>) v) {
        value(out, item, depth + 1, budget);
      }
    } else if (v instanceof Set<?>) {
      out.writeByte('(');
      entries(out, ((Set<?>) v).stream().map(k -> Arrays.asList(k)).toList(), depth, budget);
    } else if (v instanceof Map<?, ?>) {
      out.writeByte('{');
      List<List<Object>> entries = new ArrayList<>();
      ((Map<?, ?>) v).forEach((k, x) -> entries.add(Arrays.asList(k, x)));
      entries(out, entries, depth, budget);
    } else {
      throw new NotKept("a value of type " + v.getClass().getName());
    }
  }

  /** A map's entries (key, value) or a set's (key): in order, or canonically sorted. */
  private static void entries(
      DataOutputStream out, List<List<Object>> entries, int depth, long[] budget)
      throws IOException {
    out.writeInt(entries.size());
    if (budget == null) {
      for (List<Object> e : entries) {
        for (Object part : e) {
          value(out, part, depth + 1, null);
        }
      }
      return;
    }
    List<byte[]> encoded = new ArrayList<>();
    for (List<Object> e : entries) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(bounded(b, budget));
      for (Object part : e) {
        value(d, part, depth + 1, budget);
      }
      d.flush();
      encoded.add(b.toByteArray());
    }
    encoded.sort(Arrays::compare);
    for (byte[] e : encoded) {
      out.write(e);
    }
  }

  private static Object value(DataInputStream in, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("nested too deeply");
    }
    int type = in.readUnsignedByte();
    switch (type) {
      case 'n':
        return null;
      case 's':
        return string(in);
      case 't':
        return Boolean.TRUE;
      case 'f':
        return Boolean.FALSE;
      case 'i':
        return in.readInt();
      case 'l':
        return in.readLong();
      case 'g':
        return new BigInteger(string(in));
      case 'd':
        return Double.longBitsToDouble(in.readLong());
      case 'b':
        return bytes(in);
      case '[':
        {
          int n = count(in);
          List<Object> list = new ArrayList<>(Math.min(n, 1024));
          for (int i = 0; i < n; i++) {
            list.add(value(in, depth + 1));
          }
          return list;
        }
      case '(':
        {
          int n = count(in);
          Set<Object> set = new LinkedHashSet<>();
          for (int i = 0; i < n; i++) {
            set.add(value(in, depth + 1));
          }
          return set;
        }
      case '{':
        {
          int n = count(in);
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            map.put(value(in, depth + 1), value(in, depth + 1));
          }
          return map;
        }
      default:
        throw new IOException("unknown value type " + type);
    }
  }

  // ---- strings and counts -------------------------------------------------------------------

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    return new String(bytes(in), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = count(in);
    if (n > in.available()) {
      throw new IOException("cut short");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static void strings(DataOutputStream out, Collection<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      string(out, s);
    }
  }

  private static List<String> strings(DataInputStream in) throws IOException {
    int n = count(in);
    List<String> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(string(in));
    }
    return out;
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_COUNT) {
      throw new IOException("bad count " + n);
    }
    return n;
  }
}
