package dev.upkeep;

import dev.upkeep.patch.Change;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.files.ManifestText;
import dev.upkeep.policy.Decision;
import dev.upkeep.publish.BranchComparison;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.review.ChartReview;
import dev.upkeep.review.ChartReviewer;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** One execution of a pipeline: resolve, patch, publish, open a change request. */
final class PipelineRun {
  private static final System.Logger LOG = Redaction.logger(UpdatePipeline.class.getName());

  private final UpdatePipeline pipeline;
  private final boolean dryRun;
  private final UpdateListener listener;

  /** Prepares a run of {@code pipeline}; {@code dryRun} writes nothing. */
  PipelineRun(UpdatePipeline pipeline, boolean dryRun) {
    this.pipeline = pipeline;
    this.dryRun = dryRun;
    this.listener = pipeline.listener();
  }

  /** Runs and reports. */
  UpdateReport execute() {
    long started = System.nanoTime();
    List<PolicyReport> policies = resolve();
    long resolved = System.nanoTime();
    AtomicLong patchNanos = new AtomicLong();
    List<Finding> findings = new ArrayList<>();
    for (PolicyReport p : policies) {
      Finding failure = new Finding(Finding.Severity.ERROR, "", 0, p.reason());
      // Policies that share an artifact share its failure: report it once.
      if (p.status() == PolicyReport.Status.FAILED && !findings.contains(failure)) {
        findings.add(failure);
      }
    }
    Map<String, Selection> selections = new LinkedHashMap<>();
    policies.forEach(p -> p.selection().ifPresent(s -> selections.put(p.policy(), s)));

    AtomicReference<TreePatch> last = new AtomicReference<>(TreePatch.EMPTY);
    Optional<PublishResult> published = Optional.empty();
    if (selections.isEmpty()) {
      // Nothing to write: no need to prepare a work tree at all.
    } else if (dryRun) {
      last.set(
          pipeline
              .publisher()
              .inspect(
                  root -> {
                    long t = System.nanoTime();
                    TreePatch patch = patchTree(root, selections, false);
                    patchNanos.addAndGet(System.nanoTime() - t);
                    return patch;
                  }));
    } else {
      PublishResult result =
          pipeline
              .publisher()
              .publish(
                  root -> {
                    long t = System.nanoTime();
                    TreePatch patch = patchTree(root, selections, true);
                    patchNanos.addAndGet(System.nanoTime() - t);
                    last.set(patch);
                    return new TreeChanges(patch.files, selections);
                  });
      published = Optional.of(result);
      notify(l -> l.published(result));
    }
    long publishedAt = System.nanoTime();
    TreePatch patch = last.get();
    patch.files.forEach(f -> notify(l -> l.filePatched(f)));
    findings.addAll(patch.findings);
    findings.forEach(f -> notify(l -> l.finding(f)));
    patch.problems.forEach(p -> notify(l -> l.problemFile(p)));

    UpdateReport report =
        new UpdateReport(
            dryRun,
            policies,
            patch.files,
            findings,
            published,
            Optional.empty(),
            Duration.ofNanos(System.nanoTime() - started),
            UpdateReport.Timings.none(),
            patch.problems,
            patch.charts);
    Optional<ChangeRequest> request = openChangeRequest(report, findings);
    long finished = System.nanoTime();
    UpdateReport.Timings timings =
        new UpdateReport.Timings(
            Duration.ofNanos(resolved - started),
            Duration.ofNanos(patchNanos.get()),
            Duration.ofNanos(publishedAt - resolved - patchNanos.get()),
            Duration.ofNanos(finished - publishedAt));
    return new UpdateReport(
        dryRun,
        policies,
        patch.files,
        findings,
        published,
        request,
        Duration.ofNanos(finished - started),
        timings,
        patch.problems,
        patch.charts);
  }

  private Optional<ChangeRequest> openChangeRequest(UpdateReport report, List<Finding> findings) {
    if (dryRun || pipeline.changeRequestOpener().isEmpty() || report.publish().isEmpty()) {
      return Optional.empty();
    }
    PublishResult r = report.publish().get();
    if (r.branch().isEmpty() || r.branch().equals(r.baseBranch())) {
      return Optional.empty();
    }
    // Every run reconciles: a branch an earlier run pushed but whose pull request failed to open
    // gets one now, and the description covers all the branch changes, not this run's alone.
    List<FileReport> onBranch =
        r.ahead()
            .map(a -> BranchDescription.files(a, pipeline.patcher(), report.selections()))
            .orElse(report.files());
    if (!r.pushed() && onBranch.stream().allMatch(f -> f.changes().isEmpty())) {
      return Optional.empty();
    }
    String head = r.ahead().map(BranchComparison::head).orElse(r.commit().orElse(""));
    UpdateReport body =
        new UpdateReport(
            false,
            report.policies(),
            onBranch,
            findings,
            Optional.of(
                new PublishResult(
                    r.remote(),
                    r.baseBranch(),
                    r.branch(),
                    Optional.of(head),
                    r.pushed(),
                    r.attempts(),
                    r.ahead())),
            Optional.empty(),
            report.elapsed(),
            report.timings(),
            report.problemFiles(),
            report.charts());
    ChangeRequest cr;
    try {
      cr =
          pipeline
              .changeRequestOpener()
              .get()
              .openOrUpdate(
                  new ChangeRequestSpec(
                      r.branch(),
                      r.baseBranch(),
                      pipeline.changeRequestTitle(),
                      body.toMarkdown(),
                      pipeline.labels(),
                      pipeline.reviewers(),
                      head));
    } catch (UpkeepException e) {
      // The commit is pushed: report that, and the failed request, rather than lose both.
      String what =
          r.pushed()
              ? "pushed " + r.commit().orElse("") + " to " + r.branch()
              : "\"" + r.branch() + "\" is ahead of \"" + r.baseBranch() + "\" at " + head;
      Finding f =
          new Finding(
              Finding.Severity.ERROR,
              "",
              0,
              what + ", but the pull request failed: " + e.getMessage());
      findings.add(f);
      notify(l -> l.finding(f));
      return Optional.empty();
    }
    if (cr.declined()) {
      // A person said no to exactly what the branch holds: say so, and leave it closed.
      Finding f =
          Finding.warning(
              "",
              0,
              "pull request #"
                  + cr.number()
                  + " ("
                  + cr.url()
                  + ") was closed without merging while \""
                  + r.branch()
                  + "\" was at "
                  + head
                  + "; not opening it again until the branch changes");
      findings.add(f);
      notify(l -> l.finding(f));
      return Optional.of(cr);
    }
    notify(l -> l.changeRequestOpened(cr));
    return Optional.of(cr);
  }

  // ---- resolve ------------------------------------------------------------------------------

  private List<PolicyReport> resolve() {
    Map<String, List<UpdatePipeline.Policy>> byArtifact = new LinkedHashMap<>();
    for (UpdatePipeline.Policy p : pipeline.policies().values()) {
      byArtifact.computeIfAbsent(artifactKey(p.artifact()), k -> new ArrayList<>()).add(p);
    }
    Map<String, PolicyReport> reports = new LinkedHashMap<>();
    int threads = Math.min(pipeline.concurrency(), byArtifact.size());
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "upkeep-registry-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<List<PolicyReport>>> futures = new ArrayList<>();
      for (List<UpdatePipeline.Policy> group : byArtifact.values()) {
        futures.add(pool.submit(() -> resolveGroup(group)));
      }
      for (Future<List<PolicyReport>> f : futures) {
        for (PolicyReport r : f.get()) {
          reports.put(r.policy(), r);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpkeepException("interrupted while asking the registries", e);
    } catch (ExecutionException e) {
      throw new UpkeepException("resolving policies failed: " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
    List<PolicyReport> ordered = new ArrayList<>();
    for (String name : pipeline.policies().keySet()) {
      ordered.add(reports.get(name));
    }
    ordered.forEach(r -> notify(l -> l.policyResolved(r)));
    return ordered;
  }

  private static String artifactKey(ArtifactRef ref) {
    return ref.kind()
        + " "
        + ref.imageName()
        + " "
        + ref.helmRepository().map(Object::toString).orElse("");
  }

  private List<PolicyReport> resolveGroup(List<UpdatePipeline.Policy> group) {
    ArtifactRef ref = group.get(0).artifact();
    RegistrySource source = pipeline.sourceFor(ref);
    List<String> tags;
    try {
      tags = source.listTags(ref);
    } catch (RuntimeException e) {
      List<PolicyReport> failed = new ArrayList<>();
      for (UpdatePipeline.Policy p : group) {
        failed.add(failed(p, 0, Optional.empty(), message(e)));
      }
      return failed;
    }
    List<PolicyReport> out = new ArrayList<>();
    for (UpdatePipeline.Policy p : group) {
      out.add(resolveOne(p, source, tags));
    }
    return out;
  }

  private PolicyReport resolveOne(
      UpdatePipeline.Policy p, RegistrySource source, List<String> tags) {
    String rule = p.policy().describe();
    Decision decision;
    try {
      decision = p.policy().decide(tags);
    } catch (RuntimeException e) {
      return failed(p, tags.size(), Optional.empty(), "policy \"" + p.name() + "\": " + message(e));
    }
    if (decision.selected().isEmpty()) {
      String reason =
          "no tag of "
              + p.artifact()
              + " satisfies "
              + rule
              + " (checked "
              + tags.size()
              + " tags)";
      return new PolicyReport(
          p.name(),
          p.artifact(),
          rule,
          PolicyReport.Status.NO_MATCH,
          tags.size(),
          Optional.empty(),
          reason,
          Optional.of(decision));
    }
    String registryTag = decision.selected().get();
    Optional<String> digest = Optional.empty();
    if (p.options().digest()) {
      try {
        digest = source.digest(p.artifact(), registryTag);
      } catch (RuntimeException e) {
        return failed(p, tags.size(), Optional.of(decision), message(e));
      }
      if (digest.isEmpty()) {
        return failed(
            p,
            tags.size(),
            Optional.of(decision),
            "tag \""
                + registryTag
                + "\" of "
                + p.artifact()
                + " vanished before its digest was read");
      }
    }
    Selection selection =
        new Selection(p.name(), p.artifact(), p.artifact().displayTag(registryTag), digest);
    String reason =
        "selected " + selection.tag() + " by " + rule + " out of " + tags.size() + " tags";
    return new PolicyReport(
        p.name(),
        p.artifact(),
        rule,
        PolicyReport.Status.SELECTED,
        tags.size(),
        Optional.of(selection),
        reason,
        Optional.of(decision));
  }

  private static PolicyReport failed(
      UpdatePipeline.Policy p, int candidates, Optional<Decision> decision, String reason) {
    return new PolicyReport(
        p.name(),
        p.artifact(),
        p.policy().describe(),
        PolicyReport.Status.FAILED,
        candidates,
        Optional.empty(),
        reason,
        decision);
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  // ---- patch --------------------------------------------------------------------------------

  /** The files a patch changed, with their new contents, what it noticed, and problem files. */
  private static final class TreePatch {
    static final TreePatch EMPTY = new TreePatch(List.of(), List.of(), List.of(), List.of());
    final List<FileReport> files;
    final List<Finding> findings;
    final List<ProblemFile> problems;
    final List<ChartReview> charts;

    TreePatch(
        List<FileReport> files,
        List<Finding> findings,
        List<ProblemFile> problems,
        List<ChartReview> charts) {
      this.files = List.copyOf(files);
      this.findings = List.copyOf(findings);
      this.problems = List.copyOf(problems);
      this.charts = List.copyOf(charts);
    }
  }

  private TreePatch patchTree(Path root, Map<String, Selection> selections, boolean write) {
    List<FileReport> reports = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<ProblemFile> problems = new ArrayList<>();
    Map<Path, String> toWrite = new LinkedHashMap<>();
    try (ReviewUnderWay review = new ReviewUnderWay(root)) {
      for (Path rel : pipeline.files().list(root)) {
        String name = slashed(rel);
        Path file = root.resolve(rel);
        ListedFile listed;
        try {
          long max = pipeline.files().maxFileBytes();
          Optional<ListedFile> known =
              pipeline
                  .files()
                  .knownText(root, rel)
                  .flatMap(text -> ListedFile.known(text, max, pipeline.patcher()::mayApply));
          listed =
              known.isPresent()
                  ? known.get()
                  : ListedFile.read(file, name, max, pipeline.patcher()::mayApply);
        } catch (IOException e) {
          throw new PatchException(rel, 0, "cannot read: " + e.getMessage(), e);
        }
        listed.skipped.ifPresent(findings::add);
        if (listed.problem.isPresent()) {
          ProblemFile problem = listed.problem.get();
          if (pipeline.strict()) {
            throw new PatchException(rel, problem.line(), problem.reason());
          }
          problems.add(problem);
          continue;
        }
        if (listed.text.isEmpty() || !pipeline.patcher().mayApply(listed.text.get())) {
          continue;
        }
        String content = listed.text.get();
        Patch patch;
        try {
          patch = pipeline.patcher().patch(rel, content, selections);
        } catch (PatchException e) {
          if (pipeline.strict()) {
            throw e;
          }
          problems.add(new ProblemFile(name, e.line(), e.reason()));
          continue;
        }
        findings.addAll(patch.findings());
        patch = patch.retain(content, c -> keep(name, c, findings));
        if (patch.changed() && !patch.content().equals(content)) {
          reports.add(
              new FileReport(
                  name, patch.changes(), LineDiff.unified(name, content, patch.content())));
          toWrite.put(file, patch.content());
          if (!write) {
            // a plan's tree stays as it is: the review downloads while the rest is patched
            review.changed(reports.get(reports.size() - 1));
          }
        }
      }
      if (write) {
        // Only after every file parsed: a strict failure above leaves the tree untouched.
        ManifestText.writeAll(toWrite);
        // a run's review reads the files as they are now
        reports.forEach(review::changed);
      }
      return new TreePatch(reports, findings, problems, review.finish(findings));
    }
  }

  /**
   * The chart review of one patch, started with the first changed file; a failing reviewer costs
   * one finding, not the run.
   */
  private final class ReviewUnderWay implements AutoCloseable {
    private final Path root;
    private ChartReviewer.Review review;
    private RuntimeException failure;

    ReviewUnderWay(Path root) {
      this.root = root;
    }

    void changed(FileReport file) {
      if (failure != null) {
        return;
      }
      try {
        if (review == null) {
          review = pipeline.chartReviewer().start(pipeline, root);
        }
        review.changed(file);
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    /** The reviews, or none (and one finding) when the reviewer failed; none without a change. */
    List<ChartReview> finish(List<Finding> findings) {
      if (failure == null && review == null) {
        return List.of();
      }
      if (failure == null) {
        try {
          return review.finish();
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      findings.add(Finding.warning("", 0, "chart review failed: " + message(failure)));
      return List.of();
    }

    @Override
    public void close() {
      if (review != null) {
        try {
          review.close();
        } catch (RuntimeException e) {
          // the reviews are in or failed already; what is left to stop is not the run's concern
        }
      }
    }
  }

  private boolean keep(String file, Change change, List<Finding> findings) {
    UpdatePipeline.Policy policy = pipeline.policies().get(change.policy());
    if (policy == null || policy.options().allowDowngrade()) {
      return true;
    }
    if (change.field() != Change.Field.IMAGE && change.field() != Change.Field.TAG) {
      return true;
    }
    if (policy.policy().isDowngrade(change.oldVersion(), change.newVersion())) {
      findings.add(
          Finding.warning(
              file,
              change.line(),
              "not moving \""
                  + change.oldValue()
                  + "\" to \""
                  + change.newValue()
                  + "\": that is a downgrade, and policy \""
                  + change.policy()
                  + "\" does not allow downgrades"));
      return false;
    }
    return true;
  }

  private static String slashed(Path rel) {
    return rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
  }

  private void notify(Consumer<UpdateListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "update listener failed; ignoring", e);
    }
  }
}
