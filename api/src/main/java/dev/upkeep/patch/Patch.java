package dev.upkeep.patch;

import dev.upkeep.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The result of patching one manifest.
 *
 * @param content the new text of the file (equal to the input when nothing changed)
 * @param changes the values that changed, in file order
 * @param findings markers that could not be applied, unknown policies and other warnings
 */
public record Patch(String content, List<Change> changes, List<Finding> findings) {

  /** Copies the lists so the patch is immutable. */
  public Patch {
    Objects.requireNonNull(content, "content");
    changes = List.copyOf(changes);
    findings = List.copyOf(findings);
  }

  /** A patch without findings. */
  public Patch(String content, List<Change> changes) {
    this(content, changes, List.of());
  }

  /** A patch that changes nothing. */
  public static Patch unchanged(String content) {
    return new Patch(content, List.of(), List.of());
  }

  /** Whether any value changed. */
  public boolean changed() {
    return !changes.isEmpty();
  }

  /**
   * Rebuilds the content from {@code original} applying only the changes {@code keep} accepts. Used
   * by the pipeline to drop single changes (a downgrade) while keeping the file's others.
   *
   * @param original the content this patch was computed from
   */
  public Patch retain(String original, Predicate<Change> keep) {
    List<Change> kept = new ArrayList<>();
    for (Change c : changes) {
      if (keep.test(c)) {
        kept.add(c);
      }
    }
    if (kept.size() == changes.size()) {
      return this;
    }
    kept.sort(Comparator.comparingInt(c -> c.edit().offset()));
    StringBuilder out = new StringBuilder(original.length());
    int at = 0;
    for (Change c : kept) {
      out.append(original, at, c.edit().offset()).append(c.edit().replacement());
      at = c.edit().offset() + c.edit().length();
    }
    out.append(original, at, original.length());
    return new Patch(out.toString(), kept, findings);
  }
}
