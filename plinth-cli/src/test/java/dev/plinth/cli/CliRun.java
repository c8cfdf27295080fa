package dev.plinth.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the {@code plinth} command with captured streams.
 *
 * @param exitCode the exit code
 * @param out standard output's bytes
 * @param err standard error as text
 */
record CliRun(int exitCode, byte[] out, String err) {
    /**
     * Runs the command with empty standard input.
     *
     * @param args the command line
     * @return what it did
     */
    static CliRun run(String... args) {
        return runWithInput(new byte[0], args);
    }

    /**
     * Runs the command.
     *
     * @param in standard input
     * @param args the command line
     * @return what it did
     */
    static CliRun runWithInput(byte[] in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(new Io(new ByteArrayInputStream(in), o, e), args);
        }
        return new CliRun(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** @return standard output as text */
    String outText() {
        return new String(out, StandardCharsets.UTF_8);
    }

    /** @return the lines of standard error */
    java.util.List<String> errLines() {
        return err.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + outText() + "--- err:\n" + err;
    }
}
