package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.patch.Change;
import dev.upkeep.patch.ManifestFiles;
import dev.upkeep.patch.ManifestPatcher;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import dev.upkeep.policy.VersionPolicy;
import dev.upkeep.publish.GitPublisher;
import dev.upkeep.review.ChartReview;
import dev.upkeep.review.ChartReviewer;
import dev.upkeep.source.RegistryException;
import dev.upkeep.source.RegistrySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdatePipelineTest {

  static final ArtifactRef APP = ArtifactRef.parse("oci://registry.test/charts/app");
  static final ArtifactRef WEB = ArtifactRef.parse("registry.test/org/web");

  /** Tags per repository; counts how often each was listed. */
  static class MapSource implements RegistrySource {
    final Map<String, List<String>> tags = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    MapSource with(ArtifactRef ref, String... t) {
      tags.put(ref.repository(), List.of(t));
      return this;
    }

    @Override
    public List<String> listTags(ArtifactRef ref) {
      calls.computeIfAbsent(ref.repository(), k -> new AtomicInteger()).incrementAndGet();
      List<String> t = tags.get(ref.repository());
      if (t == null) {
        throw new RegistryException("registry.test: repository " + ref.repository() + " not found");
      }
      return t;
    }

    @Override
    public Optional<String> digest(ArtifactRef ref, String tag) {
      return Optional.of("sha256:" + "0".repeat(63) + tag.length());
    }
  }

  /** Highest dotted-number tag matching a prefix; enough to drive the pipeline. */
  record PrefixPolicy(String prefix) implements VersionPolicy {
    static final Comparator<String> ORDER =
        Comparator.comparing(
            (String t) ->
                java.util.Arrays.stream(t.split("\\.")).mapToInt(Integer::parseInt).toArray(),
            java.util.Arrays::compare);

    @Override
    public Optional<String> select(Collection<String> tags) {
      return tags.stream().filter(t -> t.startsWith(prefix)).max(ORDER);
    }

    @Override
    public boolean isDowngrade(String from, String to) {
      return ORDER.compare(to, from) < 0;
    }

    @Override
    public String describe() {
      return "prefix " + prefix;
    }
  }

  /** Rewrites {@code version: X # {policy}} lines; fails on a line reading {@code !!broken}. */
  static final class LinePatcher implements ManifestPatcher {
    static final Pattern LINE = Pattern.compile("(?m)^(\\s*version: )(\\S+)( # \\{(\\S+)\\})$");

    /** A marker is {@code # {policy}}. */
    @Override
    public boolean mayApply(String content) {
      return content.contains(" # {");
    }

    @Override
    public Patch patch(Path file, String content, Map<String, Selection> selections) {
      if (content.contains("!!broken")) {
        throw new PatchException(file, 1, "does not parse");
      }
      List<Change> changes = new ArrayList<>();
      StringBuilder out = new StringBuilder();
      Matcher m = LINE.matcher(content);
      int at = 0;
      while (m.find()) {
        Selection s = selections.get(m.group(4));
        if (s == null || s.tag().equals(m.group(2))) {
          continue;
        }
        int line =
            (int) content.substring(0, m.start(2)).chars().filter(c -> c == '\n').count() + 1;
        changes.add(
            new Change(
                m.group(4),
                Change.Field.TAG,
                line,
                m.group(1).length() + 1,
                m.group(2),
                s.tag(),
                new Change.Edit(m.start(2), m.group(2).length(), s.tag())));
        out.append(content, at, m.start(2)).append(s.tag());
        at = m.end(2);
      }
      out.append(content.substring(at));
      return new Patch(out.toString(), changes);
    }
  }

  static UpdatePipeline.Builder pipeline(MapSource source, Path dir) {
    return UpdatePipeline.builder()
        .source(source)
        .policy("dev", APP, new PrefixPolicy("1."))
        .policy("staging", APP, new PrefixPolicy("1.2."))
        .patcher(new LinePatcher())
        .publisher(GitPublisher.inPlace(dir));
  }

  static Path write(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void updatesEachValueAsItsPolicyAllowsAndChangesNoOtherByte(@TempDir Path dir)
      throws IOException {
    MapSource source = new MapSource().with(APP, "1.0.0", "1.2.3", "1.2.9", "1.4.0", "2.0.0");
    Path dev = write(dir, "dev/app.yaml", "# dev\nversion: 1.0.0 # {dev}\r\nother: 1\n");
    Path staging = write(dir, "staging/app.yml", "version: 1.2.3 # {staging}");
    write(dir, "prod/app.yaml", "version: 1.2.3\n");

    UpdateReport report = pipeline(source, dir).build().run();

    assertThat(Files.readString(dev)).isEqualTo("# dev\nversion: 1.4.0 # {dev}\r\nother: 1\n");
    assertThat(Files.readString(staging)).isEqualTo("version: 1.2.9 # {staging}");
    assertThat(report.files())
        .extracting(FileReport::file)
        .containsExactly("dev/app.yaml", "staging/app.yml");
    assertThat(report.file("dev/app.yaml").orElseThrow().changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.line()).isEqualTo(2);
              assertThat(c.oldValue()).isEqualTo("1.0.0");
              assertThat(c.newValue()).isEqualTo("1.4.0");
            });
    assertThat(report.file("dev/app.yaml").orElseThrow().diff())
        .contains("-version: 1.0.0 # {dev}\r\n+version: 1.4.0 # {dev}\r\n");
    assertThat(report.policy("staging").orElseThrow().selection().orElseThrow().tag())
        .isEqualTo("1.2.9");
  }

  @Test
  void aTextTheListingReadAlreadyIsPatchedWithoutReadingTheFileAgain(@TempDir Path dir)
      throws IOException {
    MapSource source = new MapSource().with(APP, "1.0.0", "1.4.0");
    // on disk: what the screen saw has changed since (the plan keeps to what it read); too.yaml's
    // known text is too long for the listing's limit, so it is read from disk as before
    write(dir, "app.yaml", "version: 1.0.0 # {staging}\n");
    write(dir, "too.yaml", "version: 1.0.0 # {dev}\n");
    Map<Path, String> known =
        Map.of(
            Path.of("app.yaml"),
            "# s\nversion: 1.0.0 # {dev}\n",
            Path.of("too.yaml"),
            "x".repeat(40) + "\nversion: 1.0.0 # {staging}\n");
    ManifestFiles files =
        new ManifestFiles() {
          @Override
          public List<Path> list(Path root) {
            return List.of(Path.of("app.yaml"), Path.of("too.yaml"));
          }

          @Override
          public long maxFileBytes() {
            return 100;
          }

          @Override
          public Optional<String> knownText(Path root, Path file) {
            return Optional.ofNullable(known.get(file));
          }
        };

    UpdateReport report = pipeline(source, dir).files(files).build().plan();

    assertThat(report.file("app.yaml").orElseThrow().diff())
        .contains("-version: 1.0.0 # {dev}", "+version: 1.4.0 # {dev}");
    assertThat(report.file("too.yaml").orElseThrow().changes())
        .singleElement()
        .satisfies(c -> assertThat(c.policy()).isEqualTo("dev"));
  }

  @Test
  void listsTheTagsOfAnArtifactOnceWhenSeveralPoliciesShareIt(@TempDir Path dir) {
    MapSource source = new MapSource().with(APP, "1.0.0", "1.2.3");
    pipeline(source, dir).build().plan();
    assertThat(source.calls.get(APP.repository())).hasValue(1);
  }

  @Test
  void planWritesNothing(@TempDir Path dir) throws IOException {
    Path dev = write(dir, "dev/app.yaml", "version: 1.0.0 # {dev}\n");
    UpdateReport report = pipeline(new MapSource().with(APP, "1.0.0", "1.4.0"), dir).build().plan();
    assertThat(report.dryRun()).isTrue();
    assertThat(report.changed()).isTrue();
    assertThat(report.file("dev/app.yaml").orElseThrow().changes().get(0).newValue())
        .isEqualTo("1.4.0");
    assertThat(Files.readString(dev)).isEqualTo("version: 1.0.0 # {dev}\n");
  }

  @Test
  void neverMovesAValueToAnOlderVersionUnlessAllowed(@TempDir Path dir) throws IOException {
    Path dev = write(dir, "dev/app.yaml", "version: 1.9.0 # {dev}\nversion: 1.0.0 # {web}\n");
    MapSource source = new MapSource().with(APP, "1.0.0", "1.4.0").with(WEB, "1.2.0");
    UpdateReport report =
        UpdatePipeline.builder()
            .source(source)
            .policy("dev", APP, new PrefixPolicy("1."))
            .policy("web", WEB, new PrefixPolicy("1."))
            .patcher(new LinePatcher())
            .publisher(GitPublisher.inPlace(dir))
            .build()
            .run();
    assertThat(Files.readString(dev)).isEqualTo("version: 1.9.0 # {dev}\nversion: 1.2.0 # {web}\n");
    assertThat(report.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.file()).isEqualTo("dev/app.yaml");
              assertThat(f.line()).isEqualTo(1);
              assertThat(f.message()).contains("downgrade");
            });
  }

  @Test
  void movesToAnOlderVersionWhenThePolicyAllowsIt(@TempDir Path dir) throws IOException {
    Path dev = write(dir, "dev/app.yaml", "version: 1.9.0 # {dev}\n");
    UpdatePipeline.builder()
        .source(new MapSource().with(APP, "1.4.0"))
        .policy("dev", APP, new PrefixPolicy("1."), PolicyOptions.defaults().allowingDowngrade())
        .patcher(new LinePatcher())
        .publisher(GitPublisher.inPlace(dir))
        .build()
        .run();
    assertThat(Files.readString(dev)).isEqualTo("version: 1.4.0 # {dev}\n");
  }

  @Nested
  class WhenSomethingIsWrong {
    @Test
    void aStrictRunFailsOnAManifestThatDoesNotParseAndWritesNoFile(@TempDir Path dir)
        throws IOException {
      Path good = write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      write(dir, "b.yaml", "!!broken # {dev}\n");
      UpdatePipeline p = pipeline(new MapSource().with(APP, "1.4.0"), dir).strict(true).build();
      assertThatThrownBy(p::run).isInstanceOf(PatchException.class).hasMessageContaining("b.yaml");
      assertThat(Files.readString(good)).isEqualTo("version: 1.0.0 # {dev}\n");
    }

    @Test
    void aManifestThatDoesNotParseIsAProblemFileAndTheOthersAreUpdated(@TempDir Path dir)
        throws IOException {
      Path good = write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      Path bad = write(dir, "b.yaml", "!!broken # {dev}\n");
      UpdateReport report = pipeline(new MapSource().with(APP, "1.4.0"), dir).build().run();
      assertThat(Files.readString(good)).isEqualTo("version: 1.4.0 # {dev}\n");
      assertThat(Files.readString(bad)).isEqualTo("!!broken # {dev}\n");
      assertThat(report.problemFiles())
          .containsExactly(new ProblemFile("b.yaml", 1, "does not parse"));
      assertThat(report.findings()).isEmpty();
      assertThat(report.hasErrors()).isFalse();
    }

    @Test
    void aBrokenManifestIsReportedWithItsFileAndLineOnce(@TempDir Path dir) throws IOException {
      write(dir, "b.yaml", "!!broken # {dev}\n");
      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir).strict(false).build().plan();

      assertThat(report.problemFiles())
          .extracting(ProblemFile::toString)
          .containsExactly("b.yaml:1: does not parse");
      assertThat(report.toText()).containsOnlyOnce("b.yaml:1");
    }

    @Test
    void aRegistryFailureSharedByPoliciesIsOneError(@TempDir Path dir) {
      UpdateReport report = pipeline(new MapSource(), dir).build().plan();

      assertThat(report.policies())
          .allSatisfy(p -> assertThat(p.status()).isEqualTo(PolicyReport.Status.FAILED));
      assertThat(report.findings())
          .singleElement()
          .satisfies(f -> assertThat(f.message()).contains("charts/app not found"));
    }

    @Test
    void aRegistryFailureFailsOnlyItsPolicies(@TempDir Path dir) throws IOException {
      Path dev = write(dir, "a.yaml", "version: 1.0.0 # {dev}\nversion: 1.0.0 # {web}\n");
      UpdateReport report =
          UpdatePipeline.builder()
              .source(new MapSource().with(APP, "1.4.0"))
              .policy("dev", APP, new PrefixPolicy("1."))
              .policy("web", WEB, new PrefixPolicy("1."))
              .patcher(new LinePatcher())
              .publisher(GitPublisher.inPlace(dir))
              .build()
              .run();
      assertThat(report.policy("web").orElseThrow().status()).isEqualTo(PolicyReport.Status.FAILED);
      assertThat(report.policy("web").orElseThrow().reason()).contains("org/web not found");
      assertThat(report.hasErrors()).isTrue();
      assertThat(Files.readString(dev))
          .isEqualTo("version: 1.4.0 # {dev}\nversion: 1.0.0 # {web}\n");
    }

    @Test
    void noMatchingTagIsReportedWithTheRuleAndTheCount(@TempDir Path dir) {
      UpdateReport report =
          pipeline(new MapSource().with(APP, "3.0.0", "3.1.0"), dir).build().plan();
      assertThat(report.policy("staging").orElseThrow().reason())
          .isEqualTo(
              "no tag of oci://registry.test/charts/app satisfies prefix 1.2. (checked 2 tags)");
      assertThat(report.changed()).isFalse();
    }

    @Test
    void neverWritesThroughALinkPlantedBesideAManifest(@TempDir Path dir, @TempDir Path outside)
        throws IOException {
      Path app = write(dir, "app.yaml", "version: 1.0.0 # {dev}\n");
      Path victim = write(outside, "victim", "keep me\n");
      Files.createSymbolicLink(dir.resolve(".app.yaml.upkeep-tmp"), victim);
      pipeline(new MapSource().with(APP, "1.4.0"), dir).build().run();
      assertThat(Files.readString(victim)).isEqualTo("keep me\n");
      assertThat(Files.isSymbolicLink(app)).isFalse();
      assertThat(Files.readString(app)).isEqualTo("version: 1.4.0 # {dev}\n");
    }

    @Test
    void anUnmarkedBinaryFileIsSkippedUnread(@TempDir Path dir) throws IOException {
      Files.write(dir.resolve("blob.yaml"), new byte[] {'v', 0, '$', '\n'});
      UpdateReport report = pipeline(new MapSource().with(APP, "1.4.0"), dir).build().plan();
      assertThat(report.problemFiles()).isEmpty();
      assertThat(report.findings())
          .singleElement()
          .satisfies(f -> assertThat(f.message()).isEqualTo("binary; skipped"));
    }

    @Test
    void anUnmarkedNonUtf8FileIsSkippedWithAWarning(@TempDir Path dir) throws IOException {
      Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
      UpdateReport report = pipeline(new MapSource().with(APP, "1.4.0"), dir).build().plan();
      assertThat(report.findings())
          .singleElement()
          .satisfies(f -> assertThat(f.message()).contains("not valid UTF-8"));
    }

    @Test
    void markedFilesThatCannotBeReadAreProblemFilesAndTheOthersAreUpdated(@TempDir Path dir)
        throws IOException {
      Path good = write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      Files.write(
          dir.resolve("binary.yaml"),
          "v\0version: 1.0.0 # {dev}\n".getBytes(StandardCharsets.UTF_8));
      byte[] latin1 = "version: 1.0.0 # {dev} \u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
      Files.write(dir.resolve("latin1.yaml"), latin1);
      // the marker sits past the first chunk a large file is screened in
      write(dir, "huge.yaml", "#".repeat(200_000) + "\nversion: 1.0.0 # {dev}\n");
      write(dir, "huge-unmarked.yaml", "#".repeat(200_000) + "\n");

      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir).files(limitedTo(100_000)).build().run();

      assertThat(Files.readString(good)).isEqualTo("version: 1.4.0 # {dev}\n");
      assertThat(report.problemFiles())
          .containsExactly(
              new ProblemFile("binary.yaml", 0, "binary (a NUL byte in the first 8 KiB); not read"),
              new ProblemFile("huge.yaml", 0, "larger than 100000 bytes (200024 bytes); not read"),
              new ProblemFile("latin1.yaml", 0, "not valid UTF-8; not read"));
      assertThat(report.findings())
          .singleElement()
          .isEqualTo(
              new Finding(
                  Finding.Severity.INFO,
                  "huge-unmarked.yaml",
                  0,
                  "larger than 100000 bytes; skipped"));
    }

    @Test
    void aStrictRunFailsOnAMarkedFileTooLargeToRead(@TempDir Path dir) throws IOException {
      write(dir, "huge.yaml", "#".repeat(200_000) + "\nversion: 1.0.0 # {dev}\n");
      UpdatePipeline p =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .files(limitedTo(100_000))
              .strict(true)
              .build();
      assertThatThrownBy(p::plan)
          .isInstanceOf(PatchException.class)
          .hasMessage("huge.yaml: larger than 100000 bytes (200024 bytes); not read");
    }

    @Test
    void problemFilesAreInEveryRenderingAndToTheListener(@TempDir Path dir) throws IOException {
      write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      write(dir, "chart/templates/b.yaml", "!!broken # {dev} | `x`\n");
      List<ProblemFile> heard = new ArrayList<>();
      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .listener(
                  new UpdateListener() {
                    @Override
                    public void problemFile(ProblemFile problem) {
                      heard.add(problem);
                    }
                  })
              .build()
              .plan();
      assertThat(heard).isEqualTo(report.problemFiles()).hasSize(1);
      assertThat(report.toJson())
          .contains(
              "\"problemFiles\": [\n    {\n      \"file\": \"chart/templates/b.yaml\",\n"
                  + "      \"line\": 1,\n      \"reason\": \"does not parse\"\n    }\n  ]");
      assertThat(report.toMarkdown())
          .contains(
              "**Problem files** (not processed; every other file was)\n\n"
                  + "- chart/templates/b.yaml:1: does not parse\n");
      assertThat(report.toText())
          .contains("problem file: chart/templates/b.yaml:1: does not parse\n");
    }
  }

  /** Every YAML file, with a size limit. */
  static ManifestFiles limitedTo(long bytes) {
    return new ManifestFiles() {
      @Override
      public List<Path> list(Path root) {
        return ManifestFiles.yamlFiles().list(root);
      }

      @Override
      public long maxFileBytes() {
        return bytes;
      }
    };
  }

  @Nested
  class ChartReviews {
    /** A patcher and a reviewer that write down what the pipeline asks of them, in order. */
    final List<String> events = new ArrayList<>();

    UpdatePipeline pipeline(Path dir, ChartReviewer.Review review) {
      LinePatcher lines = new LinePatcher();
      return UpdatePipelineTest.pipeline(new MapSource().with(APP, "1.0.0", "1.2.3", "1.4.0"), dir)
          .patcher(
              new ManifestPatcher() {
                @Override
                public boolean mayApply(String content) {
                  return lines.mayApply(content);
                }

                @Override
                public Patch patch(Path file, String content, Map<String, Selection> selections) {
                  events.add("patch " + file);
                  return lines.patch(file, content, selections);
                }
              })
          .chartReviewer(
              new ChartReviewer() {
                @Override
                public List<ChartReview> review(
                    UpdatePipeline pipeline, Path root, List<FileReport> files) {
                  throw new AssertionError("the pipeline starts a review instead");
                }

                @Override
                public Review start(UpdatePipeline pipeline, Path root) {
                  events.add("start");
                  return review;
                }
              })
          .build();
    }

    /** Writes down each call; {@code onChanged} runs on each file handed over. */
    ChartReviewer.Review recording(Path dir, java.util.function.Consumer<FileReport> onChanged) {
      return new ChartReviewer.Review() {
        @Override
        public void changed(FileReport file) {
          events.add("changed " + file.file());
          onChanged.accept(file);
        }

        @Override
        public List<ChartReview> finish() {
          events.add("finish");
          return List.of();
        }

        @Override
        public void close() {
          events.add("close");
        }
      };
    }

    @Test
    void aPlanHandsEachChangedFileToTheReviewAsSoonAsItIsPatched(@TempDir Path dir)
        throws IOException {
      write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      write(dir, "b.yaml", "version: 1.0.0 # {dev}\n");
      write(dir, "c.yaml", "version: 1.4.0 # {dev}\n");

      pipeline(dir, recording(dir, f -> {})).plan();

      assertThat(events)
          .containsExactly(
              "patch a.yaml",
              "start",
              "changed a.yaml",
              "patch b.yaml",
              "changed b.yaml",
              "patch c.yaml",
              "finish",
              "close");
    }

    @Test
    void aRunHandsTheFilesOverOnceTheyAreWrittenSoTheReviewReadsTheNewVersions(@TempDir Path dir)
        throws IOException {
      write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      write(dir, "b.yaml", "version: 1.0.0 # {dev}\n");
      List<String> seen = new ArrayList<>();

      pipeline(
              dir,
              recording(
                  dir,
                  f -> {
                    try {
                      seen.add(Files.readString(dir.resolve(f.file())));
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }))
          .run();

      assertThat(events)
          .containsExactly(
              "patch a.yaml",
              "patch b.yaml",
              "start",
              "changed a.yaml",
              "changed b.yaml",
              "finish",
              "close");
      assertThat(seen).containsOnly("version: 1.4.0 # {dev}\n");
    }

    @Test
    void aReviewThatFailsIsOneWarningAndTheVersionsStillMove(@TempDir Path dir) throws IOException {
      Path a = write(dir, "a.yaml", "version: 1.0.0 # {dev}\n");
      write(dir, "b.yaml", "version: 1.0.0 # {dev}\n");

      UpdateReport report =
          pipeline(
                  dir,
                  recording(
                      dir,
                      f -> {
                        throw new IllegalStateException("registry.test: no chart " + f.file());
                      }))
              .run();

      assertThat(Files.readString(a)).isEqualTo("version: 1.4.0 # {dev}\n");
      assertThat(report.files()).hasSize(2);
      assertThat(report.findings())
          .extracting(Finding::message)
          .containsExactly("chart review failed: registry.test: no chart a.yaml");
      assertThat(events).endsWith("changed a.yaml", "close").doesNotContain("finish");
    }
  }

  @Nested
  class Builder {
    @Test
    void refusesAPipelineWithoutItsRequiredParts() {
      assertThatThrownBy(() -> UpdatePipeline.builder().build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("patcher");
      assertThatThrownBy(
              () ->
                  UpdatePipeline.builder()
                      .policy("a", APP, new PrefixPolicy("1"))
                      .policy("a", APP, new PrefixPolicy("1")))
          .hasMessage("policy \"a\" is already defined");
      assertThatThrownBy(() -> UpdatePipeline.builder().concurrency(0))
          .hasMessageContaining("at least 1");
    }

    @Test
    void refusesAPolicyNoSourceSupports(@TempDir Path dir) {
      RegistrySource none =
          new MapSource() {
            @Override
            public boolean supports(ArtifactRef ref) {
              return false;
            }
          };
      assertThatThrownBy(
              () ->
                  UpdatePipeline.builder()
                      .source(none)
                      .policy("dev", APP, new PrefixPolicy("1."))
                      .patcher(new LinePatcher())
                      .publisher(GitPublisher.inPlace(dir))
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessage(
              "no registry source supports oci://registry.test/charts/app of policy \"dev\"");
    }
  }

  @Nested
  class PullRequests {
    final List<dev.upkeep.publish.ChangeRequestSpec> opened = new ArrayList<>();

    final dev.upkeep.publish.ChangeRequestOpener opener =
        spec -> {
          opened.add(spec);
          return new dev.upkeep.publish.ChangeRequest(
              7, java.net.URI.create("https://git.test/org/fleet/pull/7"), true);
        };

    /** Patches in place, pushes nothing, and says the branch is {@code ahead} of main. */
    dev.upkeep.publish.GitPublisher ahead(Path dir, dev.upkeep.publish.BranchComparison ahead) {
      return inPlace(
          dir,
          changed ->
              new dev.upkeep.publish.PublishResult(
                  "git.test", "main", "develop", Optional.empty(), false, 1, Optional.of(ahead)));
    }

    /** Patches in place and answers what {@code result} makes of whether anything changed. */
    dev.upkeep.publish.GitPublisher inPlace(
        Path dir, java.util.function.Function<Boolean, dev.upkeep.publish.PublishResult> result) {
      return new dev.upkeep.publish.GitPublisher() {
        @Override
        public <T> T inspect(java.util.function.Function<Path, T> reader) {
          return reader.apply(dir);
        }

        @Override
        public dev.upkeep.publish.PublishResult publish(dev.upkeep.publish.WorkTreeUpdate u) {
          return result.apply(!u.apply(dir).isEmpty());
        }
      };
    }

    static dev.upkeep.publish.BranchComparison branch(String file, String before, String after) {
      return new dev.upkeep.publish.BranchComparison(
          "def456",
          "abc123",
          List.of(new dev.upkeep.publish.BranchComparison.ChangedFile(file, before, after)));
    }

    @Test
    void opensOneForABranchAnEarlierRunPushedWithEveryMoveOfTheBranch(@TempDir Path dir)
        throws IOException {
      String before = "a:\n  version: 1.0.0 # {dev}\nb:\n  version: 2.0.0 # {web}\n";
      String after = "a:\n  version: 1.4.0 # {dev}\nb:\n  version: 2.1.0 # {web}\n";
      write(dir, "clusters/dev/app.yaml", after);
      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .policy("web", WEB, new PrefixPolicy("2."))
              .publisher(ahead(dir, branch("clusters/dev/app.yaml", before, after)))
              .changeRequests(opener)
              .build()
              .run();

      assertThat(report.commit()).isEmpty();
      assertThat(report.changeRequest()).isPresent();
      // web's registry failed this run: its move shows in the diff, not as a row it cannot vouch
      // for
      assertThat(opened)
          .singleElement()
          .satisfies(
              spec ->
                  assertThat(spec.body())
                      .contains("| `clusters/dev/app.yaml:2` |")
                      .contains("| `dev` | `1.0.0` | `1.4.0` |")
                      .doesNotContain("| `2.0.0` | `2.1.0` |")
                      .contains("+  version: 2.1.0 # {web}")
                      .contains("Commit `def456` on `develop`."));
    }

    @Test
    void opensNoneForABranchThatMovesNoVersion(@TempDir Path dir) throws IOException {
      write(dir, "clusters/dev/app.yaml", "version: 1.4.0 # {dev}\n");
      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .publisher(ahead(dir, branch("docs/notes.md", "old\n", "new\n")))
              .changeRequests(opener)
              .build()
              .run();

      assertThat(report.changeRequest()).isEmpty();
      assertThat(opened).isEmpty();
    }

    /** Patches in place and says it pushed to develop, as a Git publisher would. */
    dev.upkeep.publish.GitPublisher pushing(Path dir, boolean changes) {
      return inPlace(
          dir,
          changed ->
              changed
                  ? new dev.upkeep.publish.PublishResult(
                      "git.test", "main", "develop", Optional.of("abc123"), true, 1)
                  : dev.upkeep.publish.PublishResult.nothingToCommit(
                      "git.test", "main", "develop"));
    }

    @Test
    void opensOneForAPushedBranchWithATableOfTheMoves(@TempDir Path dir) throws IOException {
      write(dir, "clusters/dev/app.yaml", "version: 1.0.0 # {dev}\n");
      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .publisher(pushing(dir, true))
              .changeRequests(opener)
              .changeRequestTitle("chore: update charts")
              .labels(List.of("dependencies"))
              .build()
              .run();
      assertThat(opened)
          .singleElement()
          .satisfies(
              spec -> {
                assertThat(spec.sourceBranch()).isEqualTo("develop");
                assertThat(spec.targetBranch()).isEqualTo("main");
                assertThat(spec.title()).isEqualTo("chore: update charts");
                assertThat(spec.labels()).containsExactly("dependencies");
                assertThat(spec.body())
                    .contains(
                        "| clusters/dev | `clusters/dev/app.yaml:1` |"
                            + " `oci://registry.test/charts/app` | `dev` | `1.0.0` | `1.4.0` |");
              });
      assertThat(report.changeRequest())
          .hasValueSatisfying(c -> assertThat(c.number()).isEqualTo(7));
    }

    @Test
    void aFailedRequestIsReportedWithoutLosingThePushedCommit(@TempDir Path dir)
        throws IOException {
      write(dir, "clusters/dev/app.yaml", "version: 1.0.0 # {dev}\n");
      UpdateReport report =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .publisher(pushing(dir, true))
              .changeRequests(
                  spec -> {
                    throw new dev.upkeep.publish.ChangeRequestException(
                        "api.git.test refused: bad credentials (HTTP 401)");
                  })
              .build()
              .run();
      assertThat(report.commit()).hasValue("abc123");
      assertThat(report.changeRequest()).isEmpty();
      assertThat(report.hasErrors()).isTrue();
      assertThat(report.findings())
          .anySatisfy(
              f ->
                  assertThat(f.message())
                      .isEqualTo(
                          "pushed abc123 to develop, but the pull request failed: api.git.test"
                              + " refused: bad credentials (HTTP 401)"));
    }

    @Test
    void opensNoneWhenNothingWasPushedOrForAPlan(@TempDir Path dir) throws IOException {
      write(dir, "clusters/dev/app.yaml", "version: 1.4.0 # {dev}\n");
      UpdatePipeline p =
          pipeline(new MapSource().with(APP, "1.4.0"), dir)
              .publisher(pushing(dir, false))
              .changeRequests(opener)
              .build();
      assertThat(p.run().changeRequest()).isEmpty();
      assertThat(p.plan().changeRequest()).isEmpty();
      assertThat(opened).isEmpty();
    }
  }

  @Test
  void keepsTheMarkdownWithinAPullRequestBodyForHugeChanges(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 400; i++) {
      write(dir, "apps/app" + i + ".yaml", "# " + "x".repeat(200) + "\nversion: 1.0.0 # {dev}\n");
    }
    UpdateReport report = pipeline(new MapSource().with(APP, "1.4.0"), dir).build().plan();
    assertThat(report.files()).hasSize(400);
    String markdown = report.toMarkdown();
    assertThat(markdown.length()).isLessThan(65_536);
    assertThat(markdown).containsPattern("\\d+ more files changed; their diff is in the commit");
  }

  @Test
  void rendersTheReportAsJsonAndMarkdown(@TempDir Path dir) throws IOException {
    write(dir, "dev/app.yaml", "version: 1.0.0 # {dev}\n");
    UpdateReport report =
        pipeline(new MapSource().with(APP, "1.0.0", "1.4.0", "junk"), dir).build().plan();
    assertThat(report.toJson())
        .contains("\"schema\": \"" + UpdateReport.SCHEMA + "\"")
        .contains("\"policy\": \"dev\"")
        .contains("\"tag\": \"1.4.0\"")
        .contains("\"old\": \"1.0.0\"")
        .contains("\"new\": \"1.4.0\"");
    assertThat(report.toMarkdown())
        .contains("| `dev` | `oci://registry.test/charts/app` | prefix 1. | `1.4.0` |")
        .contains(
            "| dev | `dev/app.yaml:1` | `oci://registry.test/charts/app` | `dev` | `1.0.0` |"
                + " `1.4.0` |");
  }

  @Nested
  class Closing {
    /** A source, publisher and opener in one, as a host might write; counts its closes. */
    final class Everything extends MapSource implements GitPublisher, AutoCloseable {
      final AtomicInteger closed = new AtomicInteger();
      final GitPublisher tree;

      Everything(Path dir) {
        this.tree = GitPublisher.inPlace(dir);
      }

      @Override
      public dev.upkeep.publish.PublishResult publish(dev.upkeep.publish.WorkTreeUpdate update) {
        return tree.publish(update);
      }

      @Override
      public <T> T inspect(java.util.function.Function<Path, T> reader) {
        return tree.inspect(reader);
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    }

    @Test
    void closesEachPartThatCanBeClosedOnce(@TempDir Path dir) {
      Everything parts = new Everything(dir);
      parts.with(APP, "1.4.0");
      UpdatePipeline pipeline =
          UpdatePipeline.builder()
              .source(parts)
              .source(parts)
              .policy("dev", APP, new PrefixPolicy("1."))
              .patcher(new LinePatcher())
              .publisher(parts)
              .build();

      try (pipeline) {
        pipeline.plan();
      }

      assertThat(parts.closed).hasValue(1);
    }

    @Test
    void closesTheOthersWhenOneFailsAndThenSaysSo(@TempDir Path dir) {
      Everything publisher = new Everything(dir);
      AtomicInteger sourceClosed = new AtomicInteger();
      class FailingSource extends MapSource implements AutoCloseable {
        @Override
        public void close() throws IOException {
          sourceClosed.incrementAndGet();
          throw new IOException("disk gone");
        }
      }
      UpdatePipeline pipeline =
          UpdatePipeline.builder()
              .source(new FailingSource())
              .policy("dev", APP, new PrefixPolicy("1."))
              .patcher(new LinePatcher())
              .publisher(publisher)
              .build();

      assertThatThrownBy(pipeline::close)
          .isInstanceOf(UpkeepException.class)
          .hasMessage("cannot close FailingSource")
          .hasRootCauseMessage("disk gone");
      assertThat(sourceClosed).hasValue(1);
      assertThat(publisher.closed).hasValue(1);
    }
  }
}
