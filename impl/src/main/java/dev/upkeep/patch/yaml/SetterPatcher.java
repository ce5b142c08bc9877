package dev.upkeep.patch.yaml;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Finding;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.Change.Edit;
import dev.upkeep.patch.Change.Field;
import dev.upkeep.patch.ManifestPatcher;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Sets the values that setter markers point at, changing only those values' characters.
 *
 * <p>Markers are end-of-line comments that hold exactly one JSON object, read as Flux's
 * image-automation-controller reads them:
 *
 * <ul>
 *   <li>{@code # {"$imagepolicy": "ns:name"}}: the whole image reference {@code name:tag}, with an
 *       {@code @sha256:...} part when the value pins a digest or the selection carries one (an
 *       ImagePolicy with {@code digestReflectionPolicy}); a pinned value whose selection has no
 *       digest is left alone and reported, never unpinned;
 *   <li>{@code # {"$imagepolicy": "ns:name:tag"}}: the tag or chart version alone;
 *   <li>{@code # {"$imagepolicy": "ns:name:name"}}: the image name alone;
 *   <li>{@code # {"$imagepolicy": "ns:name:digest"}}: the digest alone;
 *   <li>{@code # {"$upkeep": {"chart": "oci://...", "semver": "1.2.x"}}}: a policy given inline,
 *       see {@link InlineMarkers} and {@link InlinePolicy#nameOf}.
 * </ul>
 *
 * <p>Quoting is kept; a plain value that would read back as a number, boolean or null, or that
 * holds characters a plain scalar cannot, is written in double quotes. Comments, blank lines,
 * document markers, indentation, flow collections, anchors, tags, CRLF line ends, a byte order mark
 * and non-ASCII text are never touched. A marker that cannot be applied is reported as a warning
 * while the file's other markers still apply. Instances are immutable and thread-safe.
 */
public final class SetterPatcher implements ManifestPatcher {

  private static final Pattern RANGE =
      Pattern.compile(".*(?:[\\s<>=~^|,*]|(?:^|\\.)[xX](?:\\.|$)).*");

  /** Why a selection has no digest: the policy was not asked to reflect one. */
  private static final String NO_REFLECTION =
      " (it does not reflect digests: set the ImagePolicy's spec.digestReflectionPolicy to"
          + " IfNotPresent or Always)";

  private SetterPatcher() {}

  /** A patcher for Flux setter markers and Upkeep's inline policy markers. */
  public static SetterPatcher create() {
    return new SetterPatcher();
  }

  /**
   * The texts a file this patcher may change holds one of: {@code $imagepolicy}, {@code $upkeep}.
   */
  public static final List<String> TOKENS = List.of(Marker.FLUX_KEY, Marker.INLINE_KEY);

  /** True when the content holds {@code $imagepolicy} or {@code $upkeep}. */
  @Override
  public boolean mayApply(String content) {
    return content.contains(Marker.FLUX_KEY) || content.contains(Marker.INLINE_KEY);
  }

  /**
   * {@inheritDoc}
   *
   * @throws PatchException when any document of {@code content} does not parse, or breaks a limit
   *     (nesting deeper than 200, aliases expanding to more than a million nodes, an alias without
   *     anchor, a duplicate key)
   */
  @Override
  public Patch patch(Path file, String content, Map<String, Selection> selectionsByPolicy) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(selectionsByPolicy, "selectionsByPolicy");
    String where = file.toString();
    List<Change> changes = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<MarkerScan.Site> sites = MarkerScan.scan(file, content);
    Map<Integer, MarkerScan.Site> winners = winners(sites);
    for (MarkerScan.Site site : sites) {
      Marker m = site.marker();
      if (m.problem != null) {
        findings.add(Finding.warning(where, site.line(), m.problem));
        continue;
      }
      if (site.notApplicable() != null) {
        findings.add(
            Finding.warning(
                where, site.line(), site.notApplicable() + " (policy \"" + m.policy + "\")"));
        continue;
      }
      if (winners.get(site.target().offset()) != site) {
        findings.add(
            Finding.warning(
                where,
                site.line(),
                "marker for policy \""
                    + m.policy
                    + "\" is overridden by the marker at the end of the value's line"));
        continue;
      }
      Selection selection = selectionsByPolicy.get(m.policy);
      if (selection == null) {
        findings.add(
            Finding.warning(
                where,
                site.line(),
                (m.inline() ? "inline policy \"" : "policy \"")
                    + m.policy
                    + "\" has no selection in this run; the value is left alone"));
        continue;
      }
      MarkerScan.Target t = site.target();
      String newValue;
      try {
        newValue = newValue(m.field, t.value(), selection, m.inline());
      } catch (IllegalStateException e) {
        findings.add(Finding.warning(where, site.line(), e.getMessage()));
        continue;
      }
      if (newValue.equals(t.value())) {
        continue;
      }
      Field field = m.field == Field.TAG && isRange(t) ? Field.RANGE : m.field;
      String replacement = Scalars.render(newValue, t.style(), t.value(), t.inFlow());
      changes.add(
          new Change(
              m.policy,
              field,
              t.line(),
              t.column(),
              t.value(),
              newValue,
              new Edit(t.offset(), t.length(), replacement)));
    }
    if (changes.isEmpty()) {
      return new Patch(content, List.of(), findings);
    }
    changes.sort(Comparator.comparingInt(c -> c.edit().offset()));
    StringBuilder out = new StringBuilder(content.length() + 64);
    int at = 0;
    for (Change c : changes) {
      out.append(content, at, c.edit().offset()).append(c.edit().replacement());
      at = c.edit().offset() + c.edit().length();
    }
    out.append(content, at, content.length());
    return new Patch(out.toString(), changes, findings);
  }

  /**
   * The marker that sets each value, by the value's offset. Flux reads a value's line comment
   * before its head comment: the later marker wins.
   */
  private static Map<Integer, MarkerScan.Site> winners(List<MarkerScan.Site> sites) {
    Map<Integer, MarkerScan.Site> winners = new HashMap<>();
    for (MarkerScan.Site site : sites) {
      if (site.target() != null && site.marker().problem == null) {
        winners.put(site.target().offset(), site);
      }
    }
    return winners;
  }

  private static boolean isRange(MarkerScan.Target t) {
    return "semver".equals(t.key())
        || ("version".equals(t.key()) && RANGE.matcher(t.value()).matches());
  }

  private static String newValue(Field field, String old, Selection selection, boolean inline) {
    String why = inline ? "" : NO_REFLECTION;
    ArtifactRef artifact = selection.artifact();
    switch (field) {
      case NAME:
        return artifact.isNamedBy(old) ? old : artifact.imageName();
      case DIGEST:
        return selection
            .digest()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "policy \""
                            + selection.policy()
                            + "\" selected no digest"
                            + why
                            + "; the value is left alone"));
      case TAG:
      case RANGE:
        {
          int at = old.indexOf('@');
          return at < 0 ? selection.tag() : selection.tag() + "@" + digestFor(old, selection, why);
        }
      case IMAGE:
      default:
        {
          ImageReference parts = ImageReference.of(old);
          String name = artifact.isNamedBy(parts.name()) ? parts.name() : artifact.imageName();
          return name
              + ":"
              + selection.tag()
              + (parts.digest() == null && selection.digest().isEmpty()
                  ? ""
                  : "@" + digestFor(old, selection, why));
        }
    }
  }

  private static String digestFor(String old, Selection selection, String why) {
    return selection
        .digest()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "value \""
                        + old
                        + "\" pins a digest but policy \""
                        + selection.policy()
                        + "\" selected none"
                        + why
                        + "; the value is left alone"));
  }

  /**
   * The values the markers in {@code content} point at, in file order, without changing anything:
   * what {@code upkeep verify} and {@code promote} compare. Markers that cannot apply, markers
   * overridden by the marker at the end of the value's line and malformed markers are left out.
   *
   * @throws PatchException when {@code content} does not parse
   */
  public List<MarkedValue> values(Path file, String content) {
    List<MarkedValue> out = new ArrayList<>();
    List<MarkerScan.Site> sites = MarkerScan.scan(file, content);
    Map<Integer, MarkerScan.Site> winners = winners(sites);
    for (MarkerScan.Site site : sites) {
      Marker m = site.marker();
      if (m.problem != null
          || site.notApplicable() != null
          || winners.get(site.target().offset()) != site) {
        continue;
      }
      MarkerScan.Target t = site.target();
      Field field = m.field == Field.TAG && isRange(t) ? Field.RANGE : m.field;
      out.add(new MarkedValue(m.policy, field, t.line(), t.column(), t.value()));
    }
    return out;
  }
}
