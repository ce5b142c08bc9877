package dev.upkeep.patch.yaml;

import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.yaml.YamlNode.Kind;
import dev.upkeep.patch.yaml.YamlNode.Node;
import dev.upkeep.patch.yaml.YamlNode.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scalar values of a manifest, each with its document, path and the place a setter marker for
 * it would go: what {@code upkeep adopt} reads to mark values that have no marker yet. The parse is
 * {@link SetterPatcher}'s, with the same limits, so offsets are exact for the same text.
 */
public final class ManifestValues {

  private ManifestValues() {}

  /**
   * One scalar value that is not a mapping key.
   *
   * @param document the 0-based index of its document in the stream
   * @param path the keys and 0-based item indexes from the document's root, e.g. {@code [spec,
   *     template, spec, containers, 0, image]}
   * @param value the decoded value
   * @param line the 1-based line of its first character
   * @param lineEnd the UTF-16 offset of the end of its line (before {@code \r} or {@code \n}),
   *     where a marker is appended
   * @param notMarkable why no marker can be appended to its line, or null when one can
   */
  public record Value(
      int document, List<String> path, String value, int line, int lineEnd, String notMarkable) {

    /** Validates and copies. */
    public Value {
      path = List.copyOf(path);
      Objects.requireNonNull(value, "value");
    }

    /** Whether the value already carries a setter or inline marker. */
    public boolean marked() {
      return ALREADY_MARKED.equals(notMarkable);
    }
  }

  /** The {@link Value#notMarkable()} of a value whose line ends with a marker already. */
  public static final String ALREADY_MARKED = "already marked";

  /**
   * Every scalar value in {@code content} that is not a key, in file order.
   *
   * @param file the manifest's path, used in errors
   * @throws PatchException when any document does not parse or breaks a limit
   */
  public static List<Value> scan(Path file, String content) {
    List<Value> out = new ArrayList<>();
    Offsets offsets = new Offsets(content);
    for (Node n : MarkerScan.nodesWithPaths(file, content)) {
      if (n.kind != Kind.SCALAR || n.role == Role.KEY) {
        continue;
      }
      int start = offsets.charOffset(n.startCp);
      int end = offsets.charOffset(n.endCp);
      int lineEnd = end;
      while (lineEnd < content.length()
          && content.charAt(lineEnd) != '\n'
          && content.charAt(lineEnd) != '\r') {
        lineEnd++;
      }
      out.add(
          new Value(
              n.document,
              n.path,
              n.scalar.getValue(),
              n.startLine + 1,
              lineEnd,
              notMarkable(n, content, end, lineEnd)));
    }
    return out;
  }

  private static String notMarkable(Node n, String content, int end, int lineEnd) {
    if (n.startLine != n.endLine || YamlNode.isBlockScalar(n.scalar)) {
      return "the value spans several lines";
    }
    if (n.inFlow) {
      return "the value sits in a flow collection ([...] or {...})";
    }
    String rest = content.substring(end, lineEnd).strip();
    if (rest.isEmpty()) {
      return null;
    }
    if (rest.startsWith("#")) {
      Marker marker = Marker.parse(rest.substring(1));
      return marker != null ? ALREADY_MARKED : "the line ends with a comment already";
    }
    return "the line holds more than the value";
  }
}
