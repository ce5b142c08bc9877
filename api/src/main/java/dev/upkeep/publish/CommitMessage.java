package dev.upkeep.publish;

import java.nio.file.Path;

/**
 * Writes the commit message for an update. A publisher that accepts one uses it instead of its own
 * template. Implementations must be thread-safe and must not modify the work tree.
 */
@FunctionalInterface
public interface CommitMessage {

  /**
   * The message for {@code changes}; {@code workTree} holds the changed files as they will be
   * committed.
   *
   * @throws dev.upkeep.ConfigurationException when the message cannot be rendered
   */
  String render(TreeChanges changes, Path workTree);
}
