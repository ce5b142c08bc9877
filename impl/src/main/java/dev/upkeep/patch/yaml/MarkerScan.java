package dev.upkeep.patch.yaml;

import dev.upkeep.patch.PatchException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.comments.CommentType;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.CommentEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Parses a whole YAML stream (every document) with snakeyaml-engine's event parser, comments on,
 * and finds the marker comments and the values they sit on. The parse also enforces the limits:
 * nesting depth, alias expansion (an alias bomb is refused before anyone composes it), undefined
 * aliases and duplicate keys, which Flux's YAML reader refuses too.
 */
final class MarkerScan {

  /** Deepest nesting of collections accepted; real manifests stay far below it. */
  static final int MAX_DEPTH = 200;

  /** Most nodes a document may expand to through its aliases. */
  static final long MAX_EXPANDED_NODES = 1_000_000;

  /** How a marked scalar is written. */
  enum Style {
    PLAIN,
    SINGLE_QUOTED,
    DOUBLE_QUOTED
  }

  /**
   * The characters of a scalar value in the original text.
   *
   * @param offset UTF-16 offset of the value's first character (its opening quote, if quoted)
   * @param length UTF-16 length up to and including a closing quote
   * @param style how it is quoted
   * @param value its decoded value
   * @param inFlow whether it sits inside a flow collection ({@code [...]}, <code>{...}</code>)
   * @param line 1-based line of its first character
   * @param column 1-based column of its first character
   * @param key the mapping key it is the value of, or null
   */
  record Target(
      int offset,
      int length,
      Style style,
      String value,
      boolean inFlow,
      int line,
      int column,
      String key) {}

  /**
   * One marker comment.
   *
   * @param line 1-based line of the comment
   * @param marker what it says
   * @param target the value it sits on, or null when {@code notApplicable} says why not
   * @param notApplicable why the marker cannot set a value, or null
   */
  record Site(int line, Marker marker, Target target, String notApplicable) {}

  private enum Kind {
    SCALAR,
    ALIAS,
    BLOCK_START,
    FLOW_START,
    FLOW_END
  }

  private enum Role {
    ROOT,
    KEY,
    VALUE,
    ITEM
  }

  private static final class Node {
    Kind kind;
    Role role;
    int startCp;
    int endCp;
    int startLine;
    int endLine;
    ScalarEvent scalar;
    String key;
    boolean inFlow;
    boolean mapping;
    String alias;
  }

  private static final class Frame {
    final boolean mapping;
    final boolean flow;
    final String anchor;
    boolean expectKey = true;
    String key;
    long size = 1;
    Set<String> keys;

    Frame(boolean mapping, boolean flow, String anchor) {
      this.mapping = mapping;
      this.flow = flow;
      this.anchor = anchor;
    }
  }

  private final Path file;
  private final String content;
  private final List<Node> nodes = new ArrayList<>();
  private final List<CommentEvent> comments = new ArrayList<>();
  private final Deque<Frame> stack = new ArrayDeque<>();
  private final Map<String, Long> anchors = new HashMap<>();
  private long expanded;
  private Map<Integer, List<Integer>> byLine;
  private int flowDepth;

  private MarkerScan(Path file, String content) {
    this.file = file;
    this.content = content;
  }

  /**
   * Parses {@code content} and returns its marker comments, in file order.
   *
   * @throws PatchException when any document does not parse or breaks a limit
   */
  static List<Site> scan(Path file, String content) {
    MarkerScan scan = new MarkerScan(file, content);
    scan.parse();
    return scan.resolve();
  }

  private void parse() {
    LoadSettings settings =
        LoadSettings.builder()
            .setParseComments(true)
            .setCodePointLimit(Math.max(content.length() + 1, 3 * 1024 * 1024))
            .build();
    Parser parser = new ParserImpl(settings, new StreamReader(settings, content));
    try {
      while (parser.hasNext()) {
        on(parser.next());
      }
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      String context = e.getContext() == null ? "" : e.getContext().strip() + ": ";
      String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem().strip();
      throw new PatchException(file, line, "does not parse as YAML: " + context + problem, e);
    } catch (YamlEngineException e) {
      throw new PatchException(file, 0, "does not parse as YAML: " + e.getMessage(), e);
    }
  }

  private void on(Event event) {
    switch (event.getEventId()) {
      case DocumentStart:
        anchors.clear();
        expanded = 0;
        break;
      case Comment:
        CommentEvent comment = (CommentEvent) event;
        if (comment.getCommentType() != CommentType.BLANK_LINE
            && Marker.mayBeMarker(comment.getValue())) {
          comments.add(comment);
        }
        break;
      case Scalar:
        ScalarEvent scalar = (ScalarEvent) event;
        Node node = node(scalar, Kind.SCALAR);
        node.scalar = scalar;
        grow(1, scalar);
        if (node.role == Role.KEY) {
          Frame top = stack.peek();
          String key = scalar.getValue();
          if (!"<<".equals(key)) {
            if (top.keys == null) {
              top.keys = new HashSet<>();
            }
            if (!top.keys.add(key)) {
              throw new PatchException(
                  file, node.startLine + 1, "duplicate mapping key \"" + key + "\"");
            }
          }
          top.key = key;
        }
        break;
      case Alias:
        AliasEvent alias = (AliasEvent) event;
        Node aliasNode = node(alias, Kind.ALIAS);
        String name = alias.getAlias().getValue();
        aliasNode.alias = name;
        Long size = anchors.get(name);
        if (size == null) {
          throw new PatchException(
              file, aliasNode.startLine + 1, "alias *" + name + " refers to no anchor before it");
        }
        if (aliasNode.role == Role.KEY) {
          stack.peek().key = null;
        }
        add(size, aliasNode.startLine);
        break;
      case MappingStart:
      case SequenceStart:
        CollectionStartEvent start = (CollectionStartEvent) event;
        Node open = node(start, start.isFlow() ? Kind.FLOW_START : Kind.BLOCK_START);
        open.mapping = start instanceof MappingStartEvent;
        if (open.role == Role.KEY) {
          stack.peek().key = null;
        }
        if (stack.size() >= MAX_DEPTH) {
          throw new PatchException(
              file,
              open.startLine + 1,
              "collections nested deeper than " + MAX_DEPTH + " levels; refusing the file");
        }
        add(1, open.startLine);
        stack.push(
            new Frame(
                open.mapping,
                start.isFlow(),
                start.getAnchor().map(a -> a.getValue()).orElse(null)));
        if (start.isFlow()) {
          flowDepth++;
        }
        break;
      case MappingEnd:
      case SequenceEnd:
        Frame done = stack.pop();
        if (done.flow) {
          flowDepth--;
          Node close = new Node();
          close.kind = Kind.FLOW_END;
          close.mapping = done.mapping;
          marks(close, event);
          nodes.add(close);
        }
        if (done.anchor != null) {
          anchors.put(done.anchor, done.size);
        }
        if (!stack.isEmpty()) {
          stack.peek().size += done.size;
        }
        break;
      default:
        break;
    }
  }

  private void grow(long n, ScalarEvent scalar) {
    scalar.getAnchor().ifPresent(a -> anchors.put(a.getValue(), 1L));
    add(n, scalar.getStartMark().map(Mark::getLine).orElse(0));
  }

  private void add(long n, int line) {
    expanded += n;
    if (!stack.isEmpty()) {
      stack.peek().size += n;
    }
    if (expanded > MAX_EXPANDED_NODES) {
      throw new PatchException(
          file,
          line + 1,
          "aliases expand the document to more than "
              + MAX_EXPANDED_NODES
              + " nodes; refusing a possible alias bomb");
    }
  }

  private Node node(NodeEvent event, Kind kind) {
    Node node = new Node();
    node.kind = kind;
    node.inFlow = flowDepth > 0;
    marks(node, event);
    Frame top = stack.peek();
    if (top == null) {
      node.role = Role.ROOT;
    } else if (top.mapping && top.expectKey) {
      node.role = Role.KEY;
      top.expectKey = false;
    } else if (top.mapping) {
      node.role = Role.VALUE;
      node.key = top.key;
      top.expectKey = true;
    } else {
      node.role = Role.ITEM;
    }
    nodes.add(node);
    return node;
  }

  private static void marks(Node node, Event event) {
    Mark start = event.getStartMark().orElseThrow();
    Mark end = event.getEndMark().orElseThrow();
    node.startCp = start.getIndex();
    node.startLine = start.getLine();
    node.endCp = end.getIndex();
    node.endLine = end.getLine();
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

  private List<Site> resolve() {
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

  /** Skips an anchor ({@code &a}) and a tag ({@code !!str}) written before a scalar. */
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
      } else {
        break;
      }
    }
    return at;
  }

  private static boolean isBlockScalar(ScalarEvent scalar) {
    ScalarStyle style = scalar.getScalarStyle();
    return style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
  }
}
