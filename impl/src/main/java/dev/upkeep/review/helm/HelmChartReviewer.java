package dev.upkeep.review.helm;

import dev.upkeep.ArtifactRef;
import dev.upkeep.FileReport;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpkeepException;
import dev.upkeep.patch.Change;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartException;
import dev.upkeep.review.ChartReview;
import dev.upkeep.review.ChartReviewer;
import dev.upkeep.source.ChartArchive;
import dev.upkeep.source.ChartInspector;
import dev.upkeep.source.RegistrySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reviews chart version changes by downloading both chart packages through the pipeline's source (a
 * {@link ChartInspector}) and comparing them ({@link ChartPackage#diffTo}); for a HelmRelease it
 * also checks every values key the repository sets ({@code spec.values} and {@code valuesFrom}
 * ConfigMaps and Secrets that are files of the repository) against the new chart: a key the old
 * chart had and the new one does not is a warning, with a similarly named key at the same place as
 * the likely rename, and values the new {@code values.schema.json} rejects are a warning too.
 *
 * <pre>{@code
 * UpdatePipeline.builder()...chartReviewer(HelmChartReviewer.create())
 * }</pre>
 *
 * <p>Each package is downloaded once per review, at most {@link #maxPackageBytes} long. A chart
 * whose packages cannot be had is reported as {@link ChartReview#unavailable}. Immutable and
 * thread-safe.
 */
public final class HelmChartReviewer implements ChartReviewer {
  private final long maxPackageBytes;
  private final Optional<PackageSummaries> summaries;

  private HelmChartReviewer(long maxPackageBytes, Optional<PackageSummaries> summaries) {
    this.maxPackageBytes = maxPackageBytes;
    this.summaries = summaries;
  }

  /** A reviewer that downloads packages up to {@link ChartPackage#DEFAULT_MAX_PACKAGE_BYTES}. */
  public static HelmChartReviewer create() {
    return new HelmChartReviewer(ChartPackage.DEFAULT_MAX_PACKAGE_BYTES, Optional.empty());
  }

  /** A copy that downloads packages up to {@code bytes} long. */
  public HelmChartReviewer maxPackageBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("max package bytes must be positive, got " + bytes);
    }
    return new HelmChartReviewer(bytes, summaries);
  }

  /**
   * A copy that keeps what it reads from each package in {@code directory}, under the package's
   * digest, and looks there before reading one: a package reviewed once, by this run or an earlier
   * one, costs its source's digest lookup (an OCI manifest, a Helm index entry) and a small read
   * instead of a download, a hash, an unpacking and a parse. The directory is made private when
   * first written; one that another user owns or may write to is not used (a warning says so), and
   * a summary that cannot be read or written is a package read in full, never a failure.
   */
  public HelmChartReviewer summaries(Path directory) {
    return new HelmChartReviewer(
        maxPackageBytes, Optional.of(new PackageSummaries(Objects.requireNonNull(directory))));
  }

  @Override
  public List<ChartReview> review(UpdatePipeline pipeline, Path root, List<FileReport> files) {
    try (ChartReviewer.Review review = start(pipeline, root)) {
      files.forEach(review::changed);
      return review.finish();
    }
  }

  /**
   * A review that starts downloading the two packages of each chart move as soon as it is handed
   * the file, with the pipeline's concurrency, while the pipeline patches the rest.
   */
  @Override
  public ChartReviewer.Review start(UpdatePipeline pipeline, Path root) {
    Review review = new Review(pipeline, root);
    List<FileReport> files = new ArrayList<>();
    return new ChartReviewer.Review() {
      @Override
      public void changed(FileReport file) {
        files.add(file);
        review.prefetch(file);
      }

      @Override
      public List<ChartReview> finish() {
        review.collect();
        List<ChartReview> out = new ArrayList<>();
        for (FileReport f : files) {
          for (Change c : f.changes()) {
            if (c.field() == Change.Field.TAG) {
              review
                  .one(f.file(), c.line(), c.policy(), c.oldVersion(), c.newVersion())
                  .ifPresent(out::add);
            }
          }
        }
        return out;
      }

      @Override
      public void close() {
        review.stop();
      }
    };
  }

  /**
   * The review of one chart version change at {@code file:line}, or empty when the value there is
   * not a chart version (an image tag, a policy unknown to {@code pipeline}).
   *
   * @param root the work tree the file is in
   */
  public Optional<ChartReview> review(
      UpdatePipeline pipeline,
      Path root,
      String file,
      int line,
      String policy,
      String oldVersion,
      String newVersion) {
    return new Review(pipeline, root).one(file, line, policy, oldVersion, newVersion);
  }

  /** The state of one review: packages and diffs already fetched, the repository's objects. */
  private final class Review {
    private final UpdatePipeline pipeline;
    private final ReleaseValues releases;
    private final Map<String, Object> packages = new HashMap<>();
    // many releases move the same chart between the same versions: one diff serves them all
    private final Map<String, ChartDiff> diffs = new HashMap<>();
    private final Map<String, Future<Object>> running = new LinkedHashMap<>();
    private ExecutorService pool;

    Review(UpdatePipeline pipeline, Path root) {
      this.pipeline = pipeline;
      this.releases = new ReleaseValues(root, pipeline.files());
    }

    Optional<ChartReview> one(
        String file, int line, String policyName, String oldVersion, String newVersion) {
      UpdatePipeline.Policy policy = pipeline.policies().get(policyName);
      if (policy == null || oldVersion.isEmpty() || oldVersion.equals(newVersion)) {
        return Optional.empty();
      }
      ArtifactRef chart = policy.artifact();
      List<ReleaseValues.Release> installs = releases.installing(file, line);
      if (installs.isEmpty() && !chart.isChart()) {
        return Optional.empty();
      }
      Object before = fetch(chart, oldVersion);
      Object after = fetch(chart, newVersion);
      for (Object p : List.of(before, after)) {
        if (p instanceof String) {
          // An OCIRepository tag that is not a chart (manifests, an image) is no chart move.
          return releases.pinsChart(file, line)
              ? Optional.of(
                  ChartReview.unavailable(
                      policyName, chart, file, line, oldVersion, newVersion, (String) p))
              : Optional.empty();
        }
      }
      ChartPackage old = (ChartPackage) before;
      ChartPackage now = (ChartPackage) after;
      ChartDiff diff =
          diffs.computeIfAbsent(chart + " " + oldVersion + " " + newVersion, k -> old.diffTo(now));
      List<ChartReview.Warning> warnings = new ArrayList<>();
      installs.forEach(
          r -> {
            warnings.addAll(removedKeys(r, old, now));
            warnings.addAll(schemaViolations(r, now));
          });
      return Optional.of(
          new ChartReview(
              policyName,
              chart,
              file,
              line,
              oldVersion,
              newVersion,
              Optional.of(diff),
              Optional.empty(),
              warnings));
    }

    /**
     * Starts downloading the packages {@link #one} will read for {@code file}, with the pipeline's
     * concurrency, instead of one after the other. Run on the thread that hands the files over.
     */
    void prefetch(FileReport file) {
      for (Change c : file.changes()) {
        UpdatePipeline.Policy policy = pipeline.policies().get(c.policy());
        if (c.field() != Change.Field.TAG
            || policy == null
            || c.oldVersion().isEmpty()
            || c.oldVersion().equals(c.newVersion())
            || !(policy.artifact().isChart()
                || !releases.installing(file.file(), c.line()).isEmpty())) {
          continue;
        }
        for (String version : List.of(c.oldVersion(), c.newVersion())) {
          String key = policy.artifact() + " " + version;
          if (pipeline.concurrency() > 1 && !running.containsKey(key)) {
            if (pool == null) {
              pool =
                  Executors.newFixedThreadPool(
                      pipeline.concurrency(),
                      r -> {
                        Thread t = new Thread(r, "upkeep-chart-review");
                        t.setDaemon(true);
                        return t;
                      });
            }
            running.put(key, pool.submit(() -> download(policy.artifact(), version)));
          }
        }
      }
    }

    /**
     * Waits for the downloads {@link #prefetch} started. One that failed unexpectedly is left to
     * {@link #fetch}, which fails the same way where the review needs it.
     */
    void collect() {
      try {
        for (Map.Entry<String, Future<Object>> e : running.entrySet()) {
          try {
            packages.put(e.getKey(), e.getValue().get());
          } catch (ExecutionException failed) {
            // fetch downloads it again
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.clear();
        stop();
      }
    }

    void stop() {
      if (pool != null) {
        pool.shutdownNow();
        pool = null;
      }
    }

    /** The package, or a lowercase reason why there is none. */
    private Object fetch(ArtifactRef chart, String version) {
      return packages.computeIfAbsent(chart + " " + version, k -> download(chart, version));
    }

    private Object download(ArtifactRef chart, String version) {
      RegistrySource source = pipeline.sourceFor(chart);
      if (!(source instanceof ChartInspector)) {
        return source.getClass().getSimpleName() + " cannot download chart packages";
      }
      try {
        Optional<ChartArchive> archive =
            ((ChartInspector) source).archiveOf(chart, chart.registryTag(version), maxPackageBytes);
        if (archive.isEmpty()) {
          return "version " + version + " of " + chart + " was not found";
        }
        String digest = archive.get().digest();
        Optional<ChartPackage> kept = summaries.flatMap(s -> s.get(digest));
        if (kept.isPresent()) {
          return kept.get();
        }
        byte[] bytes = archive.get().bytes();
        ChartPackage read = ChartPackage.read(bytes);
        // kept under the digest only when it is the digest of these bytes: a source that names
        // its packages wrongly must not decide what later reviews of that digest see
        if (summaries.isPresent() && ChartArchive.sha256(bytes).equals(digest)) {
          summaries.get().put(digest, read);
        }
        return read;
      } catch (ChartException e) {
        return chart + ":" + version + " is not a readable chart: " + e.getMessage();
      } catch (UpkeepException | UnsupportedOperationException e) {
        return Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
      }
    }
  }

  private static List<ChartReview.Warning> removedKeys(
      ReleaseValues.Release release, ChartPackage old, ChartPackage now) {
    List<ChartReview.Warning> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (ReleaseValues.Source source : release.sources()) {
      for (Values.Leaf leaf : source.values().leaves().values()) {
        Optional<List<String>> known = old.defaults().deepestKnown(leaf.path());
        if (known.isEmpty() || now.defaults().has(known.get())) {
          continue;
        }
        String key = Values.key(leaf.path());
        if (!seen.add(source.file() + ":" + leaf.line() + ":" + key)) {
          continue;
        }
        List<String> gone = known.get();
        Optional<String> renamed = rename(gone, leaf.path(), old.defaults(), now.defaults());
        String what = now.name() + " " + now.version();
        String message =
            gone.size() == leaf.path().size()
                ? "sets " + key + ", which " + what + " no longer has"
                : "sets " + key + ", but " + what + " no longer has " + Values.key(gone);
        message += renamed.map(r -> "; renamed to " + r + "?").orElse("");
        out.add(
            new ChartReview.Warning(
                ChartReview.Kind.REMOVED_KEY, source.file(), leaf.line(), key, renamed, message));
      }
    }
    return out;
  }

  /** A key new at the same place with a name like the one that went, as {@code path} would be. */
  private static Optional<String> rename(
      List<String> gone, List<String> path, Values old, Values now) {
    List<String> parent = gone.subList(0, gone.size() - 1);
    String name = gone.get(gone.size() - 1);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : now.childrenOf(parent)) {
      if (old.childrenOf(parent).contains(candidate)) {
        continue;
      }
      int d = Values.distance(name, candidate);
      boolean similar =
          d <= Math.max(1, name.length() / 3)
              || candidate
                  .toLowerCase(java.util.Locale.ROOT)
                  .contains(name.toLowerCase(java.util.Locale.ROOT));
      if (similar && d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    List<String> renamed = new ArrayList<>(parent);
    renamed.add(best);
    renamed.addAll(path.subList(gone.size(), path.size()));
    return Optional.of(Values.key(renamed));
  }

  private static List<ChartReview.Warning> schemaViolations(
      ReleaseValues.Release release, ChartPackage now) {
    if (now.schema().isEmpty()) {
      return List.of();
    }
    // Flux merges the release's values first, then Helm coalesces the chart's defaults under them
    Object user = null;
    for (ReleaseValues.Source s : release.sources()) {
      user = overlay(user, s.object());
    }
    Object merged =
        user == null ? now.defaultsObject() : coalesce(user, now.defaultsObject(), true);
    List<ValuesSchema.Violation> violations;
    try {
      violations = ValuesSchema.validate(now.schema().get(), merged);
    } catch (ChartException e) {
      return List.of(
          new ChartReview.Warning(
              ChartReview.Kind.SCHEMA,
              "",
              0,
              "values.schema.json",
              Optional.empty(),
              "cannot check the values against " + now + ": " + e.getMessage()));
    }
    List<ChartReview.Warning> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (ValuesSchema.Violation v : violations) {
      String key = v.path().isEmpty() ? "(values)" : Values.key(v.path());
      if (!seen.add(key + " " + v.message())) {
        continue;
      }
      String file = "";
      int line = 0;
      boolean secret = false;
      for (ReleaseValues.Source s : release.sources()) {
        for (Values.Leaf leaf : s.values().leaves().values()) {
          if (isPrefix(leaf.path(), v.path()) || isPrefix(v.path(), leaf.path())) {
            file = s.file();
            line = leaf.line();
            secret = s.secret();
          }
        }
      }
      // The validator's words may quote the value; a value from a Secret is never quoted.
      String why =
          secret
              ? "fails its \"" + v.keyword() + "\" rule (the value comes from a Secret)"
              : v.message();
      out.add(
          new ChartReview.Warning(
              ChartReview.Kind.SCHEMA,
              file,
              line,
              key,
              Optional.empty(),
              (file.isEmpty() ? "the chart's own default " : "")
                  + key
                  + " does not validate against the values.schema.json of "
                  + now.name()
                  + " "
                  + now.version()
                  + ": "
                  + why));
    }
    return out;
  }

  private static boolean isPrefix(List<String> prefix, List<String> path) {
    return !prefix.isEmpty()
        && prefix.size() <= path.size()
        && path.subList(0, prefix.size()).equals(prefix);
  }

  /**
   * Flux's merge of one values source over the ones before (chartutil.MergeMaps): maps merge key by
   * key, anything else, null too, replaces.
   */
  @SuppressWarnings("unchecked")
  static Object overlay(Object base, Object override) {
    if (!(override instanceof Map)) {
      return base;
    }
    Map<Object, Object> out =
        base instanceof Map
            ? new java.util.LinkedHashMap<>((Map<Object, Object>) base)
            : new java.util.LinkedHashMap<>();
    ((Map<Object, Object>) override)
        .forEach(
            (k, v) ->
                out.put(
                    k, v instanceof Map && out.get(k) instanceof Map ? overlay(out.get(k), v) : v));
    return out;
  }

  /**
   * Helm's coalescing of a chart's {@code defaults} under the {@code user} values (chartutil
   * coalesce.go): maps merge key by key and the user's value wins; a user null deletes the key when
   * the chart has a default for it (at the top, any default, null too), else stays null.
   */
  @SuppressWarnings("unchecked")
  static Object coalesce(Object user, Object defaults, boolean top) {
    if (!(user instanceof Map) || !(defaults instanceof Map)) {
      return user;
    }
    Map<Object, Object> out = new java.util.LinkedHashMap<>((Map<Object, Object>) user);
    ((Map<Object, Object>) defaults)
        .forEach(
            (k, d) -> {
              if (!out.containsKey(k)) {
                out.put(k, d);
              } else if (out.get(k) == null) {
                if (top || d != null) {
                  out.remove(k);
                }
              } else if (out.get(k) instanceof Map && d instanceof Map) {
                out.put(k, coalesce(out.get(k), d, false));
              }
            });
    return out;
  }
}
