package dev.upkeep.verify;

import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.patch.yaml.MarkedValue;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.review.ChartReview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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

  private final Function<Path, UpdatePipeline> pipelineAtBase;
  private final Set<String> allowed;
  private final SetterPatcher markers = SetterPatcher.create();

  private ChangeVerifier(Function<Path, UpdatePipeline> pipelineAtBase, Set<String> allowed) {
    this.pipelineAtBase = pipelineAtBase;
    this.allowed = allowed;
  }

  /**
   * A verifier that judges changes by {@code pipeline}'s policies and sources, as given. A host
   * that reads its policies from the repository should use {@link #fromBase} instead, so a change
   * cannot loosen the policies it is judged by.
   */
  public static ChangeVerifier of(UpdatePipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    return new ChangeVerifier(root -> pipeline, Set.of());
  }

  /**
   * A verifier that judges a change by the policies, insecure-registry flags and automation of its
   * base, never of the change itself: {@code pipelineAtBase} gets a directory holding the files of
   * the merge-base of the base ref and {@code HEAD} (read from Git objects, not from the work tree)
   * and builds the pipeline from them, e.g. with {@code FluxAutomation}. The directory is deleted
   * when {@link #verify} returns.
   */
  public static ChangeVerifier fromBase(Function<Path, UpdatePipeline> pipelineAtBase) {
    return new ChangeVerifier(Objects.requireNonNull(pipelineAtBase, "pipelineAtBase"), Set.of());
  }

  /**
   * A copy that accepts the chart review warnings named {@code ids} ({@link
   * ChartReview.Warning#id()}, such as {@code removed:ui.color}) for every change it verifies.
   */
  public ChangeVerifier allow(Collection<String> ids) {
    return new ChangeVerifier(pipelineAtBase, Set.copyOf(ids));
  }

  /**
   * Compares the working tree of {@code repository} with {@code baseRef} and checks every changed
   * version: that it exists, satisfies its policy and is no downgrade, and that nothing else of the
   * artifact changed (registry host, repository, image name, pinned digest). An edit to the Flux
   * objects that define policies, repositories or automations fails too.
   *
   * @throws ConfigurationException when {@code repository} is not a Git work tree or {@code
   *     baseRef} does not exist
   */
  public VerifyReport verify(Path repository, String baseRef) {
    Map<String, List<String>> tagsByArtifact = new ConcurrentHashMap<>();
    List<VerifyReport.Check> checks = new ArrayList<>();
    UpdatePipeline pipeline;
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
      try (BaseTree base = BaseTree.export(repo, tree)) {
        pipeline = pipelineAtBase.apply(base.root());
        checks.addAll(PolicyObjects.changed(base.root(), repository));
        Set<Path> manifests = new HashSet<>(pipeline.files().list(repository));
        manifests.addAll(pipeline.files().list(base.root()));
        List<DiffEntry> diffs;
        try (ObjectReader reader = repo.newObjectReader()) {
          CanonicalTreeParser baseTree = new CanonicalTreeParser();
          baseTree.reset(reader, tree);
          diffs = git.diff().setOldTree(baseTree).setNewTree(new FileTreeIterator(repo)).call();
        }
        Set<String> changed = new TreeSet<>();
        for (DiffEntry d : diffs) {
          if (d.getChangeType() != DiffEntry.ChangeType.DELETE
              && manifests.contains(Path.of(d.getNewPath()))) {
            changed.add(d.getNewPath());
          }
        }
        ValueCheck values = new ValueCheck(pipeline, tagsByArtifact);
        for (String file : changed) {
          Optional<String> now =
              ManifestText.read(repository.resolve(file), pipeline.files().maxFileBytes());
          if (now.isEmpty() || !markers.mayApply(now.get())) {
            continue;
          }
          String before = read(repo, tree, file).orElse("");
          checks.addAll(checkFile(values, file, before, now.get()));
        }
      }
    } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
      throw new ConfigurationException(repository + " is not a Git work tree", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + repository, e);
    } catch (GitAPIException e) {
      throw new ConfigurationException(
          "cannot compare " + repository + " with " + baseRef + ": " + e.getMessage(), e);
    }
    return new VerifyReport(baseRef, reviewCharts(pipeline, repository, checks));
  }

  /** Adds the chart review's warnings to each chart version change that passed so far. */
  private List<VerifyReport.Check> reviewCharts(
      UpdatePipeline pipeline, Path repository, List<VerifyReport.Check> checks) {
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

  /** Why {@code e}'s file does not parse, without the file and line the check names already. */
  private static String notParsed(PatchException e) {
    return e.reason().startsWith("does not parse") ? e.reason() : "does not parse: " + e.reason();
  }

  private List<VerifyReport.Check> checkFile(
      ValueCheck values, String file, String before, String now) {
    List<MarkedValue> old;
    List<MarkedValue> current;
    try {
      current = markers.values(Path.of(file), now);
    } catch (PatchException e) {
      return List.of(
          new VerifyReport.Check(file, e.line(), "", "", "", "", List.of(notParsed(e)), ""));
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
      if (v.field() == Change.Field.RANGE) {
        continue;
      }
      int index = seen.merge(key(v), 1, Integer::sum) - 1;
      List<MarkedValue> candidates = oldByKey.getOrDefault(key(v), List.of());
      Optional<MarkedValue> was =
          index < candidates.size() ? Optional.of(candidates.get(index)) : Optional.empty();
      if (was.isPresent() && was.get().value().equals(v.value())) {
        continue;
      }
      out.add(values.check(file, v, was, current));
    }
    return out;
  }

  private static String key(MarkedValue v) {
    return v.policy() + " " + v.field();
  }
}
