package dev.upkeep.review;

import dev.upkeep.FileReport;
import dev.upkeep.UpdatePipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reviews the chart version changes of a run or plan: for each chart version a patch moved, what
 * changed inside the chart that matters to the repository. The pipeline calls it once per run,
 * after patching, with the work tree still in place; or, through {@link #start}, hands it each
 * changed file as the patch produces it, so that it can download what it needs meanwhile.
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

  /**
   * Starts a review that is handed the changed files one at a time: a plan hands each over as soon
   * as it is patched, so that a reviewer can fetch chart packages while the rest of the tree is
   * patched; a run hands them over once they are written. The default collects the files and calls
   * {@link #review} from {@link Review#finish}.
   *
   * @param pipeline the pipeline whose policies and sources make the changes
   * @param root the work tree, as {@link #review} is given it
   */
  default Review start(UpdatePipeline pipeline, Path root) {
    List<FileReport> files = new ArrayList<>();
    return new Review() {
      @Override
      public void changed(FileReport file) {
        files.add(file);
      }

      @Override
      public List<ChartReview> finish() {
        return review(pipeline, root, files);
      }

      @Override
      public void close() {}
    };
  }

  /**
   * One review under way: {@link #changed} for every changed file, then {@link #finish} once, and
   * {@link #close} always, which stops whatever the review still has running. Used by one thread.
   */
  interface Review extends AutoCloseable {
    /** Takes one more changed file with its changes. */
    void changed(FileReport file);

    /** The reviews of the chart version changes among the files taken, as {@link #review}. */
    List<ChartReview> finish();

    /** Stops the review's downloads, if any are left; throws nothing. */
    @Override
    void close();
  }
}
