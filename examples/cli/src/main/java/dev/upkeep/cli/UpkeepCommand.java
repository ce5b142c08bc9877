package dev.upkeep.cli;

import dev.upkeep.Redaction;
import dev.upkeep.UpkeepException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code upkeep} command line: {@code plan}, {@code run}, {@code verify}, {@code promote} and
 * {@code adopt} over a Flux repository (a path or a Git URL), and {@code fleet} over many.
 *
 * <p>Exit codes: 0 done or nothing to do, 1 failure, 2 bad usage, 3 changes found ({@code plan
 * --exit-code}), 4 verification failed ({@code verify}).
 */
@Command(
    name = "upkeep",
    mixinStandardHelpOptions = true,
    versionProvider = UpkeepCommand.Version.class,
    description = "Keeps the chart and image versions pinned in a GitOps repository up to date.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done, or nothing to do",
      "1:failure (registry, Git, a manifest that does not parse)",
      "2:bad usage",
      "3:changes found (plan --exit-code)",
      "4:verification failed (verify)"
    })
public final class UpkeepCommand implements Callable<Integer> {

  /** Exit code when changes were found and {@code --exit-code} asked to say so. */
  static final int CHANGES_FOUND = 3;

  /** Exit code when {@code verify} found a problem. */
  static final int VERIFY_FAILED = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The project version, written into the jar by the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = UpkeepCommand.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          throw new IOException("version.properties is missing from the jar");
        }
        p.load(in);
      }
      return new String[] {"upkeep " + p.getProperty("version")};
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }

  /**
   * The subcommands, in the order help lists them. Each is built only when it runs: picocli reads a
   * command's annotations by reflection when it is added, which costs more than the whole of a
   * small {@code plan}. (A switch, not a map of constructor references: bootstrapping those cost a
   * command about 15 ms at start-up.)
   */
  private static final List<String> SUBCOMMANDS =
      List.of("plan", "run", "fleet", "verify", "promote", "adopt", "help");

  private static Object subcommand(String name) {
    switch (name) {
      case "plan":
        return new PlanCommand();
      case "run":
        return new RunCommand();
      case "fleet":
        return new FleetCommand();
      case "verify":
        return new VerifyCommand();
      case "promote":
        return new PromoteCommand();
      case "adopt":
        return new AdoptCommand();
      case "help":
        return new CommandLine.HelpCommand();
      default:
        throw new IllegalArgumentException("no subcommand " + name);
    }
  }

  /** The command line with the subcommand {@code args} names, or all of them for help. */
  static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new UpkeepCommand());
    String first = args.length == 0 ? "" : args[0];
    if (SUBCOMMANDS.contains(first) && !first.equals("help")) {
      cli.addSubcommand(first, subcommand(first));
    } else if (!first.equals("--version") && !first.equals("-V")) {
      for (String name : SUBCOMMANDS) {
        cli.addSubcommand(name, subcommand(name));
      }
    }
    return cli;
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Upkeep's own errors are written for people; anything else gets its class name too.
          String message =
              e instanceof UpkeepException || e instanceof IllegalArgumentException
                  ? e.getMessage()
                  : e.getClass().getSimpleName() + ": " + e.getMessage();
          commandLine.getErr().println("upkeep: " + Redaction.redact(message));
          commandLine.getErr().flush();
          return CommandLine.ExitCode.SOFTWARE;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The entry point of {@code java -jar upkeep.jar}. */
  public static void main(String[] args) {
    // A local plan's read logs nothing and the whole command waits for it: it starts first.
    Prefetch.startRead(args);
    // before any other thread can log: JGit's warm-up logs through java.util.logging
    Logging.configureOnFirstUse(System.getenv("UPKEEP_DEBUG") != null);
    Prefetch.warmUpGit(args);
    // No option takes a java.sql or java.time value: picocli need not load those classes to offer
    // converters for them (it tries each by name, ~10 ms of a command's start).
    if (System.getProperty("picocli.converters.excludes") == null) {
      System.setProperty("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
    }
    PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
    System.exit(execute(out, err, args));
  }
}
