package dev.upkeep.flux;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions}, all of which must
 * hold), as an ImageUpdateAutomation's {@code spec.policySelector} chooses ImagePolicies.
 */
final class LabelSelector {
  private LabelSelector() {}

  /**
   * Whether {@code selector} (the YAML map, or null when there is none: everything) selects an
   * object with {@code labels}. An operator Kubernetes does not know selects nothing, as Flux then
   * applies no policy.
   */
  static boolean matches(Object selector, Map<String, String> labels) {
    if (!(selector instanceof Map<?, ?>)) {
      return true;
    }
    Map<?, ?> s = (Map<?, ?>) selector;
    if (s.get("matchLabels") instanceof Map<?, ?>) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) s.get("matchLabels")).entrySet()) {
        if (!String.valueOf(e.getValue()).equals(labels.get(String.valueOf(e.getKey())))) {
          return false;
        }
      }
    }
    if (s.get("matchExpressions") instanceof List<?>) {
      for (Object o : (List<?>) s.get("matchExpressions")) {
        if (!(o instanceof Map<?, ?>) || !holds((Map<?, ?>) o, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(Map<?, ?> expression, Map<String, String> labels) {
    String key = String.valueOf(expression.get("key"));
    List<String> values =
        expression.get("values") instanceof List<?>
            ? ((List<?>) expression.get("values"))
                .stream().map(String::valueOf).collect(Collectors.toList())
            : List.of();
    boolean has = labels.containsKey(key);
    switch (String.valueOf(expression.get("operator"))) {
      case "In":
        return has && values.contains(labels.get(key));
      case "NotIn":
        return !has || !values.contains(labels.get(key));
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  }
}
