package dev.upkeep.internal;

import dev.upkeep.ArtifactRef;
import dev.upkeep.FileReport;
import dev.upkeep.Finding;
import dev.upkeep.PolicyReport;
import dev.upkeep.Selection;
import dev.upkeep.UpdateListener;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.UpkeepException;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import dev.upkeep.policy.Decision;
import dev.upkeep.publish.BranchComparison;
import dev.upkeep.publish.ChangeRequest;
import dev.upkeep.publish.ChangeRequestSpec;
import dev.upkeep.publish.PublishResult;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
public final class PipelineRun {
  private static final System.Logger LOG = System.getLogger(UpdatePipeline.class.getName());

  /** Files larger than this are not read: no manifest is that large. */
  static final long MAX_MANIFEST_BYTES = 16L << 20;

  private final UpdatePipeline pipeline;
  private final boolean dryRun;
  private final UpdateListener listener;

  /** Prepares a run of {@code pipeline}; {@code dryRun} writes nothing. */
  public PipelineRun(UpdatePipeline pipeline, boolean dryRun) {
    this.pipeline = pipeline;
    this.dryRun = dryRun;
    this.listener = pipeline.listener();
  }

  /** Runs and reports. */
  public UpdateReport execute() {
    long started = System.nanoTime();
    List<PolicyReport> policies = resolve();
    long resolved = System.nanoTime();
    AtomicLong patchNanos = new AtomicLong();
    List<Finding> findings = new ArrayList<>();
    for (PolicyReport p : policies) {
      if (p.status() == PolicyReport.Status.FAILED) {
        findings.add(new Finding(Finding.Severity.ERROR, "", 0, p.reason()));
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

    UpdateReport report =
        new UpdateReport(
            dryRun,
            policies,
            patch.files,
            findings,
            published,
            Optional.empty(),
            Duration.ofNanos(System.nanoTime() - started),
            UpdateReport.Timings.none());
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
        timings);
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
            report.timings());
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
                      pipeline.reviewers()));
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

  /** The files a patch changed, with their new contents, and what it noticed. */
  private static final class TreePatch {
    static final TreePatch EMPTY = new TreePatch(List.of(), List.of());
    final List<FileReport> files;
    final List<Finding> findings;

    TreePatch(List<FileReport> files, List<Finding> findings) {
      this.files = List.copyOf(files);
      this.findings = List.copyOf(findings);
    }
  }

  private TreePatch patchTree(Path root, Map<String, Selection> selections, boolean write) {
    List<FileReport> reports = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    Map<Path, String> toWrite = new LinkedHashMap<>();
    for (Path rel : pipeline.files().list(root)) {
      String name = slashed(rel);
      Path file = root.resolve(rel);
      String content;
      try {
        if (Files.size(file) > MAX_MANIFEST_BYTES) {
          findings.add(
              new Finding(
                  Finding.Severity.INFO,
                  name,
                  0,
                  "larger than " + (MAX_MANIFEST_BYTES >> 20) + " MiB; not a manifest, skipped"));
          continue;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (isBinary(bytes)) {
          findings.add(new Finding(Finding.Severity.INFO, name, 0, "binary; skipped"));
          continue;
        }
        content = decode(bytes);
      } catch (CharacterCodingException e) {
        findings.add(Finding.warning(name, 0, "not valid UTF-8; skipped"));
        continue;
      } catch (IOException e) {
        throw new PatchException(rel, 0, "cannot read: " + e.getMessage(), e);
      }
      if (!pipeline.patcher().mayApply(content)) {
        continue;
      }
      Patch patch;
      try {
        patch = pipeline.patcher().patch(rel, content, selections);
      } catch (PatchException e) {
        if (pipeline.strict()) {
          throw e;
        }
        findings.add(new Finding(Finding.Severity.ERROR, name, e.line(), e.getMessage()));
        continue;
      }
      findings.addAll(patch.findings());
      patch = patch.retain(content, c -> keep(name, c, findings));
      if (patch.changed() && !patch.content().equals(content)) {
        reports.add(
            new FileReport(
                name, patch.changes(), LineDiff.unified(name, content, patch.content())));
        toWrite.put(file, patch.content());
      }
    }
    if (write) {
      // Only after every file parsed: a strict failure above leaves the tree untouched.
      writeAll(toWrite);
    }
    return new TreePatch(reports, findings);
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

  /** A NUL byte in the first 8 KiB marks a binary file, as Git decides. */
  private static boolean isBinary(byte[] bytes) {
    for (int i = 0, n = Math.min(bytes.length, 8192); i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static String decode(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static String slashed(Path rel) {
    return rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
  }

  /**
   * Writes every file through a fresh temporary file beside it, then moves them all into place: a
   * failure while writing the temporary files leaves every manifest as it was. Temporary files are
   * created new (never through an existing name or link), and a manifest that is a link is refused
   * rather than followed.
   */
  static void writeAll(Map<Path, String> contents) {
    Map<Path, Path> temps = new LinkedHashMap<>();
    try {
      for (Map.Entry<Path, String> e : contents.entrySet()) {
        Path file = e.getKey();
        if (Files.isSymbolicLink(file)) {
          throw new PatchException(
              file.getFileName(), 0, "is a symbolic link; Upkeep does not write through links");
        }
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".upkeep-tmp");
        temps.put(file, tmp);
        Files.write(tmp, e.getValue().getBytes(StandardCharsets.UTF_8), LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view =
            Files.getFileAttributeView(
                file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
          Files.setPosixFilePermissions(tmp, view.readAttributes().permissions());
        }
      }
    } catch (IOException e) {
      deleteQuietly(temps.values());
      throw new PatchException(
          Path.of(""), 0, "cannot write the patched files, none was changed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(temps.values());
      throw e;
    }
    for (Map.Entry<Path, Path> e : temps.entrySet()) {
      try {
        try {
          Files.move(
              e.getValue(),
              e.getKey(),
              StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException ex) {
        deleteQuietly(temps.values());
        throw new PatchException(
            e.getKey().getFileName(), 0, "cannot replace: " + ex.getMessage(), ex);
      }
    }
  }

  private static void deleteQuietly(Collection<Path> files) {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // A leftover temporary file is harmless; the manifests are intact.
      }
    }
  }

  private void notify(Consumer<UpdateListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "update listener failed; ignoring", e);
    }
  }
}
