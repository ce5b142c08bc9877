package dev.upkeep.cli;

import dev.upkeep.adopt.Adoption;
import picocli.CommandLine.Option;

/** The choices of {@code adopt} and {@code plan --discover}: range, policy file and namespace. */
final class AdoptionOptions {

  @Option(
      names = "--range",
      defaultValue = "major",
      description =
          "The semver range of new policies: major (1.x for 1.2.3), minor (1.2.x), or a"
              + " constraint for all (default: ${DEFAULT-VALUE}).")
  String range;

  @Option(
      names = "--policy-file",
      defaultValue = Adoption.DEFAULT_POLICY_FILE,
      description =
          "Where new ImageRepository/ImagePolicy objects go, relative to the repository"
              + " (default: ${DEFAULT-VALUE}).")
  String policyFile;

  @Option(
      names = "--policy-namespace",
      defaultValue = Adoption.DEFAULT_NAMESPACE,
      description = "The namespace of new policies (default: ${DEFAULT-VALUE}).")
  String namespace;

  Adoption build() {
    return Adoption.builder().range(range).policyFile(policyFile).namespace(namespace).build();
  }
}
