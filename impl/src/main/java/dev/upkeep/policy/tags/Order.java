package dev.upkeep.policy.tags;

import java.util.Locale;

/**
 * Flux's {@code order} field: {@code ASC} selects the last tag in order, {@code DESC} the first.
 */
enum Order {
  ASCENDING("ASC"),
  DESCENDING("DESC");

  final String flux;

  Order(String flux) {
    this.flux = flux;
  }

  /** Reads Flux's spelling; empty means {@code ASC}, as in Flux. */
  static Order parse(String order, String policy) {
    if (order == null) {
      throw new IllegalArgumentException(policy + " order is null; expected \"ASC\" or \"DESC\"");
    }
    switch (order) {
      case "":
      case "ASC":
        return ASCENDING;
      case "DESC":
        return DESCENDING;
      default:
        throw new IllegalArgumentException(
            "invalid " + policy + " order \"" + order + "\": expected \"ASC\" or \"DESC\"");
    }
  }

  String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
