package dev.upkeep;

import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.PublishResult;

/**
 * Receives progress events of a run, for logging or progress bars. All methods default to doing
 * nothing.
 *
 * <p>Implementations must be thread-safe: policy and file events arrive from several threads. An
 * exception thrown by a listener is logged and otherwise ignored; it never stops a run.
 */
public interface UpdateListener {

  /** A listener that ignores every event. */
  UpdateListener NONE = new UpdateListener() {};

  /** A policy was resolved (or failed). */
  default void policyResolved(PolicyReport report) {}

  /** A file was patched (in the work tree; not yet committed). */
  default void filePatched(FileReport file) {}

  /** Something was noticed and not acted on. */
  default void finding(Finding finding) {}

  /** A marked file could not be processed and was left untouched; the others went on. */
  default void problemFile(ProblemFile problem) {}

  /** The publisher finished. */
  default void published(PublishResult result) {}

  /** A change request was opened or updated. */
  default void changeRequestOpened(ChangeRequest request) {}
}
