package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.Patch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the patcher over the 135 real files of {@code shared/corpus/real-world} when that folder is
 * reachable (it is not part of the repository), with the generic checks its README describes.
 * Outside CI the test skips itself without the corpus; under {@code CI=true} a missing corpus fails
 * it, so a CI run can never pass by silently not looking.
 */
class RealWorldCorpusTest {

  private static final Pattern MARKER =
      Pattern.compile("#+\\s*\\{\\s*\"\\$imagepolicy\"\\s*:\\s*\"([^\"]*)\"\\s*\\}\\s*$");
  private static final String DIGEST =
      "sha256:" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static Path corpus;

  @BeforeAll
  static void findCorpus() {
    String configured = System.getProperty("upkeep.corpus", System.getenv("UPKEEP_CORPUS"));
    if (configured != null) {
      corpus = Path.of(configured);
      return;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/corpus/real-world");
      if (Files.isDirectory(candidate)) {
        corpus = candidate;
        return;
      }
    }
  }

  static void requireCorpus() {
    boolean found = corpus != null && Files.isDirectory(corpus);
    String why =
        "shared/corpus/real-world is not reachable from "
            + Path.of("").toAbsolutePath()
            + (corpus == null ? "" : " (configured: " + corpus + ")")
            + "; set UPKEEP_CORPUS or -Dupkeep.corpus to its folder";
    if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    assumeTrue(found, why);
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(corpus)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static Map<String, Selection> selectionsFor(String content) {
    Map<String, Selection> selections = new HashMap<>();
    Matcher m = MARKER.matcher("");
    for (String line : content.split("\r?\n", -1)) {
      m.reset(line);
      if (!m.find()) {
        continue;
      }
      String[] parts = m.group(1).split(":", -1);
      if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        continue;
      }
      String policy = parts[0] + ":" + parts[1];
      selections.put(
          policy,
          new Selection(
              policy,
              ArtifactRef.parse(
                  "registry.example.com/corpus/p" + Integer.toHexString(policy.hashCode())),
              "9.9.9-upkeep",
              Optional.of(DIGEST)));
    }
    return selections;
  }

  @TestFactory
  Stream<DynamicTest> everyRealFilePatchesOnlyItsMarkedValues() throws IOException {
    requireCorpus();
    SetterPatcher patcher = SetterPatcher.create();
    return files().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      String original =
                          new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                      Path name = file.getFileName();
                      Patch p = patcher.patch(name, original, selectionsFor(original));
                      checkEdits(original, p);
                      checkForms(original, p);
                      Patch again = patcher.patch(name, p.content(), selectionsFor(original));
                      assertThat(again.changes()).as("patching twice changes nothing").isEmpty();
                      assertThat(again.content()).isEqualTo(p.content());
                    }));
  }

  @Test
  void theWholeCorpusYieldsTheCountsItsReadmeStates() throws IOException {
    requireCorpus();
    SetterPatcher patcher = SetterPatcher.create();
    int changes = 0;
    int malformed = 0;
    List<String> others = new ArrayList<>();
    for (Path file : files()) {
      String original = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      Patch p = patcher.patch(file.getFileName(), original, selectionsFor(original));
      changes += p.changes().size();
      for (var f : p.findings()) {
        if (f.message().contains("malformed") || f.message().contains("placeholder")) {
          malformed++;
        } else {
          others.add(f.toString());
        }
      }
    }
    // README: 243 marked values; 3 of them name a policy with a ${...} placeholder (no policy
    // can have that name) and 2 a malformed one (ns::name:tag). Those 5 are left and reported.
    assertThat(changes).isEqualTo(238);
    assertThat(malformed).isEqualTo(5);
    assertThat(others).isEmpty();
  }

  /** Only the edits' characters differ, each edit replaces exactly the old value in its quotes. */
  static void checkEdits(String original, Patch p) {
    StringBuilder rebuilt = new StringBuilder();
    int at = 0;
    for (Change c : p.changes()) {
      Change.Edit e = c.edit();
      assertThat(e.offset()).isGreaterThanOrEqualTo(at);
      String written = original.substring(e.offset(), e.offset() + e.length());
      char q = written.charAt(0);
      if (q == '"' || q == '\'') {
        assertThat(e.replacement().charAt(0)).as("quote kept").isEqualTo(q);
        assertThat(written.substring(1, written.length() - 1)).isEqualTo(c.oldValue());
      } else {
        assertThat(written).isEqualTo(c.oldValue());
      }
      rebuilt.append(original, at, e.offset()).append(e.replacement());
      at = e.offset() + e.length();
    }
    rebuilt.append(original.substring(at));
    assertThat(p.content()).isEqualTo(rebuilt.toString());
  }

  /** Each new value has its marker's form. */
  static void checkForms(String original, Patch p) {
    for (Change c : p.changes()) {
      switch (c.field()) {
        case IMAGE:
          assertThat(c.newValue()).contains(":9.9.9-upkeep");
          break;
        case TAG:
          assertThat(c.newValue()).startsWith("9.9.9-upkeep");
          break;
        case NAME:
          assertThat(c.newValue()).startsWith("registry.example.com/").doesNotContain(":");
          break;
        case DIGEST:
          assertThat(c.newValue()).isEqualTo(DIGEST);
          break;
        default:
          break;
      }
      assertThat(lineAt(original, c.edit().offset())).contains("$imagepolicy");
    }
  }

  private static String lineAt(String text, int offset) {
    int start = text.lastIndexOf('\n', offset) + 1;
    int end = text.indexOf('\n', offset);
    return text.substring(start, end < 0 ? text.length() : end);
  }
}
