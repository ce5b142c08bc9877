package dev.upkeep.publish;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Gets a work tree of the repository to update, and turns changed files into a pushed commit.
 *
 * <p>The pipeline calls {@link #inspect} for {@code plan()} and {@link #publish} for {@code run()}.
 * Implementations must be thread-safe in the sense that concurrent calls either work or fail with
 * {@link PublishException}; they must never interleave two runs' commits. They throw {@link
 * PublishException} for every Git failure; when it is thrown, the remote is exactly as it was
 * before.
 */
public interface GitPublisher {

  /**
   * Calls {@code reader} with the root of a work tree checked out at the commit the next run would
   * build on, and returns its result. Nothing is committed, pushed or written to the repository the
   * user configured.
   *
   * @throws PublishException when the work tree cannot be prepared
   */
  <T> T inspect(Function<Path, T> reader);

  /**
   * Prepares a work tree, calls {@code update} to change files in it, commits what it reports as
   * changed and pushes. When the push is refused because the branch moved, an implementation may
   * prepare a fresh tree and call {@code update} again; {@code update} must therefore be
   * repeatable. When {@code update} reports no change, nothing is committed or pushed.
   *
   * <p>An implementation that pushes to a branch other than the base should fill {@link
   * PublishResult#ahead()} whether or not it pushed: the pipeline uses it to open a pull request
   * that an earlier run pushed but failed to open, and to describe everything the branch changes.
   *
   * @throws PublishException when cloning, committing or pushing fails for good
   */
  PublishResult publish(WorkTreeUpdate update);

  /**
   * A publisher that patches the files of a plain directory in place: no clone, no commit, no push.
   * {@code inspect} reads the directory as it is. Useful for CI checks and for trying Upkeep on a
   * checkout.
   */
  static GitPublisher inPlace(Path directory) {
    return new InPlacePublisher(directory);
  }
}
