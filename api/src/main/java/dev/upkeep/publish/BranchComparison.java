package dev.upkeep.publish;

import java.util.List;
import java.util.Objects;

/**
 * What the push branch holds that its base branch does not, read by the publisher at the end of a
 * publish. The pipeline describes a pull request from it, so that the description covers every
 * version the branch moves, not only the ones the latest run moved.
 *
 * @param head the push branch's commit
 * @param mergeBase the commit compared with: where the push branch left the base branch, or the
 *     base branch's head when that cannot be found (a shallow clone)
 * @param files the text files that differ, sorted by path; binary and very large files are left out
 */
public record BranchComparison(String head, String mergeBase, List<ChangedFile> files) {

  /**
   * One file that differs.
   *
   * @param file the path relative to the repository root, {@code /}-separated
   * @param before its text at the merge base, empty when the branch added it
   * @param after its text at the head, empty when the branch deleted it
   */
  public record ChangedFile(String file, String before, String after) {
    /** Validates that no component is null. */
    public ChangedFile {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
    }
  }

  /** Validates and copies. */
  public BranchComparison {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(mergeBase, "mergeBase");
    files = List.copyOf(files);
  }
}
