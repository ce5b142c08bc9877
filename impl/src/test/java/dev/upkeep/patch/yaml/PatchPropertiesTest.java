package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.ArtifactRef;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.patch.Patch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Generates YAML streams with random comments, quoting, spacing, indentation, line ends, byte order
 * marks and documents, with setter markers on some values, and checks that patching changes exactly
 * the marked values: the output parses to the same tree except those values, and the bytes differ
 * only inside them.
 */
class PatchPropertiesTest {

  private static final String DIGEST = "sha256:" + "cd".repeat(32);
  private static final Map<String, Selection> SELECTIONS =
      Map.of(
          "ns:one",
          new Selection(
              "ns:one", ArtifactRef.parse("ghcr.io/org/one"), "6.5.4", Optional.of(DIGEST)),
          "ns:two",
          Selection.of("ns:two", ArtifactRef.parse("docker.io/library/nginx"), "1.10"));

  /** A generated stream and what the generator knows about its marked values. */
  static final class Generated {
    final String text;
    final Map<Integer, String> markedTokens;

    Generated(String text, Map<Integer, String> markedTokens) {
      this.text = text;
      this.markedTokens = markedTokens;
    }

    @Override
    public String toString() {
      return text.replace("\r", "\\r").replace("\t", "\\t");
    }
  }

  @Provide
  Arbitrary<Generated> streams() {
    return Arbitraries.randomValue(random -> new Writer(random).stream());
  }

  @Property(tries = 300)
  void patchingChangesExactlyTheMarkedValues(@ForAll("streams") Generated g) {
    SetterPatcher patcher = SetterPatcher.create();
    Patch patch = patcher.patch(Path.of("gen.yaml"), g.text, SELECTIONS);
    Statistics.label("changed values")
        .collect(patch.changes().isEmpty() ? "none" : patch.changes().size() < 3 ? "1-2" : "3+");
    Statistics.label("warnings").collect(patch.findings().isEmpty() ? "none" : "some");

    // the bytes differ only inside the edits, and each edit covers the marked value's token
    RealWorldCorpusTest.checkEdits(g.text, patch);
    for (Change c : patch.changes()) {
      String token = g.text.substring(c.edit().offset(), c.edit().offset() + c.edit().length());
      assertThat(g.markedTokens).containsEntry(c.line(), token);
    }
    assertThat(patch.changes().stream().map(Change::line).collect(Collectors.toSet()))
        .isEqualTo(g.markedTokens.keySet());

    // the output parses to the same tree except the changed values
    List<Object> before = loadAll(g.text);
    List<Object> after = loadAll(patch.content());
    List<Object[]> diffs = new ArrayList<>();
    compare(before, after, diffs);
    assertThat(diffs).hasSize(patch.changes().size());
    Set<String> newValues = new TreeSet<>();
    patch.changes().forEach(c -> newValues.add(c.newValue()));
    for (Object[] d : diffs) {
      assertThat(d[1]).isInstanceOf(String.class);
      assertThat(newValues).contains((String) d[1]);
    }

    Patch again = patcher.patch(Path.of("gen.yaml"), patch.content(), SELECTIONS);
    assertThat(again.changes()).isEmpty();
  }

  private static List<Object> loadAll(String text) {
    List<Object> docs = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(text).forEach(docs::add);
    return docs;
  }

  private static void compare(Object a, Object b, List<Object[]> diffs) {
    if (a instanceof Map && b instanceof Map) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> ma = (Map<Object, Object>) a;
      @SuppressWarnings("unchecked")
      Map<Object, Object> mb = (Map<Object, Object>) b;
      assertThat(mb.keySet()).containsExactlyElementsOf(ma.keySet());
      for (Object k : ma.keySet()) {
        compare(ma.get(k), mb.get(k), diffs);
      }
    } else if (a instanceof List && b instanceof List) {
      List<?> la = (List<?>) a;
      List<?> lb = (List<?>) b;
      assertThat(lb).hasSameSizeAs(la);
      for (int i = 0; i < la.size(); i++) {
        compare(la.get(i), lb.get(i), diffs);
      }
    } else if (a == null ? b != null : !a.equals(b)) {
      assertThat(a).isNotInstanceOfAny(Map.class, List.class);
      diffs.add(new Object[] {a, b});
    }
  }

  /** Writes one random stream. */
  static final class Writer {
    private static final String[] WORDS = {
      "hello",
      "podinfo",
      "a b c",
      "x: y",
      "# not a comment",
      "it's",
      "say \"hi\"",
      "true",
      "42",
      "3.14",
      "null",
      "~",
      "中文值",
      "😀 emoji",
      "{\"$imagepolicy\": \"ns:one\"}",
      "ends with:",
      "-dash",
      "@at",
      "v1.2",
      "1.10",
      "",
      "tab\there"
    };
    private static final String[] COMMENTS = {
      "a note",
      "部署 🚀 配置",
      "{\"$imagepolicy\": \"ns:one\"} was here",
      "{not json}",
      "#",
      "",
      "image: ghcr.io/org/one:0.1 # {\"$imagepolicy\": \"ns:one\"}"
    };
    private static final String[] KEYS = {
      "name",
      "image",
      "tag",
      "version",
      "repository",
      "spec",
      "values",
      "キー",
      "\"🐳 key\"",
      "'quoted key'",
      "with-dash",
      "a1",
      "b2",
      "c3"
    };

    private final Random random;
    private final String nl;
    private final int step;
    private final StringBuilder out = new StringBuilder();
    private final Map<Integer, String> marked = new HashMap<>();
    private int line = 1;

    Writer(Random random) {
      this.random = random;
      this.nl = random.nextInt(4) == 0 ? "\r\n" : "\n";
      this.step = random.nextBoolean() ? 2 : 4;
    }

    Generated stream() {
      if (random.nextInt(5) == 0) {
        out.append('\uFEFF');
      }
      int docs = 1 + random.nextInt(3);
      for (int d = 0; d < docs; d++) {
        if (d > 0 || random.nextBoolean()) {
          emit("---");
        }
        mapping(0, 0);
        if (random.nextInt(4) == 0) {
          emit("...");
        }
      }
      String text = out.toString();
      if (random.nextInt(4) == 0) {
        text = text.substring(0, text.length() - nl.length());
      }
      return new Generated(text, marked);
    }

    private void emit(String text) {
      out.append(text).append(nl);
      line++;
    }

    private String pad(int n) {
      return " ".repeat(n);
    }

    private <T> T pick(T[] from) {
      return from[random.nextInt(from.length)];
    }

    private void mapping(int indent, int depth) {
      int entries = 1 + random.nextInt(5);
      Set<String> used = new LinkedHashSet<>();
      for (int i = 0; i < entries; i++) {
        String key = pick(KEYS);
        if (!used.add(key)) {
          continue;
        }
        if (random.nextInt(5) == 0) {
          emit(pad(indent) + "#" + (random.nextBoolean() ? " " : "") + pick(COMMENTS));
        }
        if (random.nextInt(6) == 0) {
          emit("");
        }
        int kind = depth >= 3 ? 0 : random.nextInt(10);
        String head = pad(indent) + key + ":";
        if (kind < 6) {
          scalarLine(head + " ");
        } else if (kind == 6) {
          emit(head + trailingComment());
          mapping(indent + step, depth + 1);
        } else if (kind == 7) {
          emit(head + trailingComment());
          int itemIndent = random.nextBoolean() ? indent : indent + step;
          int items = 1 + random.nextInt(3);
          for (int j = 0; j < items; j++) {
            scalarLine(pad(itemIndent) + "- ");
          }
        } else if (kind == 8) {
          emit(
              head + " [" + plainWord() + ", \"" + escape(pick(WORDS)) + "\"]" + trailingComment());
        } else {
          emit(head + " |" + (random.nextBoolean() ? "-" : "") + trailingComment());
          emit(pad(indent + step) + "image: ghcr.io/org/one:0.1 # {\"$imagepolicy\": \"ns:one\"}");
          emit(pad(indent + step) + pick(COMMENTS));
        }
      }
      if (used.isEmpty()) {
        scalarLine(pad(indent) + "fallback: ");
      }
    }

    private String trailingComment() {
      return random.nextInt(3) == 0 ? "  # " + pick(COMMENTS) : "";
    }

    private String plainWord() {
      String[] safe = {"hello", "podinfo", "v1.2", "中文值", "x"};
      return pick(safe);
    }

    private void scalarLine(String head) {
      if (random.nextInt(10) < 4) {
        markedLine(head);
        return;
      }
      String value = pick(WORDS);
      String token;
      int style = random.nextInt(3);
      if (style == 0 && isPlainWord(value)) {
        token = value;
      } else if (style == 1 && !value.contains("\t")) {
        token = "'" + value.replace("'", "''") + "'";
      } else {
        token = "\"" + escape(value) + "\"";
      }
      emit(head + token + trailingComment());
    }

    private static boolean isPlainWord(String v) {
      return !v.isEmpty()
          && v.matches("[\\p{L}\\p{So}0-9][\\p{L}\\p{So}0-9 .]*[\\p{L}\\p{So}0-9]|[a-z]");
    }

    private void markedLine(String head) {
      String[][] forms = {
        {"ns:one", "ghcr.io/org/one:1.0.0"},
        {"ns:one", "ghcr.io/org/one:1.0.0@sha256:" + "00".repeat(32)},
        {"ns:one:tag", "1.0.0"},
        {"ns:one:name", "ghcr.io/org/old"},
        {"ns:one:digest", "sha256:" + "00".repeat(32)},
        {"ns:two", "nginx:1.9.0"},
        {"ns:two:tag", "v1.9"},
        {"ns:missing:tag", "1.0.0"}
      };
      String[] form = pick(forms);
      String token;
      switch (random.nextInt(3)) {
        case 0:
          token = form[1];
          break;
        case 1:
          token = "'" + form[1] + "'";
          break;
        default:
          token = "\"" + form[1] + "\"";
          break;
      }
      String gap = random.nextBoolean() ? " " : random.nextBoolean() ? "    " : "\t ";
      String json =
          random.nextBoolean()
              ? "{\"$imagepolicy\": \"" + form[0] + "\"}"
              : "{ \"$imagepolicy\" :  \"" + form[0] + "\" }";
      String hash = random.nextInt(4) == 0 ? "#" : "# ";
      String trailing = random.nextInt(5) == 0 ? "  " : "";
      if (!form[0].startsWith("ns:missing")) {
        marked.put(line, token);
      }
      emit(head + token + gap + hash + json + trailing);
    }

    private static String escape(String v) {
      return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t");
    }
  }
}
