package dev.upkeep.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CacheDirectory#write}: a file gets into the cache whole, and only within its limit. */
class CacheDirectoryTest {
  @TempDir Path root;

  @Test
  void writesAContentWithinItsLimitAndStopsOneOverItLeavingNothingBehind() throws Exception {
    CacheDirectory dir = new CacheDirectory(root, "kept");

    boolean within = dir.write(dir.resolve("a"), 10, out -> out.write(new byte[10]));
    boolean over =
        dir.write(
            dir.resolve("b"),
            10,
            out -> {
              for (int i = 0; i < 1_000_000; i++) {
                out.write(1); // stopped at the eleventh byte, not written to the end
              }
            });

    assertThat(within).isTrue();
    assertThat(over).isFalse();
    try (Stream<Path> files = Files.list(dir.path())) {
      assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("a");
    }
    assertThat(Files.size(dir.resolve("a"))).isEqualTo(10);
  }
}
