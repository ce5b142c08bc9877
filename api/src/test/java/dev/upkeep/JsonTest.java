package dev.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.json.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void readsObjectsArraysAndScalars() throws Exception {
    Object v =
        Json.parse(
            " {\"a\": [1, -2.5, true, false, null, 1e3], \"s\": \"x\\\"y\\n\\u00fc\", \"o\": {}} ");
    assertThat(v)
        .isEqualTo(
            Map.of(
                "a", Arrays.asList(1L, -2.5, true, false, null, 1000.0),
                "s", "x\"y\nü",
                "o", Map.of()));
  }

  @Test
  void letsARepeatedKeyWinAsGoDoes() throws Exception {
    assertThat(Json.parse("{\"a\": \"1\", \"a\": \"2\"}")).isEqualTo(Map.of("a", "2"));
  }

  @Test
  void writesCompactlyWhatItReads() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", "Update \"podinfo\"\tnow\n");
    m.put("ids", List.of(1L, 2L));
    m.put("none", null);
    String json = Json.compact(m);
    assertThat(json)
        .isEqualTo("{\"title\":\"Update \\\"podinfo\\\"\\tnow\\n\",\"ids\":[1,2],\"none\":null}");
    assertThat(Json.parse(json)).isEqualTo(m);
  }

  @Test
  void writesIndentedForPeople() {
    assertThat(Json.write(Map.of("a", List.of(1, 2))))
        .isEqualTo("{\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
    assertThat(Json.write(Map.of())).isEqualTo("{}\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<html>",
        "{\"a\":1} x",
        "{'a': 1}",
        "[01]",
        "[1.]",
        "[+1]",
        "\"\t\"",
        "\"\\x\"",
        "{\"a\" 1}",
        "\u000b{}",
        "[1,]"
      })
  void rejectsWhatRfc8259Rejects(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.MalformedException.class);
  }

  @Test
  void saysWhereATruncatedBodyEnds() {
    assertThatThrownBy(() -> Json.parse("{\"tags\": [\"1.0\""))
        .hasMessage("the body ends early at character 15");
  }

  @Test
  void refusesDeepNesting() {
    assertThatThrownBy(() -> Json.parse("[[[1]]]", 2)).hasMessageContaining("nested more than 2");
  }
}
