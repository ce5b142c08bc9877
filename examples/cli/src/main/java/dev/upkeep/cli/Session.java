package dev.upkeep.cli;

import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.Finding;
import dev.upkeep.PolicyReport;
import dev.upkeep.Redaction;
import dev.upkeep.UpdateListener;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.flux.FluxObjects;
import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.files.ManifestWalk;
import dev.upkeep.patch.yaml.InlineMarkers;
import dev.upkeep.patch.yaml.InlinePolicy;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.policy.semver.SemverPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.review.helm.HelmChartReviewer;
import dev.upkeep.source.RegistrySource;
import dev.upkeep.source.helm.HelmRepositorySource;
import dev.upkeep.source.oci.OciRegistrySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/** What a command needs from the repository: its Flux objects, inline policies and a pipeline. */
final class Session implements AutoCloseable {

  /**
   * The policies and automations a repository describes, and what the one read of its files found
   * ({@code root} is where it was read).
   */
  record Loaded(
      FluxAutomation flux, List<InlinePolicy> inline, Path root, ManifestWalk.Screen screen) {}

  /**
   * What a file must hold to matter to a command: a patcher's marker or a Flux object. The load
   * decodes only such files, and a clone leaves the other manifests out of its work tree.
   */
  static final List<String> TOKENS = tokens();

  private static List<String> tokens() {
    List<String> tokens = new ArrayList<>(SetterPatcher.TOKENS);
    tokens.add(FluxObjects.TOKEN);
    return List.copyOf(tokens);
  }

  final RepositoryOptions options;
  final PrintWriter out;
  final PrintWriter err;

  /** The work directory: {@code --work-dir}, else a temporary one made on first use. */
  private Path workDir;

  private final boolean ownWorkDir;

  /** Publishers (and whatever else) to close with the session: their SSH clients, their clones. */
  private final Set<AutoCloseable> owned = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Wraps the registry source; {@code fleet} shares one tag cache across repositories. */
  UnaryOperator<RegistrySource> sources = UnaryOperator.identity();

  Session(RepositoryOptions options, PrintWriter out, PrintWriter err) {
    warmUpTls();
    this.options = options;
    this.out = out;
    this.err = err;
    this.ownWorkDir = options.workDir == null;
    // A local plan never clones: no temporary directory (seeding its random name costs ~10 ms).
    this.workDir = ownWorkDir ? null : options.workDir.toAbsolutePath();
  }

  /**
   * Sets up TLS (providers, the trust store: a few hundred milliseconds of CPU) on a daemon thread
   * while the command reads the repository, so that the registry calls after it do not wait for it.
   */
  private static void warmUpTls() {
    if (Runtime.getRuntime().availableProcessors() <= 2) {
      // No spare core: reading the files takes both, and a run whose registries all speak plain
      // HTTP never needs the trust store; an HTTPS call sets it up when it comes.
      return;
    }
    Thread warm =
        new Thread(
            () -> {
              try {
                SSLContext.getDefault();
              } catch (GeneralSecurityException e) {
                // the transport meets the same failure and reports it
              }
            },
            "upkeep-tls-warm-up");
    warm.setDaemon(true);
    warm.start();
  }

  /** The directory a remote repository is cloned into. */
  synchronized Path cloneDirectory() {
    if (workDir == null) {
      try {
        workDir = Files.createTempDirectory("upkeep-cli");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a work directory", e);
      }
    }
    return workDir.resolve("clone");
  }

  /** The local repository directory, for commands that need one. */
  Path localRepository() {
    if (options.isRemote()) {
      throw new ConfigurationException(
          "this command needs a local checkout; --repo \""
              + Redaction.redact(options.repo)
              + "\" is a URL");
    }
    Path dir = Path.of(options.repo).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new ConfigurationException("--repo \"" + options.repo + "\" is not a directory");
    }
    return dir;
  }

  /** Closes {@code part} with this session when it can be closed; returns it. */
  <T> T own(T part) {
    if (part instanceof AutoCloseable) {
      owned.add((AutoCloseable) part);
    }
    return part;
  }

  /** Reads Flux objects and inline markers from the tree {@code publisher} checks out. */
  Loaded load(GitPublisher publisher) {
    return own(publisher).inspect(Session::load);
  }

  /**
   * Reads Flux objects and inline markers from the files under {@code root}, or takes what {@link
   * Prefetch} read there already.
   */
  static Loaded load(Path root) {
    return Prefetch.take(root).orElseGet(() -> read(root));
  }

  /** Reads Flux objects and inline markers from the files under {@code root}. */
  static Loaded read(Path root) {
    return read(root, true);
  }

  /**
   * Reads Flux objects and inline markers from the files under {@code root}; without {@code stamps}
   * when the caller will not ask which files changed since ({@link #rescreened} then walks the
   * whole tree).
   */
  static Loaded read(Path root, boolean stamps) {
    // One read of each file; only those that may hold a Flux object or a marker are decoded.
    ManifestWalk walk = ManifestWalk.create();
    ManifestWalk.Screen screen =
        stamps ? walk.screen(root, TOKENS) : walk.screenUnstamped(root, TOKENS);
    return new Loaded(
        FluxAutomation.from(FluxObjects.forAutomation(root, screen.texts())),
        InlineMarkers.scan(screen.texts()),
        root,
        screen);
  }

  /**
   * The files a dry run of the pipeline must read under the update path of {@code root}, taken from
   * the load's screen of the same tree: those holding a patcher's marker and those the screen could
   * not judge (the pipeline reports them). Under any other root, the full walk.
   */
  static ManifestFiles screened(Loaded loaded, String updatePath) {
    ManifestWalk walk = ManifestWalk.builder().path(updatePath).build();
    Path under = Path.of(updatePath).normalize();
    if (needsEveryFile(loaded)) {
      return walk;
    }
    List<Path> files = new ArrayList<>(loaded.screen().unjudged());
    for (Map.Entry<Path, String> e : loaded.screen().texts().entrySet()) {
      if (SetterPatcher.TOKENS.stream().anyMatch(e.getValue()::contains)) {
        files.add(e.getKey());
      }
    }
    files.removeIf(f -> !under.toString().isEmpty() && !f.startsWith(under));
    Collections.sort(files);
    return new ManifestFiles() {
      @Override
      public List<Path> list(Path root) {
        return root.equals(loaded.root()) ? files : walk.list(root);
      }

      @Override
      public Optional<String> knownText(Path root, Path file) {
        // read by the screen moments ago: the patch need not read the file again
        return root.equals(loaded.root())
            ? Optional.ofNullable(loaded.screen().texts().get(file))
            : Optional.empty();
      }

      @Override
      public long maxFileBytes() {
        return walk.maxFileBytes();
      }
    };
  }

  /**
   * The files a run of the pipeline must read under the update path of the tree the load screened,
   * which the publisher may have checked out again since: those the screen kept, and any file that
   * is new or changed since (a walk compares each file's size and modification time with what the
   * screen saw). Under any other root, the full walk.
   */
  static ManifestFiles rescreened(Loaded loaded, String updatePath) {
    ManifestWalk walk = ManifestWalk.builder().path(updatePath).build();
    if (needsEveryFile(loaded)) {
      return walk;
    }
    return walk.unchangedSince(loaded.root(), loaded.screen());
  }

  /**
   * Whether a marked file, or a release with a chartRef, names values from elsewhere, which the
   * chart review looks for in every file: then a clone needs its whole work tree.
   */
  static boolean needsEveryFile(Loaded loaded) {
    for (String text : loaded.screen().texts().values()) {
      if (!text.contains("valuesFrom")) {
        continue;
      }
      // Only releases count: a Flux installation's CustomResourceDefinitions describe both fields.
      String releases = FluxObjects.onlyFluxKinds(text);
      if (releases.contains("valuesFrom")
          && (releases.contains("chartRef")
              || SetterPatcher.TOKENS.stream().anyMatch(releases::contains))) {
        // the chart review looks for the ConfigMaps and Secrets it names in every file (a release
        // with a chartRef is reviewed when its OCIRepository's marker moves)
        return true;
      }
    }
    return false;
  }

  /** The automation to follow: {@code --automation}, else the only one, else none. */
  Optional<FluxAutomation.Automation> automation(FluxAutomation flux) {
    List<FluxAutomation.Automation> all = flux.automations();
    if (options.automation != null) {
      return Optional.of(
          all.stream()
              .filter(a -> a.name().equals(options.automation))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ConfigurationException(
                          "no ImageUpdateAutomation \""
                              + options.automation
                              + "\" in the repository; found "
                              + names(all))));
    }
    if (all.size() > 1) {
      throw new ConfigurationException(
          "the repository has several ImageUpdateAutomations; choose one with --automation: "
              + names(all));
    }
    return all.stream().findFirst();
  }

  private static String names(List<FluxAutomation.Automation> all) {
    return all.isEmpty()
        ? "none"
        : all.stream().map(FluxAutomation.Automation::name).collect(Collectors.joining(", "));
  }

  /**
   * A registry source with the insecure hosts of the flags and the Flux objects, keeping chart
   * packages in {@code cache} when there is one.
   */
  OciRegistrySource source(FluxAutomation flux, Optional<Path> cache) {
    OciRegistrySource.Builder b = OciRegistrySource.builder();
    Set<String> insecure = new TreeSet<>(options.insecureRegistries);
    insecure.addAll(flux.insecureRegistries());
    insecure.forEach(b::insecureRegistry);
    if (options.dockerConfig != null) {
      b.dockerConfig(options.dockerConfig);
    }
    cache.ifPresent(b::cache);
    for (String secret : flux.applySecrets(b, options.secrets)) {
      err.println(
          "upkeep: warning: no --secret "
              + secret
              + "=FILE given; registries of that secretRef use the default Docker config");
    }
    return b.build();
  }

  /** The source of charts in classic Helm repositories, keeping packages where the OCI one does. */
  private HelmRepositorySource helmRepositories(Optional<Path> cache) {
    HelmRepositorySource.Builder b = HelmRepositorySource.builder();
    cache.ifPresent(b::cache);
    return b.build();
  }

  /**
   * A pipeline builder with the source, every policy (Flux objects and inline markers), the patcher
   * and the files of the automation's update path.
   */
  UpdatePipeline.Builder pipeline(
      Loaded loaded, Optional<FluxAutomation.Automation> automation, GitPublisher publisher) {
    Optional<Path> cache = options.packageCache();
    UpdatePipeline.Builder b =
        UpdatePipeline.builder()
            .source(own(sources.apply(source(loaded.flux(), cache))))
            // charts of classic Helm repositories, which inline markers (and adopt) name
            .source(own(sources.apply(helmRepositories(cache))))
            .patcher(SetterPatcher.create())
            .publisher(own(publisher))
            .concurrency(options.concurrency);
    if (options.chartReview) {
      HelmChartReviewer reviewer = HelmChartReviewer.create();
      // what each package held, by digest: a chart move reviewed before costs no package read
      b.chartReviewer(cache.map(c -> reviewer.summaries(c.resolve("reviews"))).orElse(reviewer));
    }
    // as Flux: the automation applies the ImagePolicies of its namespace and policySelector
    loaded.flux().configure(b, automation);
    automation.flatMap(a -> loaded.flux().leftOut(a)).ifPresent(f -> err.println("upkeep: " + f));
    Map<String, InlinePolicy> inline = new LinkedHashMap<>();
    loaded.inline().forEach(p -> inline.putIfAbsent(p.name(), p));
    for (InlinePolicy p : inline.values()) {
      b.policy(p.name(), p.artifact(), SemverPolicy.of(p.constraint()));
    }
    // before the error below, which they may explain (an ImagePolicy of an older apiVersion)
    loaded.flux().findings().forEach(f -> err.println("upkeep: " + f));
    if (loaded.flux().policies().isEmpty() && inline.isEmpty()) {
      int skipped = loaded.flux().findings().size();
      throw new ConfigurationException(
          "the repository defines no policy: no ImagePolicy, no OCIRepository with ref.semver,"
              + " and no {\"$upkeep\": ...} marker"
              + (skipped == 0
                  ? ""
                  : " that Upkeep can use (" + skipped + " warning(s) about Flux objects above)"));
    }
    // The walk skips links, binary and huge files, and what .gitignore files exclude; files the
    // load read and found no marker in, unchanged since, are not read again.
    b.files(rescreened(loaded, updatePath(automation)));
    if (System.console() != null) {
      b.listener(progress());
    }
    return b;
  }

  /** The directory the pipeline updates: {@code --path}, else the automation's, else all. */
  String updatePath(Optional<FluxAutomation.Automation> automation) {
    return options.path != null
        ? options.path
        : automation.map(FluxAutomation.Automation::updatePath).orElse(".");
  }

  private UpdateListener progress() {
    return new UpdateListener() {
      @Override
      public void policyResolved(PolicyReport report) {
        synchronized (err) {
          err.println(
              "  "
                  + report.policy()
                  + ": "
                  + report
                      .selection()
                      .map(s -> s.tag())
                      .orElse(report.status().name().toLowerCase(java.util.Locale.ROOT)));
          err.flush();
        }
      }

      @Override
      public void filePatched(FileReport file) {
        synchronized (err) {
          err.println("  patched " + file.file());
          err.flush();
        }
      }
    };
  }

  /** Prints {@code report} in the chosen format; text shows a table and the diffs. */
  void print(UpdateReport report) {
    switch (options.format) {
      case json:
        out.print(report.toJson());
        break;
      case markdown:
        out.print(report.toMarkdown());
        break;
      default:
        out.print(report.toText());
        if (report.changed()) {
          out.println();
          // the diffs pass the redaction the report's own text does, as in JSON and Markdown
          report.files().forEach(f -> out.print(Redaction.redact(f.diff())));
        }
    }
    out.flush();
    for (Finding f : report.findings()) {
      if (options.format != RepositoryOptions.Format.text) {
        err.println("upkeep: " + f);
      }
    }
  }

  @Override
  public void close() {
    for (AutoCloseable part : owned) {
      try {
        part.close();
      } catch (Exception e) {
        err.println("upkeep: warning: " + e.getMessage());
      }
    }
    Path dir;
    synchronized (this) {
      dir = workDir;
    }
    if (!ownWorkDir || dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
