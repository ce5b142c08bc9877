package dev.upkeep.group;

import dev.upkeep.Selection;
import dev.upkeep.patch.ManifestPatcher;
import dev.upkeep.patch.Patch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Patches with every policy's selection, so markers of other groups are not reported as having
 * none, and keeps only the changes of one group's policies.
 */
final class GroupPatcher implements ManifestPatcher {

  private final ManifestPatcher delegate;
  private final Map<String, Selection> all;
  private final Set<String> group;

  GroupPatcher(ManifestPatcher delegate, Map<String, Selection> all, Set<String> group) {
    this.delegate = delegate;
    this.all = Map.copyOf(all);
    this.group = Set.copyOf(group);
  }

  @Override
  public boolean mayApply(String content) {
    return delegate.mayApply(content);
  }

  @Override
  public Patch patch(Path file, String content, Map<String, Selection> selectionsByPolicy) {
    Map<String, Selection> merged = new HashMap<>(all);
    merged.putAll(selectionsByPolicy);
    return delegate
        .patch(file, content, merged)
        .retain(content, change -> group.contains(change.policy()));
  }
}
