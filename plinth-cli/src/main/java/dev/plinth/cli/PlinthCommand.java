package dev.plinth.cli;

import dev.plinth.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The root {@code plinth} command. Every store is named by its URI. Errors print one line and exit
 * non-zero; {@code --verbose} adds the stack trace.
 */
@Command(name = "plinth", mixinStandardHelpOptions = true, versionProvider = PlinthCommand.Version.class,
        description = "Inspect, load, dump, copy, verify and benchmark Plinth stores, each named by its URI "
                + "(mem:, rocksdb:/path, lmdb:/path?mapSize=1g, ...).",
        subcommands = {BenchCommand.class, CommandLine.HelpCommand.class})
public final class PlinthCommand implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The configured command line: one-line errors, exit codes 1 for failures and 2 for usage errors.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PlinthCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            commandLine.getErr().println("plinth: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (verbose) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cl;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PlinthCommand.class.getPackage().getImplementationVersion();
            return new String[] {"plinth " + (v == null ? "(development build)" : v)
                    + ", Java " + System.getProperty("java.version")};
        }
    }
}
