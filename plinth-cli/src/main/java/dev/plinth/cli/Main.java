package dev.plinth.cli;

import picocli.CommandLine;

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
     * Runs the command without exiting; for tests.
     *
     * @param args the command line
     * @return the exit code: 0 success, 1 failure of the work, 2 usage error
     */
    public static int run(String... args) {
        return PlinthCommand.commandLine().execute(args);
    }
}
