package dev.upkeep.verify;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.yaml.MarkedValue;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.review.ChartReview;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.ChartMetadata;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Checks every version a change moved, for CI before merge: compared with a base ref, each value a
 * marker points at that changed must exist in its registry, be the chart it claims to be (for Helm
 * charts: {@code Chart.yaml} name and version match), satisfy its policy, and not be a downgrade.
 * The chart's {@code artifacthub.io/changes} become release notes.
 *
 * <p>A chart version change is also reviewed by the pipeline's {@link
 * dev.upkeep.review.ChartReviewer}: each warning (a values key the repository sets that the new
 * chart no longer has, values the new schema rejects) is a problem naming its file:line, unless it
 * is {@linkplain #allow allowed}.
 *
 * <p>The policies, sources and manifest files come from an {@link UpdatePipeline}, so {@code
 * verify} judges a change exactly as a run would have made it. Immutable and thread-safe.
 */
public final class ChangeVerifier {

  private final UpdatePipeline pipeline;
  private final Set<String> allowed;
  private final SetterPatcher markers = SetterPatcher.create();

  private ChangeVerifier(UpdatePipeline pipeline, Set<String> allowed) {
    this.pipeline = pipeline;
    this.allowed = allowed;
  }

  /** A verifier that judges changes by {@code pipeline}'s policies and sources. */
  public static ChangeVerifier of(UpdatePipeline pipeline) {
    return new ChangeVerifier(pipeline, Set.of());
  }

  /**
   * A copy that accepts the chart review warnings named {@code ids} ({@link
   * ChartReview.Warning#id()}, such as {@code removed:ui.color}) for every change it verifies.
   */
  public ChangeVerifier allow(Collection<String> ids) {
    return new ChangeVerifier(pipeline, Set.copyOf(ids));
  }

  /**
   * Compares the working tree of {@code repository} with {@code baseRef} and checks every changed
   * version.
   *
   * @throws ConfigurationException when {@code repository} is not a Git work tree or {@code
   *     baseRef} does not exist
   */
  public VerifyReport verify(Path repository, String baseRef) {
    Map<String, List<String>> tagsByArtifact = new ConcurrentHashMap<>();
    List<VerifyReport.Check> checks = new ArrayList<>();
    Set<Path> manifests = new HashSet<>(pipeline.files().list(repository));
    try (Git git = Git.open(repository.toFile())) {
      Repository repo = git.getRepository();
      ObjectId baseCommit = repo.resolve(baseRef + "^{commit}");
      if (baseCommit == null) {
        throw new ConfigurationException(
            "base \"" + baseRef + "\" is not a branch, tag or commit of " + repository);
      }
      // Compare with where the change forked from the base, as a pull request diff does: changes
      // that landed on the base since then are not this change's.
      ObjectId tree = forkPoint(repo, baseCommit).getTree().getId();
      List<DiffEntry> diffs;
      try (ObjectReader reader = repo.newObjectReader()) {
        CanonicalTreeParser base = new CanonicalTreeParser();
        base.reset(reader, tree);
        diffs = git.diff().setOldTree(base).setNewTree(new FileTreeIterator(repo)).call();
      }
      Set<String> changed = new TreeSet<>();
      for (DiffEntry d : diffs) {
        if (d.getChangeType() != DiffEntry.ChangeType.DELETE
            && manifests.contains(Path.of(d.getNewPath()))) {
          changed.add(d.getNewPath());
        }
      }
      for (String file : changed) {
        if (Files.size(repository.resolve(file)) > pipeline.files().maxFileBytes()) {
          continue; // listed so a run can report it; never read whole
        }
        String now = Files.readString(repository.resolve(file), StandardCharsets.UTF_8);
        if (!markers.mayApply(now)) {
          continue;
        }
        String before = read(repo, tree, file).orElse("");
        checks.addAll(checkFile(file, before, now, tagsByArtifact));
      }
    } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
      throw new ConfigurationException(repository + " is not a Git work tree", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + repository, e);
    } catch (GitAPIException e) {
      throw new ConfigurationException(
          "cannot compare " + repository + " with " + baseRef + ": " + e.getMessage(), e);
    }
    return new VerifyReport(baseRef, reviewCharts(repository, checks));
  }

  /** Adds the chart review's warnings to each chart version change that passed so far. */
  private List<VerifyReport.Check> reviewCharts(Path repository, List<VerifyReport.Check> checks) {
    List<VerifyReport.Check> out = new ArrayList<>();
    for (VerifyReport.Check c : checks) {
      if (!c.passed() || c.oldVersion().isEmpty() || c.artifact().isEmpty()) {
        out.add(c);
        continue;
      }
      Change change =
          new Change(
              c.policy(),
              Change.Field.TAG,
              c.line(),
              1,
              c.oldVersion(),
              c.newVersion(),
              new Change.Edit(0, 0, c.newVersion()));
      List<String> problems = new ArrayList<>();
      for (ChartReview review :
          pipeline
              .chartReviewer()
              .review(pipeline, repository, List.of(new FileReport(c.file(), List.of(change))))) {
        for (ChartReview.Warning w : review.warnings()) {
          if (!allowed.contains(w.id())) {
            problems.add(w + " (accept with --allow " + w.id() + ")");
          }
        }
      }
      out.add(
          problems.isEmpty()
              ? c
              : new VerifyReport.Check(
                  c.file(),
                  c.line(),
                  c.policy(),
                  c.artifact(),
                  c.oldVersion(),
                  c.newVersion(),
                  problems,
                  c.releaseNotes()));
    }
    return out;
  }

  private static RevCommit forkPoint(Repository repo, ObjectId base) throws IOException {
    ObjectId head = repo.resolve("HEAD^{commit}");
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit baseCommit = walk.parseCommit(base);
      if (head == null) {
        return baseCommit;
      }
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(baseCommit);
      walk.markStart(walk.parseCommit(head));
      RevCommit mergeBase = walk.next();
      return mergeBase == null ? baseCommit : walk.parseCommit(mergeBase);
    }
  }

  private static Optional<String> read(Repository repo, ObjectId tree, String path)
      throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(repo, path, tree)) {
      if (walk == null) {
        return Optional.empty();
      }
      return Optional.of(
          new String(repo.open(walk.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
    }
  }

  private List<VerifyReport.Check> checkFile(
      String file, String before, String now, Map<String, List<String>> tagsByArtifact) {
    List<MarkedValue> old;
    List<MarkedValue> current;
    try {
      current = markers.values(Path.of(file), now);
    } catch (PatchException e) {
      return List.of(
          new VerifyReport.Check(
              file, e.line(), "", "", "", "", List.of("does not parse: " + e.getMessage()), ""));
    }
    try {
      old = before.isEmpty() ? List.of() : markers.values(Path.of(file), before);
    } catch (PatchException e) {
      old = List.of();
    }
    Map<String, List<MarkedValue>> oldByKey = new HashMap<>();
    old.forEach(v -> oldByKey.computeIfAbsent(key(v), k -> new ArrayList<>()).add(v));
    Map<String, Integer> seen = new HashMap<>();
    List<VerifyReport.Check> out = new ArrayList<>();
    for (MarkedValue v : current) {
      if (v.field() != Change.Field.TAG && v.field() != Change.Field.IMAGE) {
        continue;
      }
      int index = seen.merge(key(v), 1, Integer::sum) - 1;
      List<MarkedValue> candidates = oldByKey.getOrDefault(key(v), List.of());
      String oldVersion = index < candidates.size() ? candidates.get(index).version() : "";
      if (oldVersion.equals(v.version())) {
        continue;
      }
      out.add(check(file, v, oldVersion, tagsByArtifact));
    }
    return out;
  }

  private static String key(MarkedValue v) {
    return v.policy() + " " + v.field();
  }

  private VerifyReport.Check check(
      String file, MarkedValue v, String oldVersion, Map<String, List<String>> tagsByArtifact) {
    String version = v.version();
    UpdatePipeline.Policy policy = pipeline.policies().get(v.policy());
    if (policy == null) {
      return new VerifyReport.Check(
          file,
          v.line(),
          v.policy(),
          "",
          oldVersion,
          version,
          List.of("no policy \"" + v.policy() + "\" is defined, so the change cannot be checked"),
          "");
    }
    ArtifactRef artifact = policy.artifact();
    List<String> problems = new ArrayList<>();
    String releaseNotes = "";
    String registryTag = artifact.registryTag(version);
    RegistrySource source = pipeline.sourceFor(artifact);
    List<String> tags;
    try {
      tags = tagsByArtifact.computeIfAbsent(artifact.toString(), k -> source.listTags(artifact));
    } catch (RuntimeException e) {
      problems.add("cannot list the tags of " + artifact + ": " + e.getMessage());
      tags = null;
    }
    if (tags != null && !tags.contains(registryTag)) {
      problems.add(version + " does not exist in " + artifact);
    }
    if (policy.policy().select(List.of(registryTag)).isEmpty()) {
      problems.add(
          version + " does not satisfy " + policy.policy().describe() + " of policy " + v.policy());
    }
    if (!oldVersion.isEmpty()
        && !policy.options().allowDowngrade()
        && policy.policy().isDowngrade(oldVersion, version)) {
      problems.add(oldVersion + " -> " + version + " is a downgrade");
    }
    boolean exists = tags != null && tags.contains(registryTag);
    if (exists && artifact.kind() == ArtifactRef.Kind.OCI && source instanceof ChartInspector) {
      Optional<ChartMetadata> chart = Optional.empty();
      try {
        chart = ((ChartInspector) source).chart(artifact, registryTag);
        if (chart.isEmpty()) {
          problems.add(version + " vanished from " + artifact + " while it was checked");
        }
      } catch (RuntimeException e) {
        // An image is not a chart: only a reference written as a chart (oci://) must be one.
        if (artifact.isChart()) {
          problems.add(e.getMessage());
        }
      }
      if (chart.isPresent()) {
        if (!chart.get().name().equals(artifact.name())) {
          problems.add(
              "the chart at "
                  + artifact
                  + ":"
                  + version
                  + " is named \""
                  + chart.get().name()
                  + "\", not \""
                  + artifact.name()
                  + "\"");
        }
        if (!chart.get().version().equals(registryTag.replace('_', '+'))) {
          problems.add(
              "the chart at "
                  + artifact
                  + ":"
                  + version
                  + " says it is version \""
                  + chart.get().version()
                  + "\"");
        }
        releaseNotes = chart.get().annotations().getOrDefault(ChartMetadata.CHANGES_ANNOTATION, "");
      }
    }
    return new VerifyReport.Check(
        file,
        v.line(),
        v.policy(),
        artifact.toString(),
        oldVersion,
        version,
        problems,
        releaseNotes);
  }
}
