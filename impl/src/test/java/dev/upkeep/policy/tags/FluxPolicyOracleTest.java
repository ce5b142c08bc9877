package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.policy.VersionPolicy;
import dev.upkeep.policy.semver.SemverPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The numerical, alphabetical and semver policies behind a tag filter against Flux itself: {@code
 * flux-irc-oracle.tsv} holds tag lists, orders (or semver constraints) and filters with the tag
 * Flux picks, printed by a Go program (go1.19.8) built from image-reflector-controller's {@code
 * internal/policy} (with Masterminds/semver and fluxcd/pkg's {@code ParseVersion}) and given the
 * tags bytewise descending, as its database stores them.
 */
class FluxPolicyOracleTest {

  @Test
  void picksWhatFluxPicksForEveryCase() throws IOException {
    List<String> wrong = new ArrayList<>();
    int cases = 0;
    try (InputStream in = getClass().getResourceAsStream("flux-irc-oracle.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        boolean ascending = f[1].equals("ASC");
        VersionPolicy p;
        if (f[0].equals("semver")) {
          p = SemverPolicy.of(f[1]); // the constraint, in the order column
        } else if (f[0].equals("numerical")) {
          p = ascending ? NumericalPolicy.ascending() : NumericalPolicy.descending();
        } else {
          p = ascending ? AlphabeticalPolicy.ascending() : AlphabeticalPolicy.descending();
        }
        if (!f[2].isEmpty()) {
          TagFilter filter = TagFilter.pattern(f[2]);
          p = (f[3].isEmpty() ? filter : filter.extract(f[3])).then(p);
        }
        List<String> tags = Arrays.asList(f[4].split(" "));
        String picked;
        try {
          picked = p.select(tags).orElse("NONE");
        } catch (IllegalArgumentException e) {
          picked = "ERR";
        }
        cases++;
        if (!picked.equals(f[5])) {
          wrong.add(line + ": Upkeep " + picked);
        }
      }
    }
    assertThat(cases).isGreaterThan(450);
    assertThat(wrong).isEmpty();
  }
}
