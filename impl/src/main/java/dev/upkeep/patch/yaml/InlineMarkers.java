package dev.upkeep.patch.yaml;

import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.patch.files.ManifestWalk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the inline policy markers ({@code # {"$upkeep": {...}}}) of manifests, so a pipeline can
 * register their policies before patching. Only well-formed markers that sit on a value the patcher
 * can set are returned; {@link SetterPatcher} reports the others as findings.
 */
public final class InlineMarkers {

  private InlineMarkers() {}

  /**
   * The inline policies marked in one manifest, in file order; one entry per marker, so the same
   * policy can appear several times.
   *
   * @param file the manifest's path relative to the repository root, used in the results
   * @param content the manifest's text
   * @throws PatchException when the content does not parse
   */
  public static List<InlinePolicy> scan(Path file, String content) {
    List<InlinePolicy> found = new ArrayList<>();
    if (!content.contains(Marker.INLINE_KEY)) {
      return found;
    }
    for (MarkerScan.Site site : MarkerScan.scan(file, content)) {
      Marker m = site.marker();
      if (m.inline() && m.problem == null && site.target() != null) {
        found.add(
            new InlinePolicy(
                m.policy, m.artifact, m.constraint, m.field, file.toString(), site.line()));
      }
    }
    return found;
  }

  /**
   * The inline policies of every manifest {@code files} lists under {@code root}. Files that are
   * binary, too large or do not parse are skipped here; patching reports them.
   */
  public static List<InlinePolicy> scan(Path root, ManifestFiles files) {
    List<InlinePolicy> found = new ArrayList<>();
    for (Path file : files.list(root)) {
      Optional<String> text =
          files instanceof ManifestWalk
              ? ((ManifestWalk) files).read(root, file)
              : ManifestText.read(root.resolve(file), ManifestText.DEFAULT_MAX_BYTES);
      if (text.isEmpty() || !text.get().contains(Marker.INLINE_KEY)) {
        continue;
      }
      try {
        found.addAll(scan(file, text.get()));
      } catch (PatchException e) {
        // reported with file and line when the file is patched
      }
    }
    return found;
  }
}
