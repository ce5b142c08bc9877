package dev.upkeep.flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upkeep.ArtifactRef;
import dev.upkeep.ConfigurationException;
import dev.upkeep.FileReport;
import dev.upkeep.Selection;
import dev.upkeep.patch.Change;
import dev.upkeep.publish.TreeChanges;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FluxCommitMessageTest {

  static final String HELM_RELEASE =
      "apiVersion: helm.toolkit.fluxcd.io/v2\n"
          + "kind: HelmRelease\n"
          + "metadata:\n"
          + "  name: podinfo\n"
          + "  namespace: apps\n"
          + "spec:\n"
          + "  chart:\n"
          + "    spec:\n"
          + "      version: 6.5.4 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n";

  static TreeChanges changes() {
    Change c =
        new Change(
            "flux-system:podinfo",
            Change.Field.TAG,
            9,
            16,
            "6.5.0",
            "6.5.4",
            new Change.Edit(0, 5, "6.5.4"));
    return new TreeChanges(
        List.of(new FileReport("clusters/dev/podinfo.yaml", List.of(c))),
        Map.of(
            "flux-system:podinfo",
            Selection.of(
                "flux-system:podinfo", ArtifactRef.parse("oci://ghcr.io/x/podinfo"), "6.5.4")));
  }

  static String render(String template, Map<String, String> values) {
    return FluxCommitMessage.of(template, "flux-system", "fleet", values)
        .render(changes(), file -> HELM_RELEASE);
  }

  @Test
  void rendersTheTemplateFromFluxsDocumentation() {
    String template =
        "Automated image update\n\n"
            + "Automation name: {{ .AutomationObject }}\n\n"
            + "Files:\n"
            + "{{ range $filename, $_ := .Changed.FileChanges -}}\n"
            + "- {{ $filename }}\n"
            + "{{ end -}}\n\n"
            + "Objects:\n"
            + "{{ range $resource, $changes := .Changed.Objects -}}\n"
            + "- {{ $resource.Kind }} {{ $resource.Name }}\n"
            + "  Changes:\n"
            + "{{- range $_, $change := $changes }}\n"
            + "    - {{ $change.OldValue }} -> {{ $change.NewValue }}\n"
            + "{{ end -}}\n"
            + "{{ end -}}\n";
    assertThat(render(template, Map.of()))
        .isEqualTo(
            "Automated image update\n\n"
                + "Automation name: flux-system/fleet\n\n"
                + "Files:\n"
                + "- clusters/dev/podinfo.yaml\n"
                + "Objects:\n"
                + "- HelmRelease podinfo\n"
                + "  Changes:\n"
                + "    - 6.5.0 -> 6.5.4\n");
  }

  @Test
  void offersValuesSettersAndTheChangeList() {
    String template =
        "[{{ .Values.env | upper }}] {{ len .Changed.Changes }} change(s)"
            + "{{ range .Changed.Changes }} {{ .Setter }}={{ .NewValue }}{{ end }}"
            + "{{ if .Values.missing }} never{{ else }} by {{ .AutomationObject.Name }}{{ end }}";
    assertThat(render(template, Map.of("env", "dev")))
        .isEqualTo("[DEV] 1 change(s) flux-system:podinfo:tag=6.5.4 by fleet");
  }

  @Test
  void followsGosTruthForStringsAndNumbers() {
    assertThat(render("{{ if .Values.x }}yes{{ else }}no{{ end }}", Map.of("x", "0")))
        .isEqualTo("yes");
    assertThat(render("{{ if .Values.x }}yes{{ else }}no{{ end }}", Map.of("x", "")))
        .isEqualTo("no");
    assertThat(render("{{ if len .Values }}some{{ else }}none{{ end }}", Map.of()))
        .isEqualTo("none");
    assertThat(
            render(
                "{{ range $i, $c := .Changed.Changes }}{{ if $i }},{{ end }}{{ $c.NewValue }}{{ end }}",
                Map.of()))
        .isEqualTo("6.5.4");
  }

  static Change change(String policy, Change.Field field, int line, String from, String to) {
    return new Change(policy, field, line, 1, from, to, new Change.Edit(0, from.length(), to));
  }

  @Test
  void ordersChangesAndObjectsAsFluxsTemplatesSeeThem() {
    Map<String, String> files =
        Map.of(
            "a.yaml",
            "apiVersion: b/v1\nkind: Alpha\nmetadata: {name: one}\nspec:\n  image: x\n  replicas: 1\n",
            "b.yaml",
            "apiVersion: a/v1\nkind: Zeta\nmetadata: {name: two}\nspec:\n  tag: 2\n");
    TreeChanges changes =
        new TreeChanges(
            List.of(
                new FileReport(
                    "a.yaml",
                    List.of(
                        change(
                            "flux-system:podinfo",
                            Change.Field.IMAGE,
                            5,
                            "podinfo:v1.0.0",
                            "podinfo:v1.0.1"),
                        change("flux-system:replicas", Change.Field.IMAGE, 6, "1", "2"))),
                new FileReport(
                    "b.yaml",
                    List.of(change("flux-system:podinfo", Change.Field.TAG, 5, "2", "3")))),
            Map.of());
    String message =
        FluxCommitMessage.of(
                "{{ range .Changed.Changes }}{{ .Setter }} {{ end }}|"
                    + "{{ range $o, $_ := .Changed.Objects }}{{ $o.Kind }} {{ end }}",
                "flux-system",
                "fleet",
                Map.of())
            .render(changes, files::get);
    assertThat(message)
        .isEqualTo("flux-system:podinfo flux-system:podinfo:tag flux-system:replicas |Zeta Alpha ");
  }

  @Test
  void joinsTheNewValuesOfEveryObjectWithAVariableSetInsideTheLoops() {
    // the shape real repositories use (hmcts/sds-flux-config): a separator declared before the
    // loops and set inside them, values printed with print
    Map<String, String> files =
        Map.of(
            "a.yaml", "apiVersion: v1\nkind: Alpha\nmetadata: {name: one}\nspec:\n  image: x\n",
            "b.yaml", "apiVersion: v1\nkind: Beta\nmetadata: {name: two}\nspec:\n  tag: 2\n");
    TreeChanges changes =
        new TreeChanges(
            List.of(
                new FileReport(
                    "a.yaml",
                    List.of(change("flux-system:a", Change.Field.IMAGE, 5, "a:1", "a:2"))),
                new FileReport(
                    "b.yaml", List.of(change("flux-system:b", Change.Field.TAG, 5, "2", "3")))),
            Map.of());
    String template =
        "{{- $sep := \"\" -}}{{- range $object, $all := .Changed.Objects -}}"
            + "{{- range $_, $one := $all -}}{{- print $sep $one.NewValue -}}"
            + "{{- $sep = \", \" -}}{{- end -}}{{- end -}}";

    String message =
        FluxCommitMessage.of(template, "flux-system", "fleet", Map.of())
            .render(changes, files::get);

    assertThat(message).isEqualTo("a:2, 3");
  }

  @Test
  void callsGosAndSprigsFunctionsWithArgumentsAndInPipelines() {
    Map<String, String> values = Map.of("env", "prod", "name", "my-app");
    assertThat(render("{{ if eq .Values.env \"prod\" \"live\" }}ship{{ end }}", values))
        .isEqualTo("ship");
    assertThat(render("{{ len .Changed.Changes | printf \"%d change(s) by %s\" \"x\" }}", values))
        .as("the piped value is the last argument, and %d of a string or %s of a number says so")
        .isEqualTo("%!d(string=x) change(s) by %!s(int=1)");
    assertThat(render("{{ len .Changed.Changes | printf \"%d change(s)\" }}", values))
        .isEqualTo("1 change(s)");
    assertThat(render("{{ printf \"%s=%q\" .Values.env .Values.name }}", values))
        .isEqualTo("prod=\"my-app\"");
    assertThat(render("{{ replace \"-\" \"_\" .Values.name | upper | trunc 5 }}", values))
        .isEqualTo("MY_AP");
    assertThat(
            render(
                "{{ default \"none\" .Values.missing }}/{{ .Values.env | default \"x\" }}", values))
        .isEqualTo("none/prod");
    assertThat(
            render(
                "{{ if and (ne .Values.env \"dev\") (hasPrefix \"my\" .Values.name) }}y{{ end }}",
                values))
        .isEqualTo("y");
    assertThat(
            render("{{ print 1 2 \"a\" 3 }}|{{ println \"a\" 1 }}|{{ quote \"a\\tb\" }}", values))
        .isEqualTo("1 2a3|a 1\n|\"a\\tb\"");
    assertThat(
            render(
                "{{ $n := len .Changed.Changes }}{{ if gt $n 0 }}{{ $n }} change{{ end }}", values))
        .isEqualTo("1 change");
    assertThat(render("{{ index .Values \"env\" }} {{ title \"hello world\" }}", values))
        .isEqualTo("prod Hello World");
  }

  @Test
  void printsAnObjectAsGoPrintsFluxsObjectIdentifier() {
    // ObjectIdentifier{ResourceIdentifier{TypeMeta{APIVersion, Kind}, NameMeta{Name, Namespace}}}
    assertThat(
            render(
                "{{ range $o, $c := .Changed.Objects }}{{ $o }} {{ printf \"%v\" $o }}{{ end }}",
                Map.of()))
        .isEqualTo(
            "{{{helm.toolkit.fluxcd.io/v2 HelmRelease} {podinfo apps}}}"
                + " {{{helm.toolkit.fluxcd.io/v2 HelmRelease} {podinfo apps}}}");
    assertThat(render("{{ .Changed.Objects }}", Map.of()))
        .isEqualTo(
            "map[{{{helm.toolkit.fluxcd.io/v2 HelmRelease} {podinfo apps}}}"
                + ":[{6.5.0 6.5.4 flux-system:podinfo:tag}]]");
  }

  @Test
  void usesFluxsDefaultMessageWithoutATemplate() {
    assertThat(render("", Map.of())).isEqualTo("Update from image update automation");
  }

  @Nested
  class RejectsClearly {
    @Test
    void theRemovedUpdatedField() {
      assertThatThrownBy(() -> render("{{ range .Updated.Images }}{{ end }}", Map.of()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("removed '.Updated' field; use '.Changed' instead");
    }

    @Test
    void unknownFieldsAndFunctions() {
      assertThatThrownBy(() -> render("{{ .Commit }}", Map.of()))
          .hasMessageContaining("unknown field .Commit");
      assertThatThrownBy(() -> render("{{ .Values.env | b64enc }}", Map.of()))
          .hasMessageContaining("function \"b64enc\" is not supported");
      // Flux's functions are hermetic: no environment
      assertThatThrownBy(() -> render("{{ env \"HOME\" }}", Map.of()))
          .hasMessageContaining("function \"env\" is not supported");
      assertThatThrownBy(() -> render("{{ printf \"%x\" 1 }}", Map.of()))
          .hasMessageContaining("printf verb %x is not supported");
      assertThatThrownBy(() -> render("{{ .Values.env .Values.name }}", Map.of()))
          .hasMessageContaining("can't give argument to non-function .Values.env");
      assertThatThrownBy(() -> render("{{ eq .Values.env 1 }}", Map.of("env", "dev")))
          .hasMessageContaining("incompatible types for comparison");
    }

    @Test
    void unbalancedActions() {
      assertThatThrownBy(() -> render("{{ range .Changed.Changes }}x", Map.of()))
          .hasMessageContaining("missing {{end}}");
      assertThatThrownBy(() -> render("x{{ end }}", Map.of()))
          .hasMessageContaining("unexpected {{end}} at position 1");
      assertThatThrownBy(() -> render("{{ .Values.x ", Map.of()))
          .hasMessageContaining("unclosed action");
    }

    @Test
    void undefinedVariables() {
      assertThatThrownBy(() -> render("{{ $nope }}", Map.of()))
          .hasMessageContaining("undefined variable $nope");
    }
  }
}
