package dev.plinth.cli;

import dev.plinth.cli.transfer.Comparison;
import java.io.PrintStream;

/** Report lines shared by commands. Stateless. */
final class Reports {
    private Reports() {
    }

    /**
     * Prints the outcome of comparing a store with what it should hold.
     *
     * @param out where to print
     * @param c the comparison
     * @param actual the store checked
     * @param expected what it was compared with
     * @return {@link ExitCode#OK} if they match
     * @throws CommandException if they do not, after printing each problem
     */
    static int verification(PrintStream out, Comparison c, String actual, String expected) {
        if (c.ok()) {
            Text.println(out, "verified: " + actual + " matches " + expected + " key by key ("
                    + Text.count(c.matched(), "entry", "entries") + ")");
            return ExitCode.OK;
        }
        for (String line : c.problems().lines()) {
            Text.println(out, "problem: " + line);
        }
        throw new CommandException(actual + " does not match " + expected + ": "
                + Text.count(c.problems().count(), "problem", "problems") + " (" + c.missing() + " missing, "
                + c.differing() + " different, " + c.extra() + " extra)");
    }
}
