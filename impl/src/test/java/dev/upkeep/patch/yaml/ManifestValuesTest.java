package dev.upkeep.patch.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.patch.PatchException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestValuesTest {

  static ManifestValues.Value at(List<ManifestValues.Value> values, String... path) {
    return values.stream().filter(v -> v.path().equals(List.of(path))).findFirst().orElseThrow();
  }

  @Test
  void givesEachValueItsDocumentPathAndTheEndOfItsLine() {
    String text = "a: 1\r\n---\r\nspec:\r\n  list:\r\n    - image: x:1.0.0  \r\n";

    List<ManifestValues.Value> values = ManifestValues.scan(Path.of("f.yaml"), text);

    ManifestValues.Value image = at(values, "spec", "list", "0", "image");
    assertThat(image.document()).isEqualTo(1);
    assertThat(image.line()).isEqualTo(5);
    assertThat(image.notMarkable()).isNull();
    assertThat(text.substring(0, image.lineEnd())).endsWith("x:1.0.0  ");
    assertThat(at(values, "a").document()).isZero();
  }

  @Test
  void saysWhyAValueCannotTakeAMarker() {
    String text =
        "marked: 1.0.0 # {\"$imagepolicy\": \"ns:p:tag\"}\n"
            + "noted: 1.0.0 # mine\n"
            + "flow: {tag: 1.0.0}\n"
            + "block: |\n  1.0.0\n"
            + "pair: 1.0.0\n";

    List<ManifestValues.Value> values = ManifestValues.scan(Path.of("f.yaml"), text);

    assertThat(at(values, "marked").marked()).isTrue();
    assertThat(at(values, "noted").notMarkable()).isEqualTo("the line ends with a comment already");
    assertThat(at(values, "flow", "tag").notMarkable()).contains("flow collection");
    assertThat(at(values, "block").notMarkable()).isEqualTo("the value spans several lines");
    assertThat(at(values, "pair").notMarkable()).isNull();
  }

  @Test
  void refusesWhatThePatcherRefuses() {
    assertThatThrownBy(() -> ManifestValues.scan(Path.of("f.yaml"), "a: 1\na: 2\n"))
        .isInstanceOf(PatchException.class)
        .hasMessageContaining("duplicate mapping key \"a\"");
  }
}
