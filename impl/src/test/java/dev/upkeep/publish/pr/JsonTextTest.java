package dev.upkeep.publish.pr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  @Test
  void readsObjectsArraysAndScalars() {
    Object v =
        JsonText.parse(
            " {\"a\": [1, -2.5, true, false, null], \"s\": \"x\\\"y\\n\\u00fc\", \"o\": {}} ");

    assertThat(v)
        .isEqualTo(
            Map.of(
                "a", Arrays.asList(1L, -2.5, true, false, null),
                "s", "x\"y\nü",
                "o", Map.of()));
  }

  @Test
  void writesWhatItReads() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", "Update \"podinfo\"\tnow\n");
    m.put("ids", List.of(1L, 2L));
    m.put("none", null);

    String json = JsonText.write(m);

    assertThat(json)
        .isEqualTo("{\"title\":\"Update \\\"podinfo\\\"\\tnow\\n\",\"ids\":[1,2],\"none\":null}");
    assertThat(JsonText.parse(json)).isEqualTo(m);
  }

  @Test
  void rejectsTextThatIsNotJson() {
    assertThatThrownBy(() -> JsonText.parse("<html>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid JSON at offset 0");
    assertThatThrownBy(() -> JsonText.parse("{\"a\":1} x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
