package dev.upkeep.examples.bench.policy;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the version-policy benchmarks and prints JMH's table. Arguments are JMH's own (for example
 * {@code -p size=100000 -p constraint=3.x -f 1 -wi 2 -i 3}); without a benchmark pattern it runs
 * every benchmark of this package.
 */
public final class PolicyBenchmarks {

  private PolicyBenchmarks() {}

  /**
   * Entry point.
   *
   * @param args JMH command-line options
   * @throws RunnerException when JMH fails
   * @throws CommandLineOptionException when an option is not JMH's
   */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    CommandLineOptions cli = new CommandLineOptions(args);
    OptionsBuilder builder = new OptionsBuilder();
    if (cli.getIncludes().isEmpty()) {
      builder.include(PolicyBenchmarks.class.getPackageName() + "\\.");
    }
    Options options = builder.parent(cli).build();
    new Runner(options).run();
  }
}
