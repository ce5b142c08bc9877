package dev.upkeep.publish;

import java.nio.file.Path;

/**
 * Changes files in a work tree and says what it changed. Supplied by the pipeline to {@link
 * GitPublisher#publish}; it may be called more than once, each time on a fresh tree.
 */
@FunctionalInterface
public interface WorkTreeUpdate {

  /**
   * Writes the changed files under {@code workTree} and returns what changed; an empty result means
   * there is nothing to commit.
   */
  TreeChanges apply(Path workTree);
}
