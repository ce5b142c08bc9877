package dev.upkeep.examples.bench.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A registry's worth of tags, the way real image and chart repositories mix them: plain and {@code
 * v}-prefixed releases, prereleases, build metadata (with Helm's {@code _}), and tags that are not
 * versions at all.
 */
final class MixedTags {

  private MixedTags() {}

  /** {@code size} tags, the same for the same seed. */
  static List<String> generate(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> tags = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int kind = r.nextInt(100);
      String core = r.nextInt(10) + "." + r.nextInt(40) + "." + r.nextInt(200);
      if (kind < 35) {
        tags.add(core);
      } else if (kind < 55) {
        tags.add("v" + core);
      } else if (kind < 70) {
        String pre = r.nextBoolean() ? "rc." : "beta.";
        tags.add(core + "-" + pre + r.nextInt(20));
      } else if (kind < 77) {
        tags.add(core + (r.nextBoolean() ? "+build." : "_build.") + r.nextInt(1000));
      } else if (kind < 85) {
        tags.add("main-" + Long.toHexString(r.nextLong() >>> 36) + "-" + (1_700_000_000 + i));
      } else if (kind < 90) {
        tags.add(
            "sha256-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()) + ".sig");
      } else if (kind < 95) {
        tags.add(r.nextInt(10) + "." + r.nextInt(40));
      } else {
        tags.add(r.nextBoolean() ? "latest" : "stable-" + r.nextInt(1000));
      }
    }
    return tags;
  }
}
