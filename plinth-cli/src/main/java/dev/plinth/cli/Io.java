package dev.plinth.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The standard streams a command reads and writes; tests pass their own. Text written to {@link #out()}
 * and {@link #err()} is UTF-8.
 *
 * @param in standard input (dump data for {@code load -})
 * @param out standard output (results, dump data for {@code dump URI -})
 * @param err standard error (errors and, when standard output carries data, reports)
 */
public record Io(InputStream in, PrintStream out, PrintStream err) {
    /**
     * Checks the streams.
     *
     * @param in standard input
     * @param out standard output
     * @param err standard error
     */
    public Io {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /**
     * The process's own streams.
     *
     * @return {@code System.in}, {@code System.out}, {@code System.err}
     */
    public static Io system() {
        return new Io(System.in, System.out, System.err);
    }
}
