package dev.upkeep.review;

import dev.upkeep.FileReport;
import dev.upkeep.UpdatePipeline;
import java.nio.file.Path;
import java.util.List;

/**
 * Reviews the chart version changes of a run or plan: for each chart version a patch moved, what
 * changed inside the chart that matters to the repository. The pipeline calls it once per run,
 * after patching, with the work tree still in place.
 *
 * <p>Implementations must be thread-safe. A chart whose diff cannot be computed is reported as
 * {@link ChartReview#unavailable}, never thrown; a {@link RuntimeException} thrown anyway becomes
 * one error finding, and the versions still move.
 */
@FunctionalInterface
public interface ChartReviewer {

  /** Reviews nothing. */
  ChartReviewer NONE = (pipeline, root, files) -> List.of();

  /**
   * The reviews of the chart version changes among {@code files}.
   *
   * @param pipeline the pipeline whose policies and sources made the changes
   * @param root the work tree (patched for a run, unpatched for a plan; line numbers agree)
   * @param files the changed files with their changes
   */
  List<ChartReview> review(UpdatePipeline pipeline, Path root, List<FileReport> files);
}
