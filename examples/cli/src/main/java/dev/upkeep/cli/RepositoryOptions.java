package dev.upkeep.cli;

import dev.upkeep.internal.cache.CacheDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command shares: which repository, which registries, which output. */
final class RepositoryOptions {

  /** Output formats. */
  enum Format {
    text,
    json,
    markdown
  }

  @Option(
      names = "--repo",
      defaultValue = ".",
      description = "The repository: a local path or a Git URL (default: ${DEFAULT-VALUE}).")
  String repo;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--insecure-registry",
      description = "A registry host that may be reached over plain HTTP (repeatable).")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--docker-config",
      description =
          "A Docker config.json with registry credentials (default: ~/.docker/config.json).")
  Path dockerConfig;

  @Option(
      names = "--secret",
      description =
          "NAME=FILE: the Docker config (a secret's .dockerconfigjson) for a Flux secretRef NAME"
              + " (repeatable).")
  Map<String, Path> secrets = new LinkedHashMap<>();

  @Option(
      names = "--automation",
      description = "The ImageUpdateAutomation to use, as namespace:name (default: the only one).")
  String automation;

  @Option(
      names = "--path",
      description = "Only patch files under this path (default: the automation's update.path).")
  String path;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      description = "Registry requests at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--chart-review",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Compare the old and new package of every chart version that moves: values, CRDs,"
              + " Chart.yaml, schema, and the values keys this repository sets (default: on).")
  boolean chartReview;

  @Option(
      names = "--cache",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Keep downloaded chart packages and what the chart review read of them (by digest),"
              + " and Helm repository indexes (revalidated with their server each run), in"
              + " --cache-dir, for later runs and the other repositories of a fleet (default: on).")
  boolean cache;

  @Option(
      names = "--cache-dir",
      description =
          "Where downloaded chart packages (at most 512 MiB), the chart review's summaries of"
              + " them (at most 256 MiB) and Helm repository indexes are kept (default:"
              + " $XDG_CACHE_HOME/upkeep, else ~/.cache/upkeep).")
  Path cacheDir;

  @Option(
      names = "--work-dir",
      description =
          "Where to keep the clone of a remote repository (default: a temporary directory).")
  Path workDir;

  /**
   * The directory chart packages are kept in: {@code --cache-dir}, else {@code upkeep} in {@code
   * $XDG_CACHE_HOME} (when absolute, as the XDG specification requires) or in {@code $HOME/.cache}
   * (else the JVM's {@code user.home}); empty with {@code --no-cache} or when there is no home
   * directory to put it in.
   */
  Optional<Path> packageCache() {
    return packageCache(cache, cacheDir, System.getenv(), System.getProperty("user.home", ""));
  }

  /** {@link #packageCache()} for these options, environment and {@code user.home}. */
  static Optional<Path> packageCache(
      boolean cache, Path cacheDir, Map<String, String> env, String userHome) {
    if (!cache) {
      return Optional.empty();
    }
    if (cacheDir != null) {
      return Optional.of(cacheDir.toAbsolutePath().resolve("charts"));
    }
    return CacheDirectory.userCacheHome(env, userHome)
        .map(h -> h.resolve("upkeep").resolve("charts"));
  }

  /**
   * These options for one repository of a fleet: its URL, automation and work directory, a JSON
   * report, and every other option as given (the chart review, the cache, the registries).
   */
  RepositoryOptions forRepository(String repo, String automation, Path workDir) {
    RepositoryOptions o = new RepositoryOptions();
    o.repo = repo;
    o.automation = automation;
    o.workDir = workDir;
    o.format = Format.json;
    o.insecureRegistries = insecureRegistries;
    o.dockerConfig = dockerConfig;
    o.secrets = secrets;
    o.path = path;
    o.concurrency = concurrency;
    o.chartReview = chartReview;
    o.cache = cache;
    o.cacheDir = cacheDir;
    return o;
  }

  /** Whether {@link #repo} names a remote rather than a local directory. */
  boolean isRemote() {
    return isRemote(repo);
  }

  /** Whether {@code repo} is a Git URL (scheme or scp-like {@code user@host:path}), not a path. */
  static boolean isRemote(String repo) {
    // a path without an '@' spares the pattern (compiling it is a tenth of a command's start-up)
    return repo.contains("://") || (repo.indexOf('@') > 0 && repo.matches("[^/]+@[^/:]+:.*"));
  }
}
