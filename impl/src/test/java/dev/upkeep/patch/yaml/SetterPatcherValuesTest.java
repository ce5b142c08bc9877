package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upkeep.patch.Change;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SetterPatcherValuesTest {

  @Test
  void readsEveryMarkedValueWithoutChangingAnything() {
    String content =
        "image: ghcr.io/org/app:1.2.3@sha256:abc # {\"$imagepolicy\": \"ns:app\"}\n"
            + "tag: '2.0.0' # {\"$imagepolicy\": \"ns:web:tag\"}\n"
            + "# image: old:1.0 # {\"$imagepolicy\": \"ns:gone\"}\n"
            + "bad: x # {\"$imagepolicy\": \"ns::typo:tag\"}\n";
    assertThat(SetterPatcher.create().values(Path.of("a.yaml"), content))
        .extracting(
            MarkedValue::policy, MarkedValue::field, MarkedValue::line, MarkedValue::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ns:app", Change.Field.IMAGE, 1, "1.2.3"),
            org.assertj.core.groups.Tuple.tuple("ns:web", Change.Field.TAG, 2, "2.0.0"));
  }

  @Test
  void leavesOutAMarkerAboveAnItemThatTheMarkerOnTheItemsLineOverrides() {
    String content =
        "args:\n"
            + "  # {\"$imagepolicy\": \"ns:app\"}\n"
            + "  - ghcr.io/org/app:1.2.3 # {\"$imagepolicy\": \"ns:web:tag\"}\n";
    assertThat(SetterPatcher.create().values(Path.of("a.yaml"), content))
        .extracting(MarkedValue::policy, MarkedValue::field, MarkedValue::line)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ns:web", Change.Field.TAG, 3));
  }
}
