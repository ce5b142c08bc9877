package dev.upkeep.patch.yaml;

import dev.upkeep.patch.Change;
import java.util.Objects;

/**
 * A value a marker points at, as it is written now.
 *
 * @param policy the policy the marker names
 * @param field which part of the value the marker sets
 * @param line the 1-based line of the value
 * @param column the 1-based column of the value
 * @param value the value without quotes
 */
public record MarkedValue(String policy, Change.Field field, int line, int column, String value) {

  /** Validates that no component is null. */
  public MarkedValue {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
  }

  /** The version part: the tag of a full image reference, else the value itself. */
  public String version() {
    return field.version(value);
  }
}
