package dev.upkeep.patch.yaml;

import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.ScalarEvent;

/** What the parse keeps of each node: its kind, role, marks and, for scalars, the event. */
final class YamlNode {

  private YamlNode() {}

  enum Kind {
    SCALAR,
    ALIAS,
    BLOCK_START,
    FLOW_START,
    FLOW_END
  }

  enum Role {
    ROOT,
    KEY,
    VALUE,
    ITEM
  }

  static final class Node {
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

    /** Index of the document in the stream; only recorded for a {@link ManifestValues} scan. */
    int document;

    /** Keys and item indexes from the document root; only recorded for a values scan. */
    java.util.List<String> path;
  }

  static boolean isBlockScalar(ScalarEvent scalar) {
    ScalarStyle style = scalar.getScalarStyle();
    return style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
  }
}
