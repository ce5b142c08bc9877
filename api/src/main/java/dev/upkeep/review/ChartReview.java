package dev.upkeep.review;

import dev.upkeep.ArtifactRef;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a chart version change means to this repository: the {@link ChartDiff} of the two versions,
 * and warnings about values this repository sets for the release that the new chart no longer has
 * or its schema rejects.
 *
 * @param policy the policy whose selection moved the version
 * @param artifact the chart
 * @param file the manifest that pins the version, relative to the repository root
 * @param line the 1-based line of the version
 * @param oldVersion the version before
 * @param newVersion the version after
 * @param diff the chart diff, or empty when it could not be computed
 * @param unavailable why the diff could not be computed (archive missing, too large, not a chart);
 *     empty when it was
 * @param warnings what a reviewer must look at, in file order
 */
public record ChartReview(
    String policy,
    ArtifactRef artifact,
    String file,
    int line,
    String oldVersion,
    String newVersion,
    Optional<ChartDiff> diff,
    Optional<String> unavailable,
    List<Warning> warnings) {

  /** What a warning is about. */
  public enum Kind {
    /** The repository sets a values key the old chart had and the new one does not. */
    REMOVED_KEY,
    /** The repository's values do not validate against the new chart's values schema. */
    SCHEMA
  }

  /**
   * A values key this repository sets that the new chart version ignores or rejects.
   *
   * @param kind what is wrong
   * @param file where the key is set, relative to the repository root; empty for a chart default
   * @param line the 1-based line where it is set, or 0
   * @param key the dotted key
   * @param renamedTo for a removed key, a key of the new chart with a similar name at the same
   *     place, when there is one
   * @param message a lowercase sentence saying what is wrong
   */
  public record Warning(
      Kind kind, String file, int line, String key, Optional<String> renamedTo, String message) {
    /** Validates. */
    public Warning {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(renamedTo, "renamedTo");
      Objects.requireNonNull(message, "message");
    }

    /**
     * The name a reviewer gives {@code verify --allow} to accept this warning: {@code removed:KEY}
     * or {@code schema:KEY}.
     */
    public String id() {
      return (kind == Kind.REMOVED_KEY ? "removed" : kind.name().toLowerCase(Locale.ROOT))
          + ":"
          + key;
    }

    /** Renders as {@code file:line: message}. */
    @Override
    public String toString() {
      return (file.isEmpty() ? "" : file + (line > 0 ? ":" + line : "") + ": ") + message;
    }
  }

  /** Validates and copies. */
  public ChartReview {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(oldVersion, "oldVersion");
    Objects.requireNonNull(newVersion, "newVersion");
    Objects.requireNonNull(diff, "diff");
    Objects.requireNonNull(unavailable, "unavailable");
    warnings = List.copyOf(warnings);
    if (diff.isEmpty() && unavailable.isEmpty()) {
      throw new IllegalArgumentException("a chart review without a diff must say why");
    }
  }

  /** A review whose diff could not be computed, for {@code reason}. */
  public static ChartReview unavailable(
      String policy,
      ArtifactRef artifact,
      String file,
      int line,
      String oldVersion,
      String newVersion,
      String reason) {
    return new ChartReview(
        policy,
        artifact,
        file,
        line,
        oldVersion,
        newVersion,
        Optional.empty(),
        Optional.of(reason),
        List.of());
  }
}
