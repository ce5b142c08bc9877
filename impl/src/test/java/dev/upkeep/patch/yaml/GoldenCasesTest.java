package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Finding;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.Patch;
import dev.upkeep.patch.PatchException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden cases under {@code src/test/resources/golden}: each folder holds {@code input.yaml},
 * {@code expected.yaml} (absent when the file must stay byte for byte the same) and {@code
 * case.txt}, whose lines are:
 *
 * <ul>
 *   <li>{@code select POLICY | ARTIFACT | TAG [| DIGEST]}: a selection passed to the patcher;
 *   <li>{@code changes N}: how many values change;
 *   <li>{@code change LINE:COLUMN FIELD OLD -> NEW}: one change, in file order;
 *   <li>{@code warning LINE TEXT}: a warning on that line whose message contains TEXT;
 *   <li>{@code inline LINE NAME}: an inline policy {@link InlineMarkers} finds;
 *   <li>{@code error LINE TEXT}: patching throws, naming the line (0: any) and TEXT.
 * </ul>
 */
class GoldenCasesTest {

  private static final SetterPatcher PATCHER = SetterPatcher.create();

  private static Path goldenRoot() throws URISyntaxException {
    return Path.of(GoldenCasesTest.class.getResource("/golden").toURI());
  }

  private static List<Path> cases() throws IOException, URISyntaxException {
    try (Stream<Path> s = Files.list(goldenRoot())) {
      return s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void thereAreAtLeastFortyCases() throws Exception {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(40);
  }

  @TestFactory
  Stream<DynamicTest> everyGoldenCase() throws Exception {
    return cases().stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
  }

  private static void run(Path dir) throws IOException {
    String input = read(dir.resolve("input.yaml"));
    Path expectedFile = dir.resolve("expected.yaml");
    String expected = Files.exists(expectedFile) ? read(expectedFile) : input;
    Map<String, Selection> selections = new HashMap<>();
    List<String> changes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> inline = new ArrayList<>();
    Integer changeCount = null;
    String error = null;
    for (String line : Files.readAllLines(dir.resolve("case.txt"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String word = line.substring(0, line.indexOf(' '));
      String rest = line.substring(word.length() + 1);
      switch (word) {
        case "select":
          String[] p = rest.split(" \\| ");
          selections.put(
              p[0],
              new Selection(
                  p[0],
                  ArtifactRef.parse(p[1]),
                  p[2],
                  p.length > 3 ? Optional.of(p[3]) : Optional.empty()));
          break;
        case "changes":
          changeCount = Integer.parseInt(rest);
          break;
        case "change":
          changes.add(rest);
          break;
        case "warning":
          warnings.add(rest);
          break;
        case "inline":
          inline.add(rest);
          break;
        case "error":
          error = rest;
          break;
        default:
          throw new IllegalStateException("unknown line in case.txt: " + line);
      }
    }
    Path file = Path.of(dir.getFileName() + ".yaml");
    if (error != null) {
      int line = Integer.parseInt(error.substring(0, error.indexOf(' ')));
      String text = error.substring(error.indexOf(' ') + 1);
      assertThatThrownBy(() -> PATCHER.patch(file, input, selections))
          .isInstanceOf(PatchException.class)
          .hasMessageContaining(text)
          .hasMessageStartingWith(file.toString())
          .satisfies(
              e -> {
                PatchException pe = (PatchException) e;
                assertThat(pe.file()).contains(file);
                if (line > 0) {
                  assertThat(pe.line()).isEqualTo(line);
                }
              });
      return;
    }
    Patch patch = PATCHER.patch(file, input, selections);
    assertThat(patch.content()).as("patched text").isEqualTo(expected);
    assertThat(patch.content().getBytes(StandardCharsets.UTF_8))
        .as("patched bytes")
        .isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    if (changeCount != null) {
      assertThat(patch.changes()).hasSize(changeCount);
    }
    if (!changes.isEmpty()) {
      assertThat(patch.changes())
          .extracting(
              c ->
                  c.line()
                      + ":"
                      + c.column()
                      + " "
                      + c.field()
                      + " "
                      + c.oldValue()
                      + " -> "
                      + c.newValue())
          .containsExactlyElementsOf(changes);
    }
    assertThat(patch.findings()).hasSize(warnings.size());
    for (int i = 0; i < warnings.size(); i++) {
      String w = warnings.get(i);
      Finding f = patch.findings().get(i);
      assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
      assertThat(f.file()).isEqualTo(file.toString());
      assertThat(f.line()).isEqualTo(Integer.parseInt(w.substring(0, w.indexOf(' '))));
      assertThat(f.message()).contains(w.substring(w.indexOf(' ') + 1));
    }
    assertThat(InlineMarkers.scan(file, input))
        .extracting(ip -> ip.line() + " " + ip.name())
        .containsExactlyElementsOf(inline);
    RealWorldCorpusTest.checkEdits(input, patch);
    // every change can be dropped on its own, leaving exactly the others
    for (Change dropped : patch.changes()) {
      Patch kept = patch.retain(input, c -> c != dropped);
      assertThat(kept.changes()).hasSize(patch.changes().size() - 1);
      Patch again = PATCHER.patch(file, kept.content(), selections);
      assertThat(again.changes()).hasSize(1);
      assertThat(again.content()).isEqualTo(patch.content());
    }
    Patch twice = PATCHER.patch(file, patch.content(), selections);
    assertThat(twice.changes()).as("patching the result again").isEmpty();
    assertThat(twice.content()).isEqualTo(patch.content());
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
