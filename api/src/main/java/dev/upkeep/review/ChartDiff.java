package dev.upkeep.review;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What changed between two versions of a Helm chart, read from the two chart archives without
 * rendering a template: default values, CRDs, {@code Chart.yaml} fields and the values schema.
 *
 * @param defaults the {@code values.yaml} leaves added, removed or changed, by dotted key
 * @param crds the CustomResourceDefinitions added, removed or changed (in {@code crds/} or in a
 *     template)
 * @param chart {@code appVersion}, {@code kubeVersion} and each dependency, where they differ
 * @param schema how {@code values.schema.json} changed
 */
public record ChartDiff(
    List<ValueChange> defaults, List<CrdChange> crds, List<FieldChange> chart, Schema schema) {

  /** Whether something was added, removed or changed. */
  public enum Kind {
    /** Only in the new chart. */
    ADDED,
    /** Only in the old chart. */
    REMOVED,
    /** In both, different. */
    CHANGED
  }

  /** How {@code values.schema.json} changed. */
  public enum Schema {
    /** Neither chart has one. */
    NONE,
    /** Both have the same. */
    UNCHANGED,
    /** Only the new chart has one. */
    ADDED,
    /** Only the old chart had one. */
    REMOVED,
    /** Both have one, and they differ. */
    CHANGED
  }

  /**
   * A default value that changed.
   *
   * @param key the dotted key ({@code ui.color}); a key that holds a dot is quoted ({@code
   *     podAnnotations."a.b/c"})
   * @param oldValue the old default, as YAML flow text; empty when added
   * @param newValue the new default, as YAML flow text; empty when removed
   */
  public record ValueChange(String key, Optional<String> oldValue, Optional<String> newValue) {
    /** Validates. */
    public ValueChange {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(oldValue, "oldValue");
      Objects.requireNonNull(newValue, "newValue");
      if (oldValue.isEmpty() && newValue.isEmpty()) {
        throw new IllegalArgumentException("a value change needs an old or a new value: " + key);
      }
    }

    /** Added, removed or changed. */
    public Kind kind() {
      return oldValue.isEmpty() ? Kind.ADDED : newValue.isEmpty() ? Kind.REMOVED : Kind.CHANGED;
    }
  }

  /**
   * A CustomResourceDefinition that changed.
   *
   * @param kind the resource kind ({@code spec.names.kind})
   * @param group the API group ({@code spec.group})
   * @param change added, removed or changed
   */
  public record CrdChange(String kind, String group, Kind change) {
    /** Validates. */
    public CrdChange {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(change, "change");
    }
  }

  /**
   * A {@code Chart.yaml} field that changed.
   *
   * @param field {@code appVersion}, {@code kubeVersion} or {@code dependencies.NAME}
   * @param oldValue the old value, empty when absent
   * @param newValue the new value, empty when absent
   */
  public record FieldChange(String field, String oldValue, String newValue) {
    /** Validates. */
    public FieldChange {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(oldValue, "oldValue");
      Objects.requireNonNull(newValue, "newValue");
    }
  }

  /** Validates and copies. */
  public ChartDiff {
    defaults = List.copyOf(defaults);
    crds = List.copyOf(crds);
    chart = List.copyOf(chart);
    Objects.requireNonNull(schema, "schema");
  }

  /** Whether the two charts differ in nothing this diff looks at. */
  public boolean isEmpty() {
    return defaults.isEmpty()
        && crds.isEmpty()
        && chart.isEmpty()
        && (schema == Schema.NONE || schema == Schema.UNCHANGED);
  }
}
