package dev.upkeep.patch.yaml;

import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.patch.files.ManifestWalk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the inline policy markers ({@code # {"$upkeep": {...}}}) of manifests, so a pipeline can
 * register their policies before patching. Only well-formed markers that sit on a value the patcher
 * can set are returned; {@link SetterPatcher} reports the others as findings.
 */
public final class InlineMarkers {

  /** The text every file holding an inline marker has: the screen before parsing YAML. */
  public static final String TOKEN = Marker.INLINE_KEY;

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
    if (files instanceof ManifestWalk) {
      return scan(((ManifestWalk) files).screen(root, List.of(TOKEN)).texts());
    }
    Map<Path, String> texts = new LinkedHashMap<>();
    for (Path file : files.list(root)) {
      ManifestText.read(root.resolve(file), ManifestText.DEFAULT_MAX_BYTES)
          .ifPresent(text -> texts.put(file, text));
    }
    return scan(texts);
  }

  /**
   * The inline policies of manifests already read: {@code texts} maps each file's path relative to
   * the repository root to its text (those without {@link #TOKEN} are passed over unparsed).
   */
  public static List<InlinePolicy> scan(Map<Path, String> texts) {
    List<InlinePolicy> found = new ArrayList<>();
    texts.forEach(
        (file, text) -> {
          try {
            found.addAll(scan(file, text));
          } catch (PatchException e) {
            // reported with file and line when the file is patched
          }
        });
    return found;
  }
}
