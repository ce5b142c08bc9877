package dev.upkeep.examples.bench.cli;

import dev.upkeep.cli.Logging;
import dev.upkeep.internal.cache.CacheDirectory;
import dev.upkeep.internal.cache.PackageCache;
import dev.upkeep.testing.FakeOciRegistry;
import dev.upkeep.testing.GitRemoteFixture;
import dev.upkeep.testing.git.GitCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The command line against the machine's floor, each measured in the same run: {@code upkeep plan}
 * on a local repository of 10,000 and 30,000 manifests (1% marked) beside a JVM that starts and
 * reads every byte of the same files, and {@code upkeep run} against a bare remote beside a JVM
 * start plus the {@code git} CLI cloning, editing the same files, committing and pushing. Prints
 * each ratio and the cost of each added file beside the cost of reading it, and Renovate's time on
 * the same repository where it is installed ({@code renovate} on the {@code PATH}, or {@code
 * RENOVATE=/path/to/renovate}).
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package
 * java -cp "examples/target/upkeep-examples.jar:examples/target/lib/*" \
 *     dev.upkeep.examples.bench.cli.CliFloorBenchmark [small=10000] [large=30000] [rounds=5]
 * </pre>
 *
 * <p>The CLI is {@code examples/cli/target/upkeep.jar} (override with {@code -Dupkeep.jar=...}),
 * started the way a user starts it: through {@code examples/cli/target/upkeep}, the launcher script
 * that uses the class-data sharing archive when it is there.
 */
public final class CliFloorBenchmark {
  private static final int ARTIFACTS = 20;

  private CliFloorBenchmark() {}

  /** Runs the benchmark and prints the figures. */
  public static void main(String[] args) throws Exception {
    Logging.configure(false);
    int small = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int large = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path jar = Path.of(System.getProperty("upkeep.jar", "examples/cli/target/upkeep.jar"));
    Path launcher = jar.resolveSibling("upkeep");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing; build with ./mvnw -B -q -DskipTests package");
    }
    List<String> upkeep =
        Files.isExecutable(launcher)
            ? List.of(launcher.toString())
            : List.of(java(), "-jar", jar.toString());
    Path work = Files.createTempDirectory("upkeep-cli-floor");
    try (FakeOciRegistry registry = FakeOciRegistry.start()) {
      for (int a = 0; a < ARTIFACTS; a++) {
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0", "1.2.5", "2.0.0")) {
          registry.pushChart("charts/app" + a, v);
        }
      }
      Path floorClasses = FloorProgram.compile(Files.createDirectory(work.resolve("floor")));
      measure(work, small, large, rounds, upkeep, floorClasses, registry);
    } finally {
      // forty thousand files and more, never left behind
      GitCli.deleteTree(work);
    }
  }

  private static void measure(
      Path work,
      int small,
      int large,
      int rounds,
      List<String> upkeep,
      Path floorClasses,
      FakeOciRegistry registry)
      throws IOException {
    Path smallRepo = generate(work.resolve("small"), small, registry);
    Path largeRepo = generate(work.resolve("large"), large, registry);
    List<String> floor =
        List.of(java(), "-Xshare:auto", "-cp", floorClasses.toString(), "FloorProgram");
    if (Boolean.getBoolean("bench.hold")) {
      // for profiling by hand: keep the registry up until stdin closes (-Dbench.latencyMs=50 for
      // a registry as far away as a real one)
      registry.latency(Duration.ofMillis(Long.getLong("bench.latencyMs", 0)));
      System.out.println("repositories: " + smallRepo + " " + largeRepo);
      System.out.println("floor: " + String.join(" ", floor) + " DIR");
      System.in.read();
      return;
    }

    System.out.printf(
        Locale.ROOT,
        "upkeep plan / run against the floor, median of %d rounds (%d cores)%n%n",
        rounds,
        Runtime.getRuntime().availableProcessors());
    long[] jvm =
        medians(
            rounds,
            () ->
                exec(
                    List.of(
                        java(),
                        "-Xshare:auto",
                        "-cp",
                        floorClasses.toString(),
                        "FloorProgram",
                        "--none")))[0];
    System.out.printf(
        Locale.ROOT, "%-30s %6d ms (cpu %d ms)%n", "JVM start (hello world)", jvm[0], jvm[1]);
    System.out.printf(
        Locale.ROOT,
        "%-30s %16s %16s %13s%n",
        "",
        "upkeep wall/cpu",
        "floor wall/cpu",
        "ratio wall/cpu");

    long[][] plan = new long[2][];
    long[][] read = new long[2][];
    Path[] repos = {smallRepo, largeRepo};
    int[] sizes = {small, large};
    for (int i = 0; i < 2; i++) {
      Path repo = repos[i];
      List<String> planCmd = new ArrayList<>(upkeep);
      planCmd.addAll(List.of("plan", "--repo", repo.toString(), "--format", "json"));
      exec(planCmd); // warm the page cache and write the CDS archive once
      // The chart review's share (10,000 files only): its manifest requests and cold code come
      // after the walk, on the plan's critical path, so this row says how much of the ratio it is.
      List<String> bareCmd = new ArrayList<>(planCmd);
      bareCmd.add("--no-chart-review");
      // Floor and plan take turns within each round, so a machine whose speed drifts during the
      // run (a shared VM's does, by a quarter within minutes) moves both medians alike.
      Timed floorRead = () -> exec(concat(floor, repo.toString()));
      long[][] timed =
          i == 0
              ? medians(rounds, floorRead, () -> exec(planCmd), () -> exec(bareCmd))
              : medians(rounds, floorRead, () -> exec(planCmd));
      read[i] = timed[0];
      plan[i] = timed[1];
      row(String.format(Locale.ROOT, "plan, %,d files", sizes[i]), plan[i], read[i], "ms");
      if (i == 0) {
        row("  without the chart review", timed[2], read[i], "ms");
      }
    }
    long[] perFilePlan = new long[2];
    long[] perFileRead = new long[2];
    for (int k = 0; k < 2; k++) {
      perFilePlan[k] = (plan[1][k] - plan[0][k]) * 1000 / (large - small);
      perFileRead[k] = (read[1][k] - read[0][k]) * 1000 / (large - small);
    }
    row("plan, each added file", perFilePlan, perFileRead, "µs");

    runFigures(rounds, upkeep, floor, small, registry, work);
    renovate(small, registry, work);
  }

  private static void runFigures(
      int rounds,
      List<String> upkeep,
      List<String> floor,
      int files,
      FakeOciRegistry registry,
      Path work)
      throws IOException {
    long[] runMs = new long[rounds];
    long[] runCpu = new long[rounds];
    long[] floorMs = new long[rounds];
    long[] floorCpu = new long[rounds];
    // Round -1 is not counted: the first run of a command adds its classes to the launcher's
    // class-data sharing archive, as plan's first run did above.
    for (int r = -1; r < rounds; r++) {
      try (GitRemoteFixture remote = GitRemoteFixture.create()) {
        remote.seed(tree(files, registry));
        Path clone = Files.createTempDirectory(work, "cli");
        long cpu = childCpuMs();
        long start = System.nanoTime();
        exec(concat(floor, "--none"));
        git(work, "clone", "-q", "--depth", "1", remote.url(), clone.toString());
        for (Map.Entry<String, String> e : changed(files, registry).entrySet()) {
          Files.writeString(clone.resolve(e.getKey()), e.getValue());
        }
        git(clone, "add", "-A");
        git(clone, "-c", "user.name=Bench", "-c", "user.email=b@example.com", "commit", "-qm", "x");
        git(clone, "push", "-q", "origin", "HEAD:refs/heads/develop-cli");
        long floorWall = (System.nanoTime() - start) / 1_000_000;
        long floorCpuMs = childCpuMs() - cpu;

        List<String> runCmd = new ArrayList<>(upkeep);
        runCmd.addAll(
            List.of(
                "run",
                "--repo",
                remote.url(),
                "--base",
                "main",
                "--push-branch",
                "develop",
                "--format",
                "json"));
        cpu = childCpuMs();
        // Its temporary clone beside the floor's: where in the file system a directory lands
        // decides what creating files in it costs on some machines (from 0.15 to 2.5 s for
        // 10,000), so both clones are made under the same parent.
        long runWall =
            exec(
                runCmd,
                Path.of("."),
                Map.of("UPKEEP_JAVA_OPTS", "-Djava.io.tmpdir=" + work.toAbsolutePath()));
        if (r >= 0) {
          runMs[r] = runWall;
          runCpu[r] = childCpuMs() - cpu;
          floorMs[r] = floorWall;
          floorCpu[r] = floorCpuMs;
        }
      }
    }
    for (long[] a : List.of(runMs, runCpu, floorMs, floorCpu)) {
      Arrays.sort(a);
    }
    int m = rounds / 2;
    row(
        String.format(Locale.ROOT, "run, %,d files (%d changed)", files, files / 100),
        new long[] {runMs[m], runCpu[m]},
        new long[] {floorMs[m], floorCpu[m]},
        "ms");
    System.out.println(
        "(floors: plan = JVM start + read every byte; run = JVM start + git clone/commit/push)");
  }

  /** One line: upkeep's wall and CPU time, the floor's, and both ratios. */
  private static void row(String what, long[] upkeep, long[] floor, String unit) {
    System.out.printf(
        Locale.ROOT,
        "%-30s %7d/%-5d %2s %7d/%-5d %2s %6.2fx/%.2fx%n",
        what,
        upkeep[0],
        upkeep[1],
        unit,
        floor[0],
        floor[1],
        unit,
        upkeep[0] / (double) Math.max(1, floor[0]),
        upkeep[1] / (double) Math.max(1, floor[1]));
  }

  /**
   * Renovate's time on the same repository, written again as a Git repository (its local platform
   * reads one), offline against the same registry: {@code --platform=local --dry-run=lookup}, the
   * registry marked insecure, its {@code flux} and {@code kubernetes} managers reading every YAML
   * file.
   */
  private static void renovate(int files, FakeOciRegistry registry, Path work) throws IOException {
    String renovate = renovateCommand();
    if (renovate == null) {
      System.out.printf(
          Locale.ROOT,
          "%-44s %8s      (%s)%n",
          "Renovate",
          "-",
          "off".equals(System.getenv("RENOVATE"))
              ? "left out: RENOVATE=off"
              : "needs Node and npm, renovate on the PATH, or RENOVATE=/path/to/renovate");
      return;
    }
    Path copy = generate(work.resolve("renovate"), files, registry);
    git(copy, "init", "-q", "-b", "main");
    git(copy, "add", "-A");
    git(copy, "-c", "user.name=Bench", "-c", "user.email=b@example.com", "commit", "-qm", "seed");
    Path config = work.resolve("renovate.json");
    Files.writeString(
        config,
        "{\"onboarding\": false, \"requireConfig\": \"optional\",\n"
            + " \"hostRules\": [{\"matchHost\": \""
            + registry.host()
            + "\", \"insecureRegistry\": true}],\n"
            + " \"flux\": {\"fileMatch\": [\"\\\\.ya?ml$\"]},\n"
            + " \"kubernetes\": {\"fileMatch\": [\"\\\\.ya?ml$\"]}}\n");
    long ms =
        exec(
            List.of(renovate, "--platform=local", "--dry-run=lookup"),
            copy,
            Map.of("LOG_LEVEL", "warn", "RENOVATE_CONFIG_FILE", config.toString()));
    System.out.printf(
        Locale.ROOT, "%-44s %8d ms%n", String.format("Renovate, %,d files", files), ms);
  }

  /** The newest Renovate that runs on Node 20. */
  private static final String RENOVATE_VERSION = "39.264.1";

  /**
   * Renovate: {@code RENOVATE} ({@code off} skips it), else {@code renovate} on the {@code PATH},
   * else, where Node and npm are, the pinned version installed once with {@code npm ci} into {@code
   * $XDG_CACHE_HOME/upkeep} (about 340 MB and a minute): its whole dependency tree is the one the
   * {@code renovate/package-lock.json} beside this class names, with each package's integrity hash,
   * so a later day's npm registry installs the same Renovate. Its install scripts are skipped, so
   * RE2's native module is not built and Renovate falls back to JavaScript's RegExp. Null when
   * none.
   */
  private static String renovateCommand() {
    String env = System.getenv("RENOVATE");
    if (env != null && !env.isBlank()) {
      return env.equals("off") ? null : env;
    }
    String found = onPath("renovate");
    String npm = onPath("npm");
    if (found != null || npm == null || onPath("node") == null) {
      return found;
    }
    Optional<Path> home =
        CacheDirectory.userCacheHome(System.getenv(), System.getProperty("user.home", ""));
    if (home.isEmpty()) {
      return null;
    }
    byte[] manifest = resource("renovate/package.json");
    byte[] lock = resource("renovate/package-lock.json");
    Path cache = home.get();
    // a new lock file installs beside the old tree, not over it
    String tree = PackageCache.sha256(lock).substring("sha256:".length(), "sha256:".length() + 12);
    Path dir = cache.resolve("upkeep").resolve("renovate-" + RENOVATE_VERSION + "-" + tree);
    Path bin = dir.resolve("node_modules").resolve(".bin").resolve("renovate");
    if (!Files.isExecutable(bin)) {
      System.out.printf(
          Locale.ROOT,
          "(installing renovate@%s with npm into %s, once; RENOVATE=off skips Renovate)%n",
          RENOVATE_VERSION,
          dir);
      Path partial = null;
      try {
        // installed beside, then renamed into place: a run stopped halfway, or two at once,
        // leave no half-installed Renovate behind to be taken for a whole one
        Files.createDirectories(dir.getParent());
        partial = Files.createTempDirectory(dir.getParent(), ".renovate-");
        Files.write(partial.resolve("package.json"), manifest);
        Files.write(partial.resolve("package-lock.json"), lock);
        exec(
            List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts"),
            partial,
            Map.of());
        if (!Files.isExecutable(bin)) {
          Files.move(partial, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          partial = null;
        }
      } catch (IOException | RuntimeException e) {
        System.out.println("(could not install Renovate: " + e.getMessage() + ")");
        return null;
      } finally {
        if (partial != null) {
          GitCli.deleteTree(partial);
        }
      }
    }
    return Files.isExecutable(bin) ? bin.toString() : null;
  }

  /** A resource beside this class. */
  private static byte[] resource(String name) {
    try (java.io.InputStream in = CliFloorBenchmark.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing beside " + CliFloorBenchmark.class);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The executable {@code name} on the {@code PATH}, or null. */
  private static String onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  /** A repository of {@code files} manifests, 1% with a marked HelmRelease, and its policies. */
  static Path generate(Path dir, int files, FakeOciRegistry registry) throws IOException {
    for (Map.Entry<String, String> e : tree(files, registry).entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    return dir;
  }

  private static Map<String, String> tree(int files, FakeOciRegistry registry) {
    Map<String, String> tree = new LinkedHashMap<>();
    StringBuilder policies = new StringBuilder();
    for (int a = 0; a < ARTIFACTS; a++) {
      policies
          .append("apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\n")
          .append("metadata:\n  name: app")
          .append(a)
          .append("\n  namespace: flux-system\nspec:\n  image: ")
          .append(registry.host())
          .append("/charts/app")
          .append(a)
          .append("\n  insecure: true\n---\n")
          .append("apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\n")
          .append("metadata:\n  name: app")
          .append(a)
          .append("\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: app")
          .append(a)
          .append("\n  policy:\n    semver:\n      range: 1.x\n---\n");
    }
    tree.put("flux-system/policies.yaml", policies.toString());
    for (int f = 0; f < files; f++) {
      tree.put(path(f), manifest(f, files, "1.0.0"));
    }
    return tree;
  }

  private static Map<String, String> changed(int files, FakeOciRegistry registry) {
    Map<String, String> changed = new LinkedHashMap<>();
    for (int f = 0; f < files; f++) {
      if (marked(f, files)) {
        changed.put(path(f), manifest(f, files, "1.2.5"));
      }
    }
    return changed;
  }

  private static boolean marked(int f, int files) {
    return f % 100 == 0;
  }

  private static String path(int f) {
    return "apps/team" + (f % 50) + "/svc" + f + ".yaml";
  }

  private static String manifest(int f, int files, String version) {
    if (marked(f, files)) {
      return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: svc"
          + f
          + "\nspec:\n  chart:\n    spec:\n      chart: app\n      version: "
          + version
          + " # {\"$imagepolicy\": \"flux-system:app"
          + (f / 100 % ARTIFACTS)
          + ":tag\"}\n";
    }
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm"
        + f
        + "\ndata:\n  key: value"
        + f
        + "\n  other: |\n    some text that is not a marker, line one\n    line two\n";
  }

  private interface Timed {
    long ms();
  }

  /**
   * The median wall time and the median CPU time (user + system, -1 when unknown) of each of {@code
   * timed}, run in turns, one of each per round.
   */
  private static long[][] medians(int rounds, Timed... timed) {
    long[][] ms = new long[timed.length][rounds];
    long[][] cpu = new long[timed.length][rounds];
    for (int i = 0; i < rounds; i++) {
      for (int k = 0; k < timed.length; k++) {
        long before = childCpuMs();
        ms[k][i] = timed[k].ms();
        cpu[k][i] = before < 0 ? -1 : childCpuMs() - before;
      }
    }
    long[][] out = new long[timed.length][];
    for (int k = 0; k < timed.length; k++) {
      Arrays.sort(ms[k]);
      Arrays.sort(cpu[k]);
      out[k] = new long[] {ms[k][rounds / 2], cpu[k][rounds / 2]};
    }
    return out;
  }

  /**
   * The CPU time of this process's finished children (Linux: cutime + cstime of /proc/self/stat, in
   * clock ticks of 10 ms), or -1 elsewhere. CPU time says more than wall time on a loaded machine.
   */
  private static long childCpuMs() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 16 and 17 of stat(5), counted from the state field (3)
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> all = new ArrayList<>(a);
    all.add(b);
    return all;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    exec(cmd, dir, Map.of());
  }

  private static long exec(List<String> cmd) {
    return exec(cmd, Path.of("."), Map.of());
  }

  private static long exec(List<String> cmd, Path dir, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
      pb.environment().putAll(env);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.redirectError(ProcessBuilder.Redirect.PIPE);
      long start = System.nanoTime();
      Process p = pb.start();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      int code = p.exitValue();
      if (code != 0 && code != 3) {
        throw new IllegalStateException(
            cmd + " exited " + code + ": " + new String(err, StandardCharsets.UTF_8));
      }
      return ms;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The floor program: a JVM that starts and reads every byte under a directory. */
  static final class FloorProgram {
    private static final String SOURCE =
        "import java.nio.file.*; import java.util.stream.*;\n"
            + "public class FloorProgram {\n"
            + "  public static void main(String[] a) throws Exception {\n"
            + "    if (a[0].equals(\"--none\")) return;\n"
            + "    long n = 0;\n"
            + "    try (Stream<Path> s = Files.walk(Path.of(a[0]))) {\n"
            + "      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator)"
            + " n += Files.readAllBytes(p).length;\n"
            + "    }\n"
            + "    System.out.println(n);\n"
            + "  }\n"
            + "}\n";

    static Path compile(Path dir) throws IOException {
      Path src = dir.resolve("FloorProgram.java");
      Files.writeString(src, SOURCE);
      int code =
          javax.tools.ToolProvider.getSystemJavaCompiler()
              .run(null, null, null, "-d", dir.toString(), src.toString());
      if (code != 0) {
        throw new IllegalStateException("cannot compile the floor program");
      }
      return dir;
    }
  }
}
