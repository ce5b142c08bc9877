package dev.upkeep.flux;

import dev.upkeep.FileReport;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.TreeChanges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Renders an {@code ImageUpdateAutomation}'s {@code spec.git.commit.messageTemplate} the way Flux
 * does: the template sees {@code .AutomationObject} ({@code namespace/name}), {@code
 * .Changed.FileChanges} (file → object → changes), {@code .Changed.Objects}, {@code
 * .Changed.Changes} and {@code .Values}; each change has {@code OldValue}, {@code NewValue} and
 * {@code Setter}; each object {@code Kind}, {@code Name}, {@code Namespace}, {@code APIVersion}.
 * Immutable and thread-safe.
 */
public final class FluxCommitMessage {

  /** Flux's message when the automation sets no template. */
  public static final String DEFAULT_TEMPLATE = "Update from image update automation";

  private final GoTemplate template;
  private final String namespace;
  private final String name;
  private final Map<String, String> values;

  private FluxCommitMessage(
      GoTemplate template, String namespace, String name, Map<String, String> values) {
    this.template = template;
    this.namespace = namespace;
    this.name = name;
    this.values = new TreeMap<>(values);
  }

  /**
   * Parses {@code template} (Flux's default when blank) for the automation {@code namespace/name}.
   *
   * @throws dev.upkeep.ConfigurationException when the template uses something Upkeep does not
   *     support, naming it
   */
  public static FluxCommitMessage of(
      String template, String namespace, String name, Map<String, String> values) {
    String source = template == null || template.isEmpty() ? DEFAULT_TEMPLATE : template;
    return new FluxCommitMessage(
        GoTemplate.parse(source), namespace, name, Objects.requireNonNull(values, "values"));
  }

  /**
   * Renders the message for {@code changes}; {@code contentOf} returns a changed file's new text
   * (used to find the Kubernetes object each change belongs to).
   */
  public String render(TreeChanges changes, Function<String, String> contentOf) {
    Map<String, Object> fileChanges = new TreeMap<>();
    Map<ObjectId, List<ChangeValue>> objects = new TreeMap<>();
    List<ChangeValue> all = new ArrayList<>();
    for (FileReport file : changes.files()) {
      List<Doc> docs = documents(contentOf.apply(file.file()));
      Map<ObjectId, List<ChangeValue>> perObject = new TreeMap<>();
      for (Change c : file.changes()) {
        ObjectId id = objectAt(docs, c.line());
        ChangeValue v = new ChangeValue(c.oldValue(), c.newValue(), setter(c));
        perObject.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
        objects.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
        if (!all.contains(v)) {
          all.add(v);
        }
      }
      fileChanges.put(file.file(), perObject);
    }
    // Deduplicated, as Flux's Result.Changes(); Flux walks Go maps there, so its order changes from
    // run to run: sorted by setter, then old and new value, the message is the same every time.
    all.sort(
        Comparator.comparing(ChangeValue::setter)
            .thenComparing(ChangeValue::oldValue)
            .thenComparing(ChangeValue::newValue));
    GoTemplate.Struct changed =
        field -> {
          switch (field) {
            case "FileChanges":
              return fileChanges;
            case "Objects":
              return objects;
            case "Changes":
              return all;
            default:
              return null;
          }
        };
    GoTemplate.Struct automation = new NamespacedName(namespace, name);
    Map<String, Object> data =
        Map.of("AutomationObject", automation, "Changed", changed, "Values", values);
    return template.render(new MapStruct(data));
  }

  private static String setter(Change c) {
    switch (c.field()) {
      case TAG:
        return c.policy() + ":tag";
      case NAME:
        return c.policy() + ":name";
      case DIGEST:
        return c.policy() + ":digest";
      default:
        return c.policy();
    }
  }

  // ---- template values --------------------------------------------------------------------

  private record MapStruct(Map<String, Object> fields) implements GoTemplate.Struct {
    @Override
    public Object field(String name) {
      return fields.get(name);
    }
  }

  private record NamespacedName(String namespace, String name) implements GoTemplate.Struct {
    @Override
    public Object field(String field) {
      return field.equals("Name") ? name : field.equals("Namespace") ? namespace : null;
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  private record ChangeValue(String oldValue, String newValue, String setter)
      implements GoTemplate.Struct {
    @Override
    public Object field(String field) {
      switch (field) {
        case "OldValue":
          return oldValue;
        case "NewValue":
          return newValue;
        case "Setter":
          return setter;
        default:
          return null;
      }
    }

    @Override
    public String toString() {
      return "{" + oldValue + " " + newValue + " " + setter + "}";
    }
  }

  private record ObjectId(String apiVersion, String kind, String namespace, String name)
      implements GoTemplate.Struct, Comparable<ObjectId> {
    @Override
    public Object field(String field) {
      switch (field) {
        case "APIVersion":
          return apiVersion;
        case "Kind":
          return kind;
        case "Namespace":
          return namespace;
        case "Name":
          return name;
        default:
          return null;
      }
    }

    @Override
    public int compareTo(ObjectId o) {
      // Go's template range visits struct keys in field order of kyaml's ResourceIdentifier:
      // TypeMeta (APIVersion, Kind), then NameMeta (Name, Namespace).
      return Comparator.comparing(ObjectId::apiVersion)
          .thenComparing(ObjectId::kind)
          .thenComparing(ObjectId::name)
          .thenComparing(ObjectId::namespace)
          .compare(this, o);
    }

    /**
     * As Go prints Flux's ObjectIdentifier: it embeds kyaml's ResourceIdentifier, which embeds
     * TypeMeta (APIVersion, Kind) and NameMeta (Name, Namespace), and none has a String method.
     */
    @Override
    public String toString() {
      return "{{{" + apiVersion + " " + kind + "} {" + name + " " + namespace + "}}}";
    }
  }

  // ---- finding the object of a line -------------------------------------------------------

  private record Doc(int firstLine, int lastLine, ObjectId id) {}

  private static final ObjectId NO_OBJECT = new ObjectId("", "", "", "");

  private static List<Doc> documents(String content) {
    List<Doc> docs = new ArrayList<>();
    if (content == null) {
      return docs;
    }
    try {
      for (Node node : new Compose(LoadSettings.builder().build()).composeAllFromString(content)) {
        if (node == null) {
          continue;
        }
        int first = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        int last = node.getEndMark().map(m -> m.getLine() + 1).orElse(Integer.MAX_VALUE);
        docs.add(new Doc(first, last, idOf(node)));
      }
    } catch (RuntimeException e) {
      // The file was patched, so it parsed before; if not, changes simply have no object.
    }
    return docs;
  }

  private static ObjectId objectAt(List<Doc> docs, int line) {
    for (Doc d : docs) {
      if (line >= d.firstLine() && line <= d.lastLine()) {
        return d.id();
      }
    }
    return NO_OBJECT;
  }

  private static ObjectId idOf(Node node) {
    String apiVersion = scalar(node, "apiVersion");
    String kind = scalar(node, "kind");
    Node metadata = child(node, "metadata");
    return new ObjectId(apiVersion, kind, scalar(metadata, "namespace"), scalar(metadata, "name"));
  }

  private static Node child(Node node, String key) {
    if (node instanceof MappingNode) {
      for (NodeTuple t : ((MappingNode) node).getValue()) {
        if (t.getKeyNode() instanceof ScalarNode
            && ((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
          return t.getValueNode();
        }
      }
    }
    return null;
  }

  private static String scalar(Node node, String key) {
    Node v = child(node, key);
    return v instanceof ScalarNode ? ((ScalarNode) v).getValue() : "";
  }
}
