package dev.upkeep.review.helm;

import dev.upkeep.internal.BoundedOutputStream;
import dev.upkeep.review.ChartException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.IdentityHashMap;
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
   * than trust a summary made by other rules. (Change the number when the form or those rules
   * change, so that builds of one snapshot version do not share summaries: 2 reads an apiVersion v1
   * chart's requirements.yaml.)
   */
  private static final String MAGIC =
      "upkeep chart summary 2 "
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
    Encoder trees = new Encoder(out, null);
    trees.value(p.defaultsObject(), 0);
    out.writeBoolean(p.schema().isPresent());
    if (p.schema().isPresent()) {
      trees.value(p.schema().get(), 0);
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
   * {@link Object#equals equal}, as maps and sets are whatever their order. Values are streamed
   * into the hash once; only map keys and set elements are encoded apart, to be sorted.
   *
   * @throws ChartException when the content nests deeper than {@value #MAX_DEPTH} levels (a
   *     recursive alias) or its encoding, aliases expanded, is over {@value #MAX_DIGESTED_BYTES}
   *     bytes
   */
  static String digest(Object content) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    long[] budget = {MAX_DIGESTED_BYTES};
    try (DataOutputStream out =
        new DataOutputStream(
            new BoundedOutputStream(
                new DigestOutputStream(OutputStream.nullOutputStream(), sha), budget))) {
      new Encoder(out, budget).value(content, 0);
    } catch (IOException e) {
      throw new ChartException(
          "a CustomResourceDefinition cannot be compared: " + e.getMessage(), e);
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  // ---- values -------------------------------------------------------------------------------

  /**
   * Writes values, each as its type in a byte and then its content: for a summary, in their own
   * order, every collection written once (one that YAML aliases share is not summarised: written
   * out it could be many times the package); canonically for a digest (with a {@code budget}), a
   * map's entries in the order of their keys' encodings and a set's elements in the order of
   * theirs, any other type as its class and text.
   */
  /** A map entry with its key encoded. */
  private record Keyed(byte[] key, Object value) {}

  private static final class Encoder {
    private final DataOutputStream out;
    private final long[] budget;
    private final Map<Object, Boolean> written = new IdentityHashMap<>();

    Encoder(DataOutputStream out, long[] budget) {
      this.out = out;
      this.budget = budget;
    }

    void value(Object v, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        if (budget == null) {
          throw new NotKept("nested more than " + MAX_DEPTH + " levels");
        }
        throw new IOException("it nests more than " + MAX_DEPTH + " levels (a recursive alias?)");
      }
      if (budget == null
          && (v instanceof Collection<?> || v instanceof Map<?, ?>)
          && written.put(v, Boolean.TRUE) != null) {
        throw new NotKept("values shared through a YAML alias");
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
          value(item, depth + 1);
        }
      } else if (v instanceof Set<?>) {
        out.writeByte('(');
        out.writeInt(((Set<?>) v).size());
        if (budget == null) {
          for (Object item : (Set<?>) v) {
            value(item, depth + 1);
          }
        } else {
          for (byte[] item : sorted((Set<?>) v, depth)) {
            out.write(item);
          }
        }
      } else if (v instanceof Map<?, ?>) {
        out.writeByte('{');
        map((Map<?, ?>) v, depth);
      } else if (budget != null) {
        out.writeByte('o');
        string(out, v.getClass().getName());
        string(out, String.valueOf(v));
      } else {
        throw new NotKept("a value of type " + v.getClass().getName());
      }
    }

    private void map(Map<?, ?> map, int depth) throws IOException {
      out.writeInt(map.size());
      if (budget == null) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          value(e.getKey(), depth + 1);
          value(e.getValue(), depth + 1);
        }
        return;
      }
      // a map's keys are distinct, so sorting by them alone orders the entries completely
      List<Keyed> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        entries.add(new Keyed(encoded(e.getKey(), depth), e.getValue()));
      }
      entries.sort((a, b) -> Arrays.compare(a.key(), b.key()));
      for (Keyed e : entries) {
        out.write(e.key());
        value(e.value(), depth + 1);
      }
    }

    private List<byte[]> sorted(Set<?> set, int depth) throws IOException {
      List<byte[]> items = new ArrayList<>();
      for (Object item : set) {
        items.add(encoded(item, depth));
      }
      items.sort(Arrays::compare);
      return items;
    }

    /** {@code v} encoded on its own (charged to the budget), to be sorted by. */
    private byte[] encoded(Object v, int depth) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(new BoundedOutputStream(b, budget));
      new Encoder(d, budget).value(v, depth + 1);
      d.flush();
      return b.toByteArray();
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

  /** A string as its UTF-16 code units, so that even a lone surrogate reads back as it was. */
  private static void string(DataOutputStream out, String s) throws IOException {
    out.writeInt(s.length());
    out.writeChars(s);
  }

  private static String string(DataInputStream in) throws IOException {
    int n = count(in);
    if (n > in.available() / 2) {
      throw new IOException("cut short");
    }
    char[] chars = new char[n];
    for (int i = 0; i < n; i++) {
      chars[i] = in.readChar();
    }
    return new String(chars);
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
