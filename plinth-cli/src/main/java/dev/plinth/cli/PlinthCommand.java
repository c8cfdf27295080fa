package dev.plinth.cli;

import dev.plinth.cli.bench.BenchCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The root {@code plinth} command. Every store is named by its URI. Errors print one line,
 * {@code plinth: <message>}, and exit non-zero ({@link ExitCode}); {@code --verbose} adds the stack trace.
 */
@Command(name = "plinth", mixinStandardHelpOptions = true, versionProvider = PlinthCommand.Version.class,
        description = "Inspect, load, dump, copy, verify and benchmark Plinth stores, each named by its URI "
                + "(mem:, rocksdb:/path, lmdb:/path?mapSize=1g, ...).",
        footer = {"", "Exit codes: 0 done, 1 failed, 2 usage error, 3 key not found (get, delete).",
                "Byte arguments are escaped text unless --hex or --base64; see docs/cli.md."},
        subcommands = {GetCommand.class, PutCommand.class, DeleteCommand.class, ScanCommand.class,
                KeyspacesCommand.class, StatsCommand.class, CompactCommand.class, VerifyCommand.class,
                DumpCommand.class, LoadCommand.class, CopyCommand.class, BenchCommand.class, DocsCommand.class,
                RdfCommand.class, RaftLogCommand.class, CommandLine.HelpCommand.class})
public final class PlinthCommand implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Io io;

    private PlinthCommand(Io io) {
        this.io = io;
    }

    /**
     * The streams commands read and write.
     *
     * @return the streams
     */
    Io io() {
        return io;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The configured command line on the process's streams.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        return commandLine(Io.system());
    }

    /**
     * The configured command line: one-line errors, exit codes from {@link ExitCode}.
     *
     * @param io the streams the commands use
     * @return a new command line
     */
    public static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new PlinthCommand(io));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Subcommands offer --version too (mixinStandardHelpOptions); they print the root's.
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
        }
        cl.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            StringBuilder line = new StringBuilder("plinth: ");
            CommandLine.Model.CommandSpec where = ex.getCommandLine().getCommandSpec();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && where.parent() == null
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                line.append("unknown command '").append(u.getUnmatched().get(0)).append("'; the commands are ")
                        .append(String.join(", ", where.subcommands().keySet()));
            } else {
                String message = oneLine(ex.getMessage());
                // The pointer to --help continues the sentence, so the message's own full stop goes.
                line.append(message.endsWith(".") ? message.substring(0, message.length() - 1) : message);
            }
            line.append("; see '").append(ex.getCommandLine().getCommandSpec().qualifiedName()).append(" --help'");
            err.println(line);
            err.flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            PrintWriter err = commandLine.getErr();
            io.out().flush();
            err.println("plinth: " + oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            if (ex instanceof CommandException ce) {
                return ce.exitCode();
            }
            if (ex instanceof dev.plinth.CorruptionException) {
                return ExitCode.DAMAGED;
            }
            // The core rejects malformed arguments (empty key, inverted range, bad keyspace name, unknown
            // URI scheme or parameter) with IllegalArgumentException: the command line was wrong.
            return ex instanceof IllegalArgumentException ? ExitCode.USAGE : ExitCode.FAILURE;
        });
        return cl;
    }

    /** An error message as one line: engines' messages may span several. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
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
