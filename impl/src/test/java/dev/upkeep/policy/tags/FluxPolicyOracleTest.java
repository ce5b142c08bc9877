package dev.upkeep.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.policy.VersionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The numerical and alphabetical policies and the tag filter against Flux itself: {@code
 * flux-irc-oracle.tsv} holds tag lists, orders and filters with the tag Flux picks, printed by a Go
 * program (go1.19.8) built from image-reflector-controller's {@code internal/policy} and given the
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
        VersionPolicy p =
            f[0].equals("numerical")
                ? (ascending ? NumericalPolicy.ascending() : NumericalPolicy.descending())
                : (ascending ? AlphabeticalPolicy.ascending() : AlphabeticalPolicy.descending());
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
    assertThat(cases).isGreaterThan(250);
    assertThat(wrong).isEmpty();
  }
}
