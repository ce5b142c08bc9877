package dev.upkeep;

import dev.upkeep.policy.Decision;
import dev.upkeep.policy.Rejection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one policy in a run.
 *
 * @param policy the policy's name
 * @param artifact the artifact whose tags were listed
 * @param rule the policy's description ({@code semver 1.2.x})
 * @param status the outcome
 * @param candidates how many tags the registry listed
 * @param selection the selection, when there is one
 * @param reason a lowercase sentence saying why this is the outcome
 * @param decision the policy's full decision, with its rejections, when tags were listed
 */
public record PolicyReport(
    String policy,
    ArtifactRef artifact,
    String rule,
    Status status,
    int candidates,
    Optional<Selection> selection,
    String reason,
    Optional<Decision> decision) {

  /** The outcome of a policy. */
  public enum Status {
    /** A tag was selected. */
    SELECTED,
    /** The registry answered, but no tag is allowed. */
    NO_MATCH,
    /** The registry could not be asked or the policy failed; nothing of this policy is written. */
    FAILED
  }

  /** Validates that no component is null. */
  public PolicyReport {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(selection, "selection");
    reason = Redaction.redact(Objects.requireNonNull(reason, "reason"));
    Objects.requireNonNull(decision, "decision");
  }

  /** How many tags were rejected for each kind of reason. */
  public Map<Rejection.Reason, Long> rejectionCounts() {
    Map<Rejection.Reason, Long> counts = new EnumMap<>(Rejection.Reason.class);
    decision.ifPresent(d -> d.rejections().forEach(r -> counts.merge(r.reason(), 1L, Long::sum)));
    return counts;
  }
}
