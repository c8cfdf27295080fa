package dev.plinth.cli;

/** Entry point of the {@code plinth} command. */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command on the process's streams without exiting.
     *
     * @param args the command line
     * @return the exit code, one of {@link ExitCode}'s constants
     */
    public static int run(String... args) {
        return run(Io.system(), args);
    }

    /**
     * Runs the command on the given streams without exiting; for tests and embedding. Several runs in one
     * JVM are independent, except that a store URI names the same store each time only for engines that
     * persist ({@code mem:} opens a new, empty store on every run).
     *
     * @param io the streams
     * @param args the command line
     * @return the exit code, one of {@link ExitCode}'s constants
     */
    public static int run(Io io, String... args) {
        try {
            return PlinthCommand.commandLine(io).execute(args);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }
}
