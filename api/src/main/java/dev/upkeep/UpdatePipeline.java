package dev.upkeep;

import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.ManifestPatcher;
import dev.upkeep.policy.VersionPolicy;
import dev.upkeep.publish.ChangeRequestOpener;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.review.ChartReviewer;
import dev.upkeep.source.RegistrySource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One configured update: which artifacts to watch with which policies, how to patch manifests,
 * where to publish. Built once with {@link #builder()}, then {@link #run()} or {@link #plan()} as
 * often as needed. Immutable and thread-safe; concurrent runs are serialised by the publisher.
 *
 * <pre>{@code
 * UpdatePipeline pipeline = UpdatePipeline.builder()
 *     .source(OciRegistrySource.builder().build())
 *     .policy("flux-system:podinfo", ArtifactRef.parse("oci://ghcr.io/stefanprodan/charts/podinfo"),
 *         SemverPolicy.of("6.x"))
 *     .patcher(SetterPatcher.create())
 *     .publisher(JGitPublisher.builder("https://github.com/org/fleet.git").pushBranch("develop").build())
 *     .build();
 * UpdateReport report = pipeline.run();
 * }</pre>
 *
 * <p>A pipeline owns the parts it was built with: {@link #close()} closes every source, publisher
 * and opener that is {@link AutoCloseable} (a {@code JGitPublisher}'s temporary clone, SSH and HTTP
 * clients), each once. Use it in try-with-resources, or close it when the host shuts down.
 */
public final class UpdatePipeline implements AutoCloseable {

  /** A named policy as registered with the builder. */
  public record Policy(
      String name, ArtifactRef artifact, VersionPolicy policy, PolicyOptions options) {
    /** Validates that no component is null. */
    public Policy {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(options, "options");
    }
  }

  private final List<RegistrySource> sources;
  private final Map<String, Policy> policies;
  private final ManifestPatcher patcher;
  private final ManifestFiles files;
  private final GitPublisher publisher;
  private final Optional<ChangeRequestOpener> opener;
  private final String changeRequestTitle;
  private final List<String> labels;
  private final List<String> reviewers;
  private final UpdateListener listener;
  private final int concurrency;
  private final boolean strict;
  private final ChartReviewer chartReviewer;

  private UpdatePipeline(Builder b) {
    this.sources = List.copyOf(b.sources);
    this.policies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.policies));
    this.patcher = b.patcher;
    this.files = b.files;
    this.publisher = b.publisher;
    this.opener = Optional.ofNullable(b.opener);
    this.changeRequestTitle = b.changeRequestTitle;
    this.labels = List.copyOf(b.labels);
    this.reviewers = List.copyOf(b.reviewers);
    this.listener = b.listener;
    this.concurrency = b.concurrency;
    this.strict = b.strict;
    this.chartReviewer = b.chartReviewer;
  }

  /** Starts a pipeline description. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Resolves every policy, patches the manifests, commits and pushes the changed files in one
   * commit, and opens or updates the pull request when an opener is configured. A run that changes
   * nothing makes no commit.
   *
   * @throws dev.upkeep.patch.PatchException when a marked file cannot be processed and the pipeline
   *     is {@linkplain Builder#strict strict}; nothing is committed then (by default such a file is
   *     listed in {@link UpdateReport#problemFiles()} and the others are updated)
   * @throws dev.upkeep.publish.PublishException when committing or pushing fails; the remote is
   *     left as it was
   */
  public UpdateReport run() {
    return new PipelineRun(this, false).execute();
  }

  /**
   * Does everything {@link #run()} does up to the patches, and writes nothing: no file, commit,
   * push or pull request. The report shows what a run would change.
   */
  public UpdateReport plan() {
    return new PipelineRun(this, true).execute();
  }

  /** The registered policies by name, in the order they were added. */
  public Map<String, Policy> policies() {
    return policies;
  }

  /** The sources, in the order they are asked. */
  public List<RegistrySource> sources() {
    return sources;
  }

  /** The patcher. */
  public ManifestPatcher patcher() {
    return patcher;
  }

  /** Which files of the work tree are manifests. */
  public ManifestFiles files() {
    return files;
  }

  /** The publisher. */
  public GitPublisher publisher() {
    return publisher;
  }

  /** The pull-request opener, if any. */
  public Optional<ChangeRequestOpener> changeRequestOpener() {
    return opener;
  }

  /** The pull request title. */
  public String changeRequestTitle() {
    return changeRequestTitle;
  }

  /** Labels set on the pull request. */
  public List<String> labels() {
    return labels;
  }

  /** Reviewers requested on the pull request. */
  public List<String> reviewers() {
    return reviewers;
  }

  /** The listener. */
  public UpdateListener listener() {
    return listener;
  }

  /** How many registry requests run at once. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * Whether a marked file that cannot be processed fails the run (true) or is reported as a problem
   * file while the others are updated (false, the default).
   */
  public boolean strict() {
    return strict;
  }

  /** Reviews the chart version changes; {@link ChartReviewer#NONE} unless one was set. */
  public ChartReviewer chartReviewer() {
    return chartReviewer;
  }

  /**
   * Closes every part that is {@link AutoCloseable}, each once even when it serves several roles,
   * and goes on when one fails; the first failure is thrown afterwards with the others suppressed.
   * Runs started after {@code close()} may fail.
   *
   * @throws UpkeepException when a part fails to close
   */
  @Override
  public void close() {
    Set<Object> parts = Collections.newSetFromMap(new IdentityHashMap<>());
    parts.addAll(sources);
    parts.add(publisher);
    opener.ifPresent(parts::add);
    RuntimeException failure = null;
    for (Object part : parts) {
      if (!(part instanceof AutoCloseable)) {
        continue;
      }
      try {
        ((AutoCloseable) part).close();
      } catch (Exception e) {
        RuntimeException wrapped =
            e instanceof RuntimeException
                ? (RuntimeException) e
                : new UpkeepException("cannot close " + part.getClass().getSimpleName(), e);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The source that serves {@code ref}: the first added whose {@code supports} is true. */
  public RegistrySource sourceFor(ArtifactRef ref) {
    return sources.stream()
        .filter(s -> s.supports(ref))
        .findFirst()
        .orElseThrow(() -> new ConfigurationException("no registry source supports " + ref));
  }

  /**
   * Collects the parts of a pipeline. Not thread-safe; {@link #build()} checks everything and
   * returns an immutable pipeline.
   */
  public static final class Builder {
    private final List<RegistrySource> sources = new ArrayList<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private ManifestPatcher patcher;
    private ManifestFiles files = ManifestFiles.yamlFiles();
    private GitPublisher publisher;
    private ChangeRequestOpener opener;
    private String changeRequestTitle = "Update versions";
    private final List<String> labels = new ArrayList<>();
    private final List<String> reviewers = new ArrayList<>();
    private UpdateListener listener = UpdateListener.NONE;
    private int concurrency = 8;
    private boolean strict;
    private ChartReviewer chartReviewer = ChartReviewer.NONE;

    private Builder() {}

    /** Adds a registry source; several are asked in order, see {@link RegistrySource#supports}. */
    public Builder source(RegistrySource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** Adds a named policy with default options (no digest, no downgrades). */
    public Builder policy(String name, ArtifactRef artifact, VersionPolicy policy) {
      return policy(name, artifact, policy, PolicyOptions.defaults());
    }

    /**
     * Adds a named policy. Markers refer to it by {@code name} (Flux writes {@code
     * namespace:name}).
     *
     * @throws IllegalArgumentException when {@code name} is blank or already used
     */
    public Builder policy(
        String name, ArtifactRef artifact, VersionPolicy policy, PolicyOptions options) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("policy name must not be blank");
      }
      if (policies.containsKey(name)) {
        throw new IllegalArgumentException("policy \"" + name + "\" is already defined");
      }
      policies.put(name, new Policy(name, artifact, policy, options));
      return this;
    }

    /** Sets the manifest patcher (required). */
    public Builder patcher(ManifestPatcher patcher) {
      this.patcher = Objects.requireNonNull(patcher, "patcher");
      return this;
    }

    /**
     * Sets which files are manifests; defaults to every {@code *.yaml}, {@code *.yml} and {@code
     * Kustomization} file ({@link ManifestFiles#yamlFiles()}).
     */
    public Builder files(ManifestFiles files) {
      this.files = Objects.requireNonNull(files, "files");
      return this;
    }

    /** Sets the publisher (required); see {@link GitPublisher#inPlace} for a plain directory. */
    public Builder publisher(GitPublisher publisher) {
      this.publisher = Objects.requireNonNull(publisher, "publisher");
      return this;
    }

    /** Opens or updates a pull request after a push to a branch other than the base. */
    public Builder changeRequests(ChangeRequestOpener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /** The pull request's title; defaults to {@code Update versions}. */
    public Builder changeRequestTitle(String title) {
      if (title == null || title.isBlank()) {
        throw new IllegalArgumentException("pull request title must not be blank");
      }
      this.changeRequestTitle = title;
      return this;
    }

    /** Labels to set on the pull request, added to those already given. */
    public Builder labels(List<String> labels) {
      this.labels.addAll(List.copyOf(labels));
      return this;
    }

    /** Reviewers to request on the pull request, added to those already given. */
    public Builder reviewers(List<String> reviewers) {
      this.reviewers.addAll(List.copyOf(reviewers));
      return this;
    }

    /** Receives progress events. */
    public Builder listener(UpdateListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How many registry requests may run at once; default 8. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Whether a marked file that cannot be processed (does not parse, breaks a parser limit, is
     * larger than the walk's limit, binary or not UTF-8) fails the whole run with a {@code
     * PatchException} (true: nothing is committed), or is listed in {@link
     * UpdateReport#problemFiles()} and left untouched while every other file is updated, committed
     * and pushed (false, the default, as Flux's image automation does).
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Reviews every chart version change (values, CRDs, {@code Chart.yaml}, schema) into the
     * report; none by default.
     */
    public Builder chartReviewer(ChartReviewer reviewer) {
      this.chartReviewer = Objects.requireNonNull(reviewer, "reviewer");
      return this;
    }

    /**
     * Checks the configuration and returns the pipeline.
     *
     * @throws ConfigurationException naming what is missing or contradictory
     */
    public UpdatePipeline build() {
      if (patcher == null) {
        throw new ConfigurationException("a pipeline needs a patcher: call patcher(...)");
      }
      if (publisher == null) {
        throw new ConfigurationException(
            "a pipeline needs a publisher: call publisher(...), or GitPublisher.inPlace(dir)");
      }
      if (policies.isEmpty()) {
        throw new ConfigurationException("a pipeline needs at least one policy: call policy(...)");
      }
      if (sources.isEmpty()) {
        throw new ConfigurationException("a pipeline needs a registry source: call source(...)");
      }
      for (Policy p : policies.values()) {
        if (sources.stream().noneMatch(s -> s.supports(p.artifact()))) {
          throw new ConfigurationException(
              "no registry source supports " + p.artifact() + " of policy \"" + p.name() + "\"");
        }
      }
      return new UpdatePipeline(this);
    }
  }
}
