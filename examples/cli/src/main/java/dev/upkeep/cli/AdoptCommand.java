package dev.upkeep.cli;

import dev.upkeep.ConfigurationException;
import dev.upkeep.adopt.Adoption;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code upkeep adopt}: appends setter markers to the chart versions and images of a checkout that
 * has none, and writes the ImageRepository and ImagePolicy objects they need. Commits nothing.
 */
@Command(
    name = "adopt",
    mixinStandardHelpOptions = true,
    description = {
      "Append setter markers to every chart version and image of a local checkout that a registry"
          + " can serve, and write the ImageRepository/ImagePolicy objects they refer to into one"
          + " file. Changes no version, contacts no registry, commits nothing: review the diff,"
          + " then commit.",
      "plan --discover shows the same without writing."
    })
final class AdoptCommand implements Callable<Integer> {

  @Option(
      names = "--repo",
      defaultValue = ".",
      description = "The local checkout (default: ${DEFAULT-VALUE}).")
  Path repo;

  @Mixin AdoptionOptions adoption;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Path root = repo.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ConfigurationException("--repo \"" + repo + "\" is not a directory");
    }
    Adoption.Result result = adoption.build().apply(root);
    PrintWriter out = spec.commandLine().getOut();
    out.print(result.toText());
    out.flush();
    return CommandLine.ExitCode.OK;
  }
}
