package dev.upkeep;

import dev.upkeep.markdown.Markdown;
import dev.upkeep.review.ChartDiff;
import dev.upkeep.review.ChartReview;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders the chart reviews of an {@link UpdateReport}: warnings first, details folded. */
final class ChartSection {
  /** Default-value rows shown per chart in Markdown; the JSON has them all. */
  static final int VALUE_ROWS = 100;

  /** Default-value changes listed per chart in text. */
  static final int TEXT_VALUES = 10;

  private ChartSection() {}

  static List<Object> json(List<ChartReview> charts) {
    List<Object> out = new ArrayList<>();
    for (ChartReview c : charts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", c.policy());
      m.put("artifact", c.artifact().toString());
      m.put("file", c.file());
      m.put("line", c.line());
      m.put("oldVersion", c.oldVersion());
      m.put("newVersion", c.newVersion());
      m.put("unavailable", c.unavailable());
      List<Object> ws = new ArrayList<>();
      for (ChartReview.Warning w : c.warnings()) {
        Map<String, Object> wm = new LinkedHashMap<>();
        wm.put("kind", lower(w.kind()));
        wm.put("id", w.id());
        wm.put("file", w.file().isEmpty() ? null : w.file());
        wm.put("line", w.line() > 0 ? w.line() : null);
        wm.put("key", w.key());
        wm.put("renamedTo", w.renamedTo());
        wm.put("message", w.message());
        ws.add(wm);
      }
      m.put("warnings", ws);
      m.put("diff", c.diff().map(ChartSection::json));
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> json(ChartDiff d) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> values = new ArrayList<>();
    for (ChartDiff.ValueChange v : d.defaults()) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("key", v.key());
      vm.put("change", lower(v.kind()));
      vm.put("old", v.oldValue());
      vm.put("new", v.newValue());
      values.add(vm);
    }
    m.put("defaults", values);
    List<Object> crds = new ArrayList<>();
    for (ChartDiff.CrdChange c : d.crds()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("kind", c.kind());
      cm.put("group", c.group());
      cm.put("change", lower(c.change()));
      crds.add(cm);
    }
    m.put("crds", crds);
    List<Object> fields = new ArrayList<>();
    for (ChartDiff.FieldChange f : d.chart()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("field", f.field());
      fm.put("old", f.oldValue());
      fm.put("new", f.newValue());
      fields.add(fm);
    }
    m.put("chart", fields);
    m.put("schema", lower(d.schema()));
    return m;
  }

  /** The warnings of every chart, and the charts whose diff is unavailable, as a list. */
  static void markdownWarnings(List<ChartReview> charts, StringBuilder out) {
    List<String> lines = new ArrayList<>();
    for (ChartReview c : charts) {
      for (ChartReview.Warning w : c.warnings()) {
        String where = w.file().isEmpty() ? "" : Markdown.code(w.file() + ":" + w.line()) + ": ";
        lines.add(
            "- :warning: "
                + where
                + Markdown.text(w.message())
                + " ("
                + Markdown.code(w.id())
                + ")");
      }
      c.unavailable()
          .ifPresent(
              r ->
                  lines.add(
                      "- chart diff of "
                          + Markdown.code(c.artifact().name())
                          + " "
                          + Markdown.text(c.oldVersion() + " → " + c.newVersion())
                          + " could not be computed: "
                          + Markdown.text(r)));
    }
    if (lines.isEmpty()) {
      return;
    }
    out.append("**Chart warnings**\n\n");
    lines.stream().limit(50).forEach(l -> out.append(l).append('\n'));
    if (lines.size() > 50) {
      out.append("- and ").append(lines.size() - 50).append(" more\n");
    }
    out.append('\n');
  }

  /**
   * One folded section per chart change with its defaults, CRDs, Chart.yaml and schema, while
   * {@code out} stays within {@code limit} characters: a section's default values stop where the
   * next would pass it, and a section that does not fit is left out and counted.
   */
  static void markdownDetails(List<ChartReview> charts, StringBuilder out, int limit) {
    if (charts.stream().allMatch(c -> c.diff().isEmpty())) {
      return;
    }
    out.append("\n**Chart changes**\n");
    // room for the lines that close a section and count what was left out
    int room = limit - 200;
    // One section per chart move, however many environments make it.
    Map<String, List<ChartReview>> moves = new LinkedHashMap<>();
    for (ChartReview c : charts) {
      if (c.diff().isPresent()) {
        moves
            .computeIfAbsent(
                c.artifact() + " " + c.oldVersion() + " " + c.newVersion(), k -> new ArrayList<>())
            .add(c);
      }
    }
    int skipped = 0;
    for (List<ChartReview> move : moves.values()) {
      if (out.length() > UpdateReport.MARKDOWN_LIMIT * 3 / 4) {
        skipped++;
        continue;
      }
      ChartReview c = move.get(0);
      ChartDiff d = c.diff().get();
      StringBuilder section = new StringBuilder();
      section.append("\n<details><summary>").append(title(c)).append(" in ");
      move.stream()
          .limit(10)
          .forEach(
              m ->
                  section
                      .append(m == c ? "" : ", ")
                      .append("<code>")
                      .append(Markdown.html(m.file()))
                      .append(':')
                      .append(m.line())
                      .append("</code>"));
      if (move.size() > 10) {
        section.append(" and ").append(move.size() - 10).append(" more");
      }
      section.append(": ").append(summary(d)).append("</summary>\n\n");
      if (!d.chart().isEmpty()) {
        row(section, "Chart.yaml", "old", "new").append("|---|---|---|\n");
        d.chart()
            .forEach(f -> row(section, code(f.field()), code(f.oldValue()), code(f.newValue())));
        section.append('\n');
      }
      if (!d.crds().isEmpty()) {
        row(section, "CRD", "group", "change").append("|---|---|---|\n");
        d.crds().forEach(k -> row(section, code(k.kind()), code(k.group()), lower(k.change())));
        section.append('\n');
      }
      if (d.schema() != ChartDiff.Schema.NONE && d.schema() != ChartDiff.Schema.UNCHANGED) {
        section.append("`values.schema.json` ").append(lower(d.schema())).append(".\n\n");
      }
      if (!d.defaults().isEmpty()) {
        row(section, "default value", "old", "new").append("|---|---|---|\n");
        int shown = 0;
        for (ChartDiff.ValueChange v : d.defaults()) {
          StringBuilder line =
              row(
                  new StringBuilder(),
                  code(v.key()),
                  code(v.oldValue().orElse("")),
                  code(v.newValue().orElse("")));
          if (shown == VALUE_ROWS || out.length() + section.length() + line.length() > room) {
            break;
          }
          section.append(line);
          shown++;
        }
        int left = d.defaults().size() - shown;
        if (left > 0) {
          section
              .append("\n")
              .append(left)
              .append(' ')
              .append(plural(left, "more default value", "more default values"))
              .append(" changed; the JSON report has them all.\n");
        }
        section.append('\n');
      }
      section.append("</details>\n");
      if (out.length() + section.length() > room) {
        skipped++;
        continue;
      }
      out.append(section);
    }
    if (skipped > 0) {
      out.append("\n")
          .append(skipped)
          .append(
              plural(
                  skipped,
                  " more chart change; the JSON report has it.\n",
                  " more chart changes; the JSON report has them.\n"));
    }
  }

  /** Warnings first, then what changed, a few default values at most. */
  static void text(List<ChartReview> charts, StringBuilder out) {
    Set<String> shown = new HashSet<>();
    for (ChartReview c : charts) {
      out.append("chart ")
          .append(c.artifact().name())
          .append(' ')
          .append(c.oldVersion())
          .append(" -> ")
          .append(c.newVersion())
          .append(" (")
          .append(c.file())
          .append(':')
          .append(c.line())
          .append(")\n");
      c.unavailable().ifPresent(r -> out.append("  diff unavailable: ").append(r).append('\n'));
      c.warnings().forEach(w -> out.append("  warning: ").append(w).append('\n'));
      if (c.diff().isPresent()
          && !shown.add(c.artifact() + " " + c.oldVersion() + " " + c.newVersion())) {
        out.append("  chart changes as above\n");
      } else {
        c.diff().ifPresent(d -> text(d, out));
      }
    }
  }

  private static void text(ChartDiff d, StringBuilder out) {
    d.chart()
        .forEach(
            f ->
                out.append("  ")
                    .append(f.field())
                    .append(": ")
                    .append(orNone(f.oldValue()))
                    .append(" -> ")
                    .append(orNone(f.newValue()))
                    .append('\n'));
    d.crds()
        .forEach(
            k ->
                out.append("  CRD ")
                    .append(lower(k.change()))
                    .append(": ")
                    .append(k.kind())
                    .append('.')
                    .append(k.group())
                    .append('\n'));
    if (d.schema() != ChartDiff.Schema.NONE && d.schema() != ChartDiff.Schema.UNCHANGED) {
      out.append("  values.schema.json ").append(lower(d.schema())).append('\n');
    }
    d.defaults().stream()
        .limit(TEXT_VALUES)
        .forEach(
            v ->
                out.append("  default ")
                    .append(v.key())
                    .append(": ")
                    .append(v.oldValue().orElse("(none)"))
                    .append(" -> ")
                    .append(v.newValue().orElse("(none)"))
                    .append('\n'));
    if (d.defaults().size() > TEXT_VALUES) {
      out.append("  and ")
          .append(d.defaults().size() - TEXT_VALUES)
          .append(
              plural(
                  d.defaults().size() - TEXT_VALUES,
                  " more default value changed\n",
                  " more default values changed\n"));
    }
  }

  private static String summary(ChartDiff d) {
    List<String> parts = new ArrayList<>();
    if (!d.chart().isEmpty()) {
      parts.add(d.chart().size() + " Chart.yaml " + plural(d.chart().size(), "field", "fields"));
    }
    if (!d.crds().isEmpty()) {
      parts.add(d.crds().size() + " " + plural(d.crds().size(), "CRD", "CRDs"));
    }
    if (d.schema() != ChartDiff.Schema.NONE && d.schema() != ChartDiff.Schema.UNCHANGED) {
      parts.add("schema " + lower(d.schema()));
    }
    if (!d.defaults().isEmpty()) {
      parts.add(d.defaults().size() + " default " + plural(d.defaults().size(), "value", "values"));
    }
    return parts.isEmpty() ? "nothing else changed" : String.join(", ", parts);
  }

  /** The chart move as raw HTML, for a {@code <summary>}. */
  private static String title(ChartReview c) {
    return "<code>"
        + Markdown.html(c.artifact().name())
        + "</code> "
        + Markdown.html(c.oldVersion())
        + " → "
        + Markdown.html(c.newVersion());
  }

  /** A table row of cells already escaped. */
  private static StringBuilder row(StringBuilder out, String... cells) {
    out.append('|');
    for (String c : cells) {
      out.append(' ').append(c).append(" |");
    }
    return out.append('\n');
  }

  private static String plural(int n, String one, String many) {
    return n == 1 ? one : many;
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "(none)" : s;
  }

  private static String code(String s) {
    if (s.length() <= 200) {
      return Markdown.codeCell(s);
    }
    // never between the two halves of a character beyond the BMP (an emoji)
    int end = Character.isHighSurrogate(s.charAt(199)) ? 199 : 200;
    return Markdown.codeCell(s.substring(0, end) + "…");
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
