package dev.upkeep.patch.yaml;

import dev.upkeep.patch.yaml.MarkerScan.Site;
import dev.upkeep.patch.yaml.MarkerScan.Style;
import dev.upkeep.patch.yaml.MarkerScan.Target;
import dev.upkeep.patch.yaml.YamlNode.Kind;
import dev.upkeep.patch.yaml.YamlNode.Node;
import dev.upkeep.patch.yaml.YamlNode.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.comments.CommentType;
import org.snakeyaml.engine.v2.events.CommentEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;

/**
 * Decides, for each marker comment of a parsed stream, which value it sits on, or why it sits on
 * nothing a marker can set.
 */
final class MarkerTargets {

  private final String content;
  private final List<Node> nodes;
  private final List<CommentEvent> comments;
  private Map<Integer, List<Integer>> byLine;

  MarkerTargets(String content, List<Node> nodes, List<CommentEvent> comments) {
    this.content = content;
    this.nodes = nodes;
    this.comments = comments;
  }

  /** The nodes that end on {@code line}, or are block scalars that start on it, in order. */
  private List<Integer> onLine(int line) {
    if (byLine == null) {
      byLine = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        byLine.computeIfAbsent(n.endLine, k -> new ArrayList<>()).add(i);
        if (n.kind == Kind.SCALAR && isBlockScalar(n.scalar) && n.startLine != n.endLine) {
          byLine.computeIfAbsent(n.startLine, k -> new ArrayList<>()).add(i);
        }
      }
    }
    List<Integer> found = byLine.getOrDefault(line, List.of());
    if (found.size() > 1) {
      found.sort(null);
    }
    return found;
  }

  List<Site> resolve() {
    List<Site> sites = new ArrayList<>();
    if (comments.isEmpty()) {
      return sites;
    }
    Offsets offsets = new Offsets(content);
    for (CommentEvent comment : comments) {
      Marker marker = Marker.parse(comment.getValue());
      if (marker == null) {
        continue;
      }
      Mark mark = comment.getStartMark().orElseThrow();
      int line = mark.getLine() + 1;
      if (comment.getCommentType() == CommentType.BLOCK) {
        sites.add(headComment(line, comment, marker, offsets));
        continue;
      }
      sites.add(site(line, mark.getIndex(), mark.getLine(), marker, offsets));
    }
    return sites;
  }

  private Site site(int line, int commentCp, int commentLine, Marker marker, Offsets offsets) {
    int best = -1;
    for (int i : onLine(commentLine)) {
      Node n = nodes.get(i);
      if (n.kind == Kind.SCALAR
          && isBlockScalar(n.scalar)
          && n.startLine == commentLine
          && n.startCp < commentCp
          && n.endCp > commentCp) {
        return new Site(line, marker, null, "marker on a block scalar header is not applied");
      }
      if (n.kind == Kind.SCALAR && isBlockScalar(n.scalar)) {
        // its text ends before this line: the parser ends it where the next line (`---`) begins
        continue;
      }
      if (n.endCp <= commentCp
          && n.endLine == commentLine
          && (best < 0 || n.endCp >= nodes.get(best).endCp)) {
        best = i;
      }
    }
    if (best < 0) {
      return new Site(line, marker, null, "marker does not follow a value on its line");
    }
    Node n = nodes.get(best);
    switch (n.kind) {
      case ALIAS:
        return new Site(
            line,
            marker,
            null,
            "marker on an alias (*" + n.alias + ") is not applied; mark the anchored value");
      case FLOW_END:
      case FLOW_START:
      case BLOCK_START:
        return new Site(
            line,
            marker,
            null,
            "marker on a " + (n.mapping ? "mapping" : "sequence") + " is not applied");
      default:
        break;
    }
    if (n.role == Role.KEY) {
      return new Site(line, marker, null, onKey(n, best));
    }
    return scalarSite(line, marker, n, offsets);
  }

  /**
   * A marker on a line of its own. Flux's YAML reader makes it the head comment of the node that
   * follows, and applies it when that node is a scalar item of a block sequence ({@code - value})
   * with nothing but comments in between; anywhere else it does nothing.
   */
  private Site headComment(int line, CommentEvent comment, Marker marker, Offsets offsets) {
    int commentEnd = comment.getEndMark().orElseThrow().getIndex();
    for (Node n : nodes) {
      if (n.startCp < commentEnd || (n.kind == Kind.BLOCK_START && !n.mapping)) {
        continue;
      }
      if (n.kind == Kind.SCALAR
          && n.role == Role.ITEM
          && !n.inFlow
          && !isBlockScalar(n.scalar)
          && onlyCommentsBetween(offsets.charOffset(commentEnd), offsets.charOffset(n.startCp))) {
        return scalarSite(line, marker, n, offsets);
      }
      break;
    }
    return new Site(
        line,
        marker,
        null,
        "marker on a line of its own is not applied; put it at the end of the value's line");
  }

  /** Whether the text holds only line ends, comment lines and the final {@code - } indicator. */
  private boolean onlyCommentsBetween(int from, int to) {
    String between = content.substring(from, to);
    String[] lines = between.split("\r\n|\r|\n", -1);
    for (int i = 1; i < lines.length; i++) {
      String text = lines[i].strip();
      boolean last = i == lines.length - 1;
      if (last ? !text.equals("-") : !text.startsWith("#")) {
        return false;
      }
    }
    return lines.length > 1;
  }

  private Site scalarSite(int line, Marker marker, Node n, Offsets offsets) {
    ScalarEvent scalar = n.scalar;
    Style style =
        scalar.isDQuoted()
            ? Style.DOUBLE_QUOTED
            : scalar.isSQuoted() ? Style.SINGLE_QUOTED : Style.PLAIN;
    int start = offsets.charOffset(n.startCp);
    int end = offsets.charOffset(n.endCp);
    if (scalar.getAnchor().isPresent() || scalar.getTag().isPresent()) {
      start = skipProperties(start, end);
    }
    if (style == Style.PLAIN && scalar.getValue().isEmpty()) {
      return new Site(
          line, marker, null, "marker on an empty value; write the current value first");
    }
    int valueLine = lineOf(n, start, offsets);
    return new Site(
        line,
        marker,
        new Target(
            start,
            end - start,
            style,
            scalar.getValue(),
            n.inFlow,
            valueLine,
            offsets.column(start),
            n.key),
        null);
  }

  private int lineOf(Node n, int start, Offsets offsets) {
    int line = n.startLine + 1;
    int from = offsets.charOffset(n.startCp);
    for (int i = from; i < start; i++) {
      char c = content.charAt(i);
      if (c == '\n'
          || (c == '\r' && (i + 1 >= content.length() || content.charAt(i + 1) != '\n'))) {
        line++;
      }
    }
    return line;
  }

  private String onKey(Node key, int index) {
    String name = key.scalar == null ? "" : key.scalar.getValue();
    Node value = index + 1 < nodes.size() ? nodes.get(index + 1) : null;
    if (value != null && (value.kind == Kind.BLOCK_START || value.kind == Kind.FLOW_START)) {
      return "marker on key \""
          + name
          + "\" whose value is a "
          + (value.mapping ? "mapping" : "sequence")
          + " is not applied";
    }
    if (value != null
        && value.kind == Kind.SCALAR
        && value.scalar.isPlain()
        && value.scalar.getValue().isEmpty()) {
      return "marker on key \"" + name + "\" with an empty value; write the current value first";
    }
    return "marker on key \""
        + name
        + "\" is not applied; put it at the end of the line that holds the value";
  }

  /** Skips an anchor ({@code &a}), a tag ({@code !!str}) and comments written before a scalar. */
  private int skipProperties(int start, int end) {
    int at = start;
    while (at < end) {
      char c = content.charAt(at);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        at++;
      } else if (c == '&' || c == '!') {
        while (at < end && !Character.isWhitespace(content.charAt(at))) {
          at++;
        }
      } else if (c == '#') {
        // a comment after the properties, before the value on a later line
        while (at < end && content.charAt(at) != '\n' && content.charAt(at) != '\r') {
          at++;
        }
      } else {
        break;
      }
    }
    return at;
  }

  private static boolean isBlockScalar(ScalarEvent scalar) {
    return YamlNode.isBlockScalar(scalar);
  }
}
