package dev.upkeep.publish.git;

import dev.upkeep.ArtifactRef;
import dev.upkeep.FileReport;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.TreeChanges;
import dev.upkeep.publish.WorkTreeUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Work tree updates for tests: replace one value in files, as the pipeline's patcher would. */
final class Updates {
  static final String POLICY = "flux-system:podinfo";
  static final Selection SELECTION =
      Selection.of(POLICY, ArtifactRef.parse("oci://ghcr.io/stefanprodan/charts/podinfo"), "6.5.4");

  private Updates() {}

  /** Replaces {@code from} with {@code to} in each of {@code files} that contains it. */
  static CountingUpdate replace(String from, String to, String... files) {
    return new CountingUpdate(from, to, List.of(files));
  }

  /** An update that counts how often the publisher applied it. */
  static final class CountingUpdate implements WorkTreeUpdate {
    final AtomicInteger calls = new AtomicInteger();
    private final String from;
    private final String to;
    private final List<String> files;

    CountingUpdate(String from, String to, List<String> files) {
      this.from = from;
      this.to = to;
      this.files = files;
    }

    @Override
    public TreeChanges apply(Path workTree) {
      calls.incrementAndGet();
      List<FileReport> reports = new ArrayList<>();
      try {
        for (String f : files) {
          Path p = workTree.resolve(f);
          if (!Files.exists(p)) {
            continue;
          }
          String text = Files.readString(p, StandardCharsets.UTF_8);
          int at = text.indexOf(from);
          if (at < 0) {
            continue;
          }
          int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
          Files.writeString(p, text.substring(0, at) + to + text.substring(at + from.length()));
          reports.add(
              new FileReport(
                  f,
                  List.of(
                      new Change(
                          POLICY,
                          Change.Field.TAG,
                          line,
                          1,
                          from,
                          to,
                          new Change.Edit(at, from.length(), to)))));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new TreeChanges(reports, Map.of(POLICY, SELECTION));
    }
  }
}
