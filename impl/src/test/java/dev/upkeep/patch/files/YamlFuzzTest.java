package dev.upkeep.patch.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import dev.upkeep.PolicyOptions;
import dev.upkeep.UpdatePipeline;
import dev.upkeep.UpdateReport;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.PatchException;
import dev.upkeep.patch.yaml.SetterPatcher;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds mutated YAML — the golden cases and generated manifests, truncated, with random bytes,
 * tabs, CRLF and byte order marks mixed in, anchors, deep nesting, huge scalars, duplicated and
 * dropped lines — through the patcher and through a pipeline's write stage on a local directory,
 * and checks that nothing but a typed {@link PatchException} is ever thrown, that no file's bytes
 * differ from the original outside the changed values, and that no write leaves a partially written
 * file or a temporary file behind, also when a replacement fails half way.
 */
class YamlFuzzTest {

  static final int CASES = Integer.getInteger("fuzz.cases", 10_000);
  static final int PER_RUN = 5;
  static final long SEED = 20261202L;
  static final String DIGEST = "sha256:" + "ab".repeat(32);

  /** policy name -> artifact, tag, digest (or null). */
  static final Map<String, String[]> POLICIES = new LinkedHashMap<>();

  static {
    POLICIES.put(
        "flux-system:podinfo", new String[] {"ghcr.io/stefanprodan/podinfo", "6.5.4", DIGEST});
    POLICIES.put("flux-system:app", new String[] {"oci://ghcr.io/org/charts/app", "1.2.9", null});
    POLICIES.put("web:nginx", new String[] {"docker.io/library/nginx", "1.25.3", null});
    POLICIES.put(
        "ghcr.io/stefanprodan/podinfo?semver=>=6.5.0 <7",
        new String[] {"ghcr.io/stefanprodan/podinfo", "6.5.4", DIGEST});
    POLICIES.put(
        "oci://ghcr.io/org/charts/app?semver=1.2.x",
        new String[] {"oci://ghcr.io/org/charts/app", "1.2.9", null});
  }

  static final String[] GENERATED = {
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        + "      containers:\n        - name: web\n          image: docker.io/library/nginx:1.25.0"
        + " # {\"$imagepolicy\": \"web:nginx\"}\n        - name: side\n          image:"
        + " \"ghcr.io/stefanprodan/podinfo:6.5.0\" # {\"$imagepolicy\": \"flux-system:podinfo\"}\n",
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: app}\nspec:\n"
        + "  chart:\n    spec:\n      chart: app\n      version: '1.2.0' # {\"$imagepolicy\":"
        + " \"flux-system:app:tag\"}\n  values:\n    image:\n      repository:"
        + " ghcr.io/stefanprodan/podinfo # {\"$imagepolicy\": \"flux-system:podinfo:name\"}\n"
        + "      tag: 6.5.0 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n---\n"
        + "# a second document\nkind: ConfigMap\ndata:\n  a: |\n    text\n    more\n",
    "images:\n  - name: podinfo\n    newName: ghcr.io/stefanprodan/podinfo # {\"$imagepolicy\":"
        + " \"flux-system:podinfo:name\"}\n    newTag: 6.5.0 # {\"$imagepolicy\":"
        + " \"flux-system:podinfo:tag\"}\n    digest: sha256:"
        + "11".repeat(32)
        + " # {\"$imagepolicy\": \"flux-system:podinfo:digest\"}\n",
    "list: [a, b, {image: docker.io/library/nginx:1.24}]\nimage: docker.io/library/nginx:1.24 #"
        + " {\"$imagepolicy\": \"web:nginx\"}\nbase: &base {x: 1}\nother:\n  <<: *base\n",
  };

  @TempDir Path temp;
  Path work;
  final Random random = new Random(SEED);
  final SetterPatcher patcher = SetterPatcher.create();
  int corrupted;
  int partial;
  int typedErrors;
  int changedFiles;
  final List<String> failures = new ArrayList<>();

  @Test
  void tenThousandMutatedInputsNeverCorruptOrHalfWriteAFile() throws Exception {
    // Many small atomic writes: on tmpfs when there is one, as fsync costs are not under test.
    Path shm = Path.of("/dev/shm");
    work =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "upkeep-fuzz")
            : temp;
    List<byte[]> corpus = corpus();
    long started = System.nanoTime();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      byte[] input = mutate(corpus.get(random.nextInt(corpus.size())));
      batch.add(input);
      if (batch.size() == PER_RUN) {
        runBatch(i / PER_RUN, batch);
        batch.clear();
      }
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    if (!work.equals(temp)) {
      deleteTree(work);
    }
    System.out.printf(
        "yaml fuzz: %d cases, %d corrupted, %d partial writes (%d problem files, %d files"
            + " patched, %d s)%n",
        CASES, corrupted, partial, typedErrors, changedFiles, seconds);
    assertThat(failures).isEmpty();
    assertThat(corrupted).isZero();
    assertThat(partial).isZero();
  }

  List<byte[]> corpus() throws IOException, URISyntaxException {
    List<byte[]> out = new ArrayList<>();
    Path golden = Path.of(YamlFuzzTest.class.getResource("/golden").toURI());
    try (Stream<Path> dirs = Files.list(golden)) {
      for (Path dir : dirs.sorted().collect(Collectors.toList())) {
        Path input = dir.resolve("input.yaml");
        if (Files.isRegularFile(input)) {
          out.add(Files.readAllBytes(input));
        }
      }
    }
    for (String g : GENERATED) {
      out.add(g.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(out).hasSizeGreaterThan(40);
    return out;
  }

  // ---- mutations --------------------------------------------------------------------------

  byte[] mutate(byte[] seed) {
    byte[] b = seed;
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      b = mutateOnce(b);
    }
    return b;
  }

  byte[] mutateOnce(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    switch (random.nextInt(12)) {
      case 0: // truncate
        return Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
      case 1: // random bytes
        {
          byte[] noise = new byte[1 + random.nextInt(8)];
          random.nextBytes(noise);
          return insert(b, random.nextInt(b.length + 1), noise);
        }
      case 2: // tabs
        return s.replaceFirst("\n( +)", "\n\t$1")
            .replace(": ", random.nextBoolean() ? ":\t" : ": ")
            .getBytes(StandardCharsets.UTF_8);
      case 3: // CRLF, lone CR, BOM
        {
          String t = random.nextBoolean() ? s.replace("\n", "\r\n") : s.replaceFirst("\n", "\r");
          if (random.nextBoolean()) {
            t = "\uFEFF" + t;
          }
          return t.getBytes(StandardCharsets.UTF_8);
        }
      case 4: // anchors and aliases
        return insertLine(
            s,
            random.nextBoolean()
                ? "anchor: &a {image: docker.io/library/nginx:1.0}\nalias: *a"
                : random.nextBoolean() ? "bad: *nowhere" : "m: &m [*m]");
      case 5: // deep nesting
        {
          int depth = 50 + random.nextInt(400);
          String deep =
              random.nextBoolean()
                  ? "deep: " + "[".repeat(depth) + "]".repeat(random.nextInt(depth + 1))
                  : "deep:\n" + "  ".repeat(1) + "- ".repeat(depth) + "x";
          return insertLine(s, deep);
        }
      case 6: // huge scalar
        {
          int size = random.nextInt(10) == 0 ? 100_000 : 5_000;
          return insertLine(s, "huge: " + "x".repeat(size));
        }
      case 7: // duplicate a line
        {
          String[] lines = s.split("\n", -1);
          int i = random.nextInt(lines.length);
          return insertLine(s, lines[i]);
        }
      case 8: // drop a line
        {
          List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
          lines.remove(random.nextInt(lines.size()));
          return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        }
      case 9: // a YAML-significant character somewhere
        {
          String chars = ":#{}[]\"'&*!|>-?,%@`\\";
          int at = s.isEmpty() ? 0 : random.nextInt(s.length());
          return (s.substring(0, at)
                  + chars.charAt(random.nextInt(chars.length()))
                  + s.substring(at))
              .getBytes(StandardCharsets.UTF_8);
        }
      case 10: // another marker somewhere
        {
          String[] names = POLICIES.keySet().toArray(new String[0]);
          String name = names[random.nextInt(names.length)];
          String[] fields = {"", ":tag", ":name", ":digest"};
          return insertLine(
              s,
              "v: 1.0.0 # {\"$imagepolicy\": \""
                  + name
                  + fields[random.nextInt(fields.length)]
                  + "\"}");
        }
      default: // a NUL byte
        return insert(b, random.nextInt(b.length + 1), new byte[] {0});
    }
  }

  byte[] insertLine(String s, String line) {
    List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
    lines.add(random.nextInt(lines.size() + 1), line);
    return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }

  // ---- checks -----------------------------------------------------------------------------

  /** {@code text} with exactly the reported edits, or null when they overlap or overrun. */
  static String applyEdits(String text, List<Change> changes) {
    List<Change.Edit> edits =
        changes.stream()
            .map(Change::edit)
            .sorted(Comparator.comparingInt(Change.Edit::offset))
            .collect(Collectors.toList());
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Change.Edit e : edits) {
      if (e.offset() < at || e.offset() + e.length() > text.length()) {
        return null;
      }
      out.append(text, at, e.offset()).append(e.replacement());
      at = e.offset() + e.length();
    }
    return out.append(text, at, text.length()).toString();
  }

  /** As a run reads a manifest: no NUL in the first 8 KiB, valid UTF-8. */
  static Optional<String> decode(byte[] bytes) {
    for (int i = 0, n = Math.min(bytes.length, 8192); i < n; i++) {
      if (bytes[i] == 0) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  void runBatch(int number, List<byte[]> inputs) throws IOException {
    Path dir = work.resolve("run" + number);
    Files.createDirectories(dir);
    for (int i = 0; i < inputs.size(); i++) {
      Files.write(dir.resolve("f" + i + ".yaml"), inputs.get(i));
    }
    Map<String, List<Change>> changes = new LinkedHashMap<>();
    try {
      UpdateReport report = pipeline(dir).run();
      report.files().forEach(f -> changes.put(f.file(), f.changes()));
      // files that do not parse are problem files of the report (typed PatchExceptions inside)
      typedErrors += report.problemFiles().size();
    } catch (PatchException e) {
      // a typed failure of the write stage: then every file must still be as it was
      changes.clear();
    } catch (RuntimeException | StackOverflowError e) {
      failures.add(
          "the run threw " + e + " on " + inputs.stream().map(YamlFuzzTest::preview).toList());
      changes.clear();
    }
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String name = "f" + i + ".yaml";
      byte[] input = inputs.get(i);
      byte[] want = input;
      if (changes.containsKey(name)) {
        String rebuilt = applyEdits(decode(input).orElse(""), changes.get(name));
        want = rebuilt == null ? null : rebuilt.getBytes(StandardCharsets.UTF_8);
      }
      byte[] now = Files.readAllBytes(dir.resolve(name));
      if (want == null || !Arrays.equals(now, want)) {
        corrupted++;
        failures.add(
            name + " of run " + number + " differs outside its changed values: " + preview(input));
      } else if (!Arrays.equals(now, input)) {
        changedFiles++;
      }
      expected.add(want == null ? input : want);
    }
    leftovers(dir);
    if (number % 4 == 0) {
      failHalfWay(dir, inputs, expected);
    }
    deleteTree(dir);
  }

  /** The write stage with its k-th replacement failing: every file keeps its old bytes. */
  void failHalfWay(Path dir, List<byte[]> inputs, List<byte[]> expected) throws IOException {
    Map<Path, String> contents = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      Path f = dir.resolve("f" + i + ".yaml");
      Files.write(f, inputs.get(i));
      contents.put(f, new String(expected.get(i), StandardCharsets.UTF_8) + "# changed\n");
    }
    int failAt = random.nextInt(contents.size());
    int[] moves = {0};
    try {
      ManifestText.writeAll(
          contents,
          (temp, file) -> {
            if (moves[0]++ == failAt) {
              throw new IOException("injected failure");
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          });
      failures.add("the injected failure was not reported");
    } catch (PatchException e) {
      // expected
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (!Arrays.equals(Files.readAllBytes(dir.resolve("f" + i + ".yaml")), inputs.get(i))) {
        partial++;
        failures.add("f" + i + ".yaml was left changed after a failed write");
      }
    }
    leftovers(dir);
  }

  void leftovers(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> left =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.matches("f\\d+\\.yaml"))
              .collect(Collectors.toList());
      if (!left.isEmpty()) {
        partial++;
        failures.add("left behind in " + dir.getFileName() + ": " + left);
      }
    }
  }

  UpdatePipeline pipeline(Path dir) {
    Map<String, List<String>> tags = new LinkedHashMap<>();
    Map<String, String> digests = new LinkedHashMap<>();
    UpdatePipeline.Builder b = UpdatePipeline.builder();
    POLICIES.forEach(
        (name, p) -> {
          ArtifactRef artifact = ArtifactRef.parse(p[0]);
          String registryTag = artifact.registryTag(p[1]);
          tags.computeIfAbsent(artifact.toString(), k -> new ArrayList<>()).add(registryTag);
          PolicyOptions options = PolicyOptions.defaults().allowingDowngrade();
          if (p[2] != null) {
            digests.put(artifact + ":" + registryTag, p[2]);
            options = options.withDigest();
          }
          b.policy(
              name,
              artifact,
              t -> t.contains(registryTag) ? Optional.of(registryTag) : Optional.empty(),
              options);
        });
    return b.source(
            new RegistrySource() {
              @Override
              public List<String> listTags(ArtifactRef ref) {
                return tags.getOrDefault(ref.toString(), List.of());
              }

              @Override
              public Optional<String> digest(ArtifactRef ref, String tag) {
                return Optional.ofNullable(digests.get(ref + ":" + tag));
              }
            })
        .patcher(patcher)
        .publisher(GitPublisher.inPlace(dir))
        .strict(false)
        .build();
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }

  static String preview(byte[] input) {
    String s = new String(input, StandardCharsets.UTF_8);
    return s.substring(0, Math.min(300, s.length())).replace("\n", "\\n").replace("\r", "\\r");
  }
}
