package dev.upkeep.flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ConfigurationException;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GoTemplate} against Go's own {@code text/template}: each expected output was printed by
 * go1.19.8 rendering the same template with the same {@code .Values} (Sprig's {@code upper}, {@code
 * contains}, {@code hasPrefix}, {@code replace} and {@code default} given to Go as their Sprig
 * definitions). Go sorts map keys; the values here are a sorted map.
 */
class GoTemplateTest {

  static final Map<String, String> VALUES =
      new TreeMap<>(Map.of("a", "1", "b", "2", "env", "prod", "name", "my-app", "empty", ""));

  static Stream<Arguments> asGoRendersThem() {
    return Stream.of(
        Arguments.of(
            "{{- $sep := \"\" -}}{{- range $k, $v := .Values -}}{{- print $sep $k \"=\" $v -}}{{- $sep = \", \" -}}{{- end -}}",
            "a=1, b=2, empty=, env=prod, name=my-app"),
        Arguments.of(
            "{{ print 1 2 \"a\" 3 }}|{{ println \"a\" 1 }}|{{ printf \"%s=%q %d%%\" \"k\" \"v\" 5 }}|{{ printf \"%d\" \"x\" }}",
            "1 2a3|a 1\n|k=\"v\" 5%|%!d(string=x)"),
        Arguments.of("{{ if and .Values.a (not .Values.missing) }}yes{{ else }}no{{ end }}", "yes"),
        Arguments.of(
            "{{ len .Values }} {{ index .Values \"a\" }} {{ eq .Values.a \"1\" \"2\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge \"b\" \"a\" }}",
            "5 1 true true true true"),
        Arguments.of("a  {{- 1 -}}  b\n{{ 2 }}\n  {{- 3 }}", "a1b\n23"),
        Arguments.of(
            "{{ range $i, $k := .Values }}{{ if $i }},{{ end }}{{ $k }}{{ end }}",
            ",1,2,,prod,my-app"),
        Arguments.of("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"),
        Arguments.of(
            "{{ or .Values.empty .Values.missing \"fallback\" }}|{{ and 1 0 2 }}|{{ or 0 \"\" }}",
            "fallback|0|"),
        Arguments.of(
            "{{ .Values.name | replace \"-\" \"_\" | upper }}|{{ contains \"pro\" .Values.env }}|{{ hasPrefix \"my\" .Values.name }}",
            "MY_APP|true|true"),
        Arguments.of(
            "{{ printf \"%v %s\" (len .Values) .Values.env }}|{{ (print \"x\") }}", "5 prod|x"),
        Arguments.of(
            "{{ print \"a\" \"b\" }}{{ print 1 \"b\" 2 }}{{ print true false }}",
            "ab1b2true false"),
        Arguments.of(
            "{{ default \"none\" .Values.empty }}/{{ .Values.env | default \"x\" }}", "none/prod"),
        Arguments.of("{{ printf \"%q\" \"a\\tb\\\"c\" }}", "\"a\\tb\\\"c\""),
        Arguments.of("{{ range .Values }}{{ . }}{{ else }}none{{ end }}", "12prodmy-app"),
        Arguments.of("{{ \"lit\" }} {{ `raw\\n` }} {{ 42 }} {{ -7 }}", "lit raw\\n 42 -7"),
        Arguments.of(
            "{{- /* a comment */ -}}\nx {{ if eq (len .Values) 5 }}five{{ end }} {{ printf \"%v\" .Values }}",
            "x five map[a:1 b:2 empty: env:prod name:my-app]"),
        Arguments.of(
            "[{{ index .Values \"missing\" }}]{{ print }}|{{ println }}|{{ .Values.a | printf \"%s-%s\" \"x\" }}",
            "[]|\n|x-1"),
        Arguments.of(
            "{{ range $k, $v := .Values }}{{ range $j, $w := $.Values }}{{ if eq $k $j }}{{ $v }}{{ end }}{{ end }}{{ end }}",
            "12prodmy-app"),
        Arguments.of("line1\n  {{- \"x\" }}\n{{ \"y\" -}}\n   line3", "line1x\nyline3"),
        Arguments.of(
            "{{ $a := \"p\" }}{{ range .Values }}{{ $a = print $a . }}{{ end }}{{ $a }}",
            "p12prodmy-app"),
        Arguments.of(
            "{{ not \"\" }} {{ not 0 }} {{ not .Values }} {{ and \"\" \"x\" }} {{ or \"a\" \"b\" }}",
            "true true false  a"));
  }

  @ParameterizedTest
  @MethodSource
  void asGoRendersThem(String template, String go) {
    assertThat(GoTemplate.parse(template).render(Map.of("Values", VALUES))).isEqualTo(go);
  }

  static String render(String template) {
    return GoTemplate.parse(template).render(Map.of("Values", VALUES));
  }

  @Test
  void printsNoValueForAKeyTheValuesDoNotHaveAsGoDoes() {
    // Go's text/template: a missing map key is the invalid value, printed "<no value>"; given to
    // print or printf it is nil
    assertThat(render("[{{ .Values.missing }}]")).isEqualTo("[<no value>]");
    assertThat(render("{{ $x := .Values.missing }}[{{ $x }}]")).isEqualTo("[<no value>]");
    assertThat(render("{{ print .Values.missing }}|{{ printf \"%v\" .Values.missing }}"))
        .isEqualTo("<nil>|<nil>");
    assertThat(render("{{ .Values.missing | toString }}")).isEqualTo("<nil>");
    assertThat(render("{{ eq .Values.missing \"\" }} {{ ne .Values.missing \"x\" }}"))
        .isEqualTo("false true");
    assertThat(render("{{ index .Values \"missing\" }}|{{ .Values.missing | default \"d\" }}"))
        .isEqualTo("|d");
  }

  @Test
  void refusesAMissingKeyWhereAFunctionWantsAStringAsGoDoes() {
    assertThatThrownBy(() -> render("{{ .Values.missing | upper }}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("invalid value; expected string");
  }

  @Test
  void printsPrintfsMisfitsAndLeftoversAsGoDoes() {
    assertThat(render("{{ printf \"release\" .Values.env }}"))
        .isEqualTo("release%!(EXTRA string=prod)");
    assertThat(render("{{ printf \"%s\" (len .Values) }}|{{ printf \"%s\" true }}"))
        .isEqualTo("%!s(int=5)|%!s(bool=true)");
    assertThat(render("{{ printf \"%s|%d|%v\" nil nil nil }}"))
        .isEqualTo("%!s(<nil>)|%!d(<nil>)|<nil>");
    assertThat(render("{{ printf \"x\" 1 true }}")).isEqualTo("x%!(EXTRA int=1, bool=true)");
    assertThat(render("{{ print nil }}")).isEqualTo("<nil>");
  }

  @Test
  void titlesEveryWordAfterAPunctuationMarkAsSprigDoes() {
    // Sprig's title is strings.Title: a word starts after anything but a letter, digit or _
    assertThat(render("{{ title \"my-app v1.2/web_x\" }}")).isEqualTo("My-App V1.2/Web_x");
  }

  @Test
  void stopsAndAndOrAtTheDecidingArgumentAsGoDoes() {
    // Go 1.18+: and/or evaluate their arguments only until the result is known
    assertThat(render("{{ or true (index .Values \"a\" \"b\") }}")).isEqualTo("true");
    assertThat(render("{{ and false (index .Values \"a\" \"b\") }}")).isEqualTo("false");
  }

  @Test
  void refusesNilAsACommandAsGoDoes() {
    assertThatThrownBy(() -> render("{{ nil }}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("nil is not a command");
  }

  @Test
  void readsElseIfAsGoDoes() {
    // Go reads {{else if b}} as {{else}}{{if b}} whose {{end}} is the if's own
    String chain =
        "{{ if eq .Values.env \"dev\" }}d{{ else if eq .Values.env \"prod\" }}p"
            + "{{ else if .Values.a }}a{{ else }}none{{ end }}.";
    assertThat(render(chain)).isEqualTo("p.");
    assertThat(render("{{ if .Values.empty }}e{{- else if .Values.missing -}} m {{- end }}|"))
        .isEqualTo("|");
    assertThat(render("{{ range .Values.missing }}x{{ else if .Values.a }}a{{ end }}{{ end }}"))
        .isEqualTo("a");
  }

  @Test
  void refusesAnEndWithWordsAfterIt() {
    assertThatThrownBy(() -> render("{{ if true }}x{{ end if }}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("{{end if}}");
  }

  @Test
  void quotesANumberAsACharacterWithPercentQAsGoDoes() {
    assertThat(render("{{ printf \"%q %q %q %q\" 65 39 10 1 }}"))
        .isEqualTo("'A' '\\'' '\\n' '\\x01'");
  }

  @Test
  void refusesACommentThatDoesNotStartAtTheDelimiterAsGoDoes() {
    assertThat(render("a {{- /* c */ -}} b{{/* d */}}")).isEqualTo("ab");
    assertThatThrownBy(() -> render("a{{ /* c */ }}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("a comment must start right after {{ or {{-")
        .hasMessageContaining("position 1");
  }
}
