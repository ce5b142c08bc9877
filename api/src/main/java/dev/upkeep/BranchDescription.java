package dev.upkeep;

import dev.upkeep.patch.Change;
import dev.upkeep.patch.ManifestPatcher;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import dev.upkeep.publish.BranchComparison;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Describes a push branch by everything it changes relative to its base, for the pull request: the
 * versions it moves (found by patching each file's base text with the selections) and the diff.
 */
final class BranchDescription {
  private BranchDescription() {}

  /**
   * One report per file the patcher acts on that the branch changed. A file whose branch text is
   * exactly what the selections write lists all their changes; otherwise only the changes whose
   * line the branch carries as the selections write it (a policy that failed this run, or a
   * person's edit on the branch, leaves its lines to the diff).
   */
  static List<FileReport> files(
      BranchComparison ahead, ManifestPatcher patcher, Map<String, Selection> selections) {
    List<FileReport> out = new ArrayList<>();
    for (BranchComparison.ChangedFile f : ahead.files()) {
      if (!patcher.mayApply(f.before()) && !patcher.mayApply(f.after())) {
        continue;
      }
      String diff = LineDiff.unified(f.file(), f.before(), f.after());
      out.add(new FileReport(f.file(), changes(f, patcher, selections), diff));
    }
    return out;
  }

  private static List<Change> changes(
      BranchComparison.ChangedFile f, ManifestPatcher patcher, Map<String, Selection> selections) {
    if (f.before().isEmpty() || f.after().isEmpty() || selections.isEmpty()) {
      return List.of();
    }
    Patch patch;
    try {
      patch = patcher.patch(Path.of(f.file()), f.before(), selections);
    } catch (PatchException | IllegalArgumentException e) {
      return List.of();
    }
    if (patch.content().equals(f.after())) {
      return patch.changes();
    }
    String[] after = f.after().split("\n", -1);
    List<Change> kept = new ArrayList<>();
    for (Change c : patch.changes()) {
      Change.Edit e = c.edit();
      String alone =
          f.before().substring(0, e.offset())
              + e.replacement()
              + f.before().substring(e.offset() + e.length());
      String[] lines = alone.split("\n", -1);
      int i = c.line() - 1;
      if (lines.length == after.length && i >= 0 && i < after.length && lines[i].equals(after[i])) {
        kept.add(c);
      }
    }
    return kept;
  }
}
