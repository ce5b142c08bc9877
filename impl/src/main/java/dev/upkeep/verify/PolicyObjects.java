package dev.upkeep.verify;

import dev.upkeep.flux.FluxAutomation;
import dev.upkeep.flux.FluxObject;
import dev.upkeep.flux.FluxObjects;
import dev.upkeep.patch.files.ManifestWalk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the Flux objects a change edits that decide what {@code verify} accepts: the policies and
 * their repositories (range, filters, image, URL, {@code insecure}), the Helm repositories, the
 * automations, and the chart a HelmRelease installs. {@code verify} judges a change by the base's
 * objects, so an edit to one of them cannot widen what the same change may do; it is reported as a
 * failed check for people to review on its own.
 */
final class PolicyObjects {

  /** Kinds compared as a whole, except for the version fields a run itself moves. */
  private static final Set<String> WHOLE =
      Set.of(
          "ImageRepository",
          "ImagePolicy",
          "ImageUpdateAutomation",
          "OCIRepository",
          "HelmRepository");

  /** What identifies a HelmRelease's chart; its values may change freely. */
  private static final List<String> RELEASE_IDENTITY =
      List.of("chart.spec.chart", "chart.spec.sourceRef", "chartRef");

  /** Fields a run moves itself, judged with the markers on them. */
  private static final Set<String> VERSION_FIELDS = Set.of("ref.tag", "ref.digest");

  private PolicyObjects() {}

  /** One failed check per object of {@code base} that {@code head} changed. */
  static List<VerifyReport.Check> changed(Path base, Path head) {
    FluxObjects before = FluxObjects.scan(base, ManifestWalk.create());
    FluxObjects after = FluxObjects.scan(head, ManifestWalk.create());
    FluxAutomation basePolicies = FluxAutomation.from(before);
    List<VerifyReport.Check> out = new ArrayList<>();
    for (FluxObject now : after.all()) {
      if (!WHOLE.contains(now.kind()) && !now.kind().equals("HelmRelease")) {
        continue;
      }
      Optional<FluxObject> was = before.find(now.kind(), now.namespace(), now.name());
      if (was.isEmpty()) {
        continue;
      }
      Map<String, String> old = flatten(was.get());
      Map<String, String> current = flatten(now);
      Set<String> keys = new TreeSet<>(old.keySet());
      keys.addAll(current.keySet());
      List<String> edits = new ArrayList<>();
      for (String key : keys) {
        String a = old.getOrDefault(key, "");
        String b = current.getOrDefault(key, "");
        if (!a.equals(b)) {
          edits.add("spec." + key + ": \"" + a + "\" -> \"" + b + "\"");
        }
      }
      if (edits.isEmpty()) {
        continue;
      }
      Optional<FluxAutomation.Policy> policy = basePolicies.policy(now.key());
      String what =
          policy.isPresent()
              ? "policy " + now.key()
              : now.kind() + " " + now.namespace() + "/" + now.name();
      String judged =
          policy
              .map(
                  p ->
                      "; judged by the base's \""
                          + p.policy().describe()
                          + "\" of "
                          + p.artifact()
                          + (p.insecure() ? " (insecure)" : ""))
              .orElse("; judged by the base's");
      out.add(
          new VerifyReport.Check(
              now.file(),
              now.line(),
              now.key(),
              policy.map(p -> p.artifact().toString()).orElse(""),
              "",
              "",
              List.of(what + " changed in this change (" + String.join(", ", edits) + ")" + judged),
              ""));
    }
    return out;
  }

  /** The compared part of the object's spec as dotted keys and string values. */
  private static Map<String, String> flatten(FluxObject o) {
    Map<String, String> all = new TreeMap<>();
    flatten("", o.spec(), all);
    if (WHOLE.contains(o.kind())) {
      all.keySet().removeIf(k -> VERSION_FIELDS.contains(k));
      return all;
    }
    Map<String, String> identity = new TreeMap<>();
    all.forEach(
        (k, v) -> {
          for (String prefix : RELEASE_IDENTITY) {
            if (k.equals(prefix) || k.startsWith(prefix + ".")) {
              identity.put(k, v);
            }
          }
        });
    return identity;
  }

  private static void flatten(String prefix, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?>) {
      ((Map<?, ?>) value)
          .forEach(
              (k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
    } else if (value instanceof List<?>) {
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        flatten(prefix + "[" + i + "]", list.get(i), out);
      }
    } else {
      out.put(prefix, value == null ? "" : String.valueOf(value));
    }
  }
}
