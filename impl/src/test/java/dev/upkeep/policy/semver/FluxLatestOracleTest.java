package dev.upkeep.policy.semver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SemverPolicy} against Flux itself: {@code flux-oracle.tsv} holds 456 constraints and tag
 * lists (84 constraints, valid and not; tags with {@code v}, leading zeros, prereleases, build
 * metadata, numbers past 64 bits, partial and four-part tags) and the tag Flux picks, printed by a
 * Go program built from Masterminds/semver v3 (71f2b39), fluxcd/pkg's {@code ParseVersion} and
 * image-reflector-controller's {@code SemVer.Latest} (given the tags bytewise descending, so that
 * among equal versions it keeps the bytewise greatest, as Upkeep does whatever the order).
 */
class FluxLatestOracleTest {

  @Test
  void picksWhatFluxPicksForEveryCase() throws IOException {
    List<String> wrong = new ArrayList<>();
    int cases = 0;
    try (InputStream in = getClass().getResourceAsStream("flux-oracle.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        List<String> tags = f[1].isEmpty() ? List.of() : Arrays.asList(f[1].split(" "));
        String picked;
        try {
          picked = SemverPolicy.of(f[0]).select(tags).orElse("NONE");
        } catch (IllegalArgumentException e) {
          picked = "ERR";
        }
        cases++;
        if (!picked.equals(f[2])) {
          wrong.add("\"" + f[0] + "\" over " + tags + ": Flux " + f[2] + ", Upkeep " + picked);
        }
      }
    }
    assertThat(cases).isEqualTo(456);
    assertThat(wrong).isEmpty();
  }
}
