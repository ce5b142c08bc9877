package dev.upkeep.review.helm;

import dev.upkeep.testing.oci.HelmChart;

/**
 * The podinfo charts and HelmReleases of the chart review tests: 1.3.0 renames {@code ui.color} to
 * {@code ui.colour}, changes {@code replicaCount} 1 → 2, adds a CRD, raises {@code appVersion} and
 * {@code kubeVersion}; dev overrides {@code ui.color}, staging a key that still exists.
 */
final class Podinfo {
  private Podinfo() {}

  static final HelmChart V1_2_3 =
      HelmChart.of("podinfo", "1.2.3")
          .withAppVersion("6.5.0")
          .withKubeVersion(">=1.23.0-0")
          .withValues(
              "replicaCount: 1\n"
                  + "ui:\n"
                  + "  color: \"#34577c\"\n"
                  + "  message: \"\"\n"
                  + "resources:\n"
                  + "  limits:\n"
                  + "    memory: 256Mi\n");

  static final HelmChart V1_3_0 =
      HelmChart.of("podinfo", "1.3.0")
          .withAppVersion("6.6.0")
          .withKubeVersion(">=1.28.0-0")
          .withCrd("podinfo.dev", "Canary")
          .withValues(
              "replicaCount: 2\n"
                  + "ui:\n"
                  + "  colour: \"#34577c\"\n"
                  + "  message: \"\"\n"
                  + "resources:\n"
                  + "  limits:\n"
                  + "    memory: 256Mi\n");

  /** A HelmRelease pinning {@code version} by {@code policy}, with {@code values} (indented 4). */
  static String release(String env, String version, String policy, String values) {
    return "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        + "kind: HelmRelease\n"
        + "metadata:\n"
        + "  name: podinfo\n"
        + "  namespace: "
        + env
        + "\n"
        + "spec:\n"
        + "  chart:\n"
        + "    spec:\n"
        + "      chart: podinfo\n"
        + "      version: "
        + version
        + " # {\"$imagepolicy\": \""
        + policy
        + ":tag\"}\n"
        + "  values:\n"
        + values;
  }

  /** Dev overrides ui.color: line 14. */
  static String dev(String version) {
    return release(
        "dev",
        version,
        "flux-system:podinfo-dev",
        "    replicaCount: 1\n    ui:\n      color: red\n");
  }

  /** Staging overrides ui.message, which 1.3.0 still has. */
  static String staging(String version) {
    return release(
        "staging", version, "flux-system:podinfo-staging", "    ui:\n      message: staging\n");
  }

  static final int DEV_COLOR_LINE = 14;

  static final int VERSION_LINE = 10;
}
