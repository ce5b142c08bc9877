package dev.upkeep.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a policy over a list of tags.
 *
 * @param selected the chosen tag as given, or empty
 * @param considered how many tags the policy looked at
 * @param rejections why tags were not chosen (may be empty when the policy does not explain
 *     itself); tags that lost only because a newer one won are not listed
 */
public record Decision(Optional<String> selected, int considered, List<Rejection> rejections) {

  /** Copies the list so the decision is immutable. */
  public Decision {
    Objects.requireNonNull(selected, "selected");
    rejections = List.copyOf(rejections);
  }

  /** Counts rejections that carry {@code reason}. */
  public long count(Rejection.Reason reason) {
    return rejections.stream().filter(r -> r.reason() == reason).count();
  }
}
