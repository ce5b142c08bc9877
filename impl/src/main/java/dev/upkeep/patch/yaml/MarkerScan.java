package dev.upkeep.patch.yaml;

import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.yaml.YamlNode.Kind;
import dev.upkeep.patch.yaml.YamlNode.Node;
import dev.upkeep.patch.yaml.YamlNode.Role;
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
 * aliases and duplicate keys, which kubectl refuses too.
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

  private static final class Frame {
    final boolean mapping;
    final boolean flow;
    final String anchor;
    boolean expectKey = true;
    String key;
    long size = 1;
    Set<String> keys;
    List<String> path;
    int items;

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
  private int flowDepth;
  private boolean withPaths;
  private int document = -1;

  private MarkerScan(Path file, String content) {
    this.file = file;
    this.content = content;
  }

  /**
   * Parses {@code content} with the same limits as {@link #scan} and returns every node with its
   * document index and path, for {@link ManifestValues}.
   *
   * @throws PatchException when any document does not parse or breaks a limit
   */
  static List<Node> nodesWithPaths(Path file, String content) {
    MarkerScan scan = new MarkerScan(file, content);
    scan.withPaths = true;
    scan.parse();
    return scan.nodes;
  }

  /**
   * Parses {@code content} and returns its marker comments, in file order.
   *
   * @throws PatchException when any document does not parse or breaks a limit
   */
  static List<Site> scan(Path file, String content) {
    MarkerScan scan = new MarkerScan(file, content);
    scan.parse();
    return new MarkerTargets(content, scan.nodes, scan.comments).resolve();
  }

  /** The limit of a file's code points that every file under it shares. */
  private static final int SHARED_LIMIT = 3 * 1024 * 1024;

  /**
   * Settings are immutable and building them is not cheap (the schema compiles its patterns each
   * time): files within the shared limit share one.
   */
  private static final LoadSettings SHARED = settings(SHARED_LIMIT);

  private static LoadSettings settings(int codePointLimit) {
    return LoadSettings.builder().setParseComments(true).setCodePointLimit(codePointLimit).build();
  }

  private void parse() {
    LoadSettings settings =
        content.length() < SHARED_LIMIT ? SHARED : settings(content.length() + 1);
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
        document++;
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
        Frame frame =
            new Frame(
                open.mapping,
                start.isFlow(),
                start.getAnchor().map(a -> a.getValue()).orElse(null));
        frame.path = open.path;
        stack.push(frame);
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
    if (withPaths) {
      node.document = document;
      node.path = pathOf(node, top);
    }
    nodes.add(node);
    return node;
  }

  private static List<String> pathOf(Node node, Frame parent) {
    if (parent == null) {
      return List.of();
    }
    List<String> path = new ArrayList<>(parent.path);
    switch (node.role) {
      case VALUE:
        path.add(String.valueOf(node.key));
        break;
      case ITEM:
        path.add(Integer.toString(parent.items++));
        break;
      default:
        // a key's path is its mapping's
        break;
    }
    return path;
  }

  private static void marks(Node node, Event event) {
    Mark start = event.getStartMark().orElseThrow();
    Mark end = event.getEndMark().orElseThrow();
    node.startCp = start.getIndex();
    node.startLine = start.getLine();
    node.endCp = end.getIndex();
    node.endLine = end.getLine();
  }
}
