package dev.plinth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --value-file} of {@code put} and {@code get}: a value read from or written to a file, byte for
 * byte, or standard input or output for {@code -}. Values too long for the command line (the shell's
 * "Argument list too long") and binary values go this way. Stateless.
 */
final class ValueFiles {
    /** The name that stands for standard input or output. */
    static final String STANDARD_STREAM = "-";

    private ValueFiles() {
    }

    /**
     * Reads a whole value.
     *
     * @param file a path, or {@code -} for standard input
     * @param stdin standard input; read to its end, not closed
     * @return the bytes
     * @throws CommandException if the file cannot be read
     */
    static byte[] read(String file, InputStream stdin) {
        try {
            if (file.equals(STANDARD_STREAM)) {
                return stdin.readAllBytes();
            }
            Path path = Path.of(file);
            if (Files.isDirectory(path)) {
                throw new CommandException("cannot read the value from " + file + ": it is a directory");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new CommandException("cannot read the value from "
                    + (file.equals(STANDARD_STREAM) ? "standard input" : file) + ": " + Text.ioProblem(e), e);
        }
    }

    /**
     * Writes a whole value: to standard output as is, or to a file that is replaced atomically (a
     * failure leaves no partial file) and created with the process's umask.
     *
     * @param file a path, or {@code -} for standard output
     * @param value the bytes
     * @param stdout standard output
     * @throws CommandException if the file cannot be written
     */
    static void write(String file, byte[] value, PrintStream stdout) {
        if (file.equals(STANDARD_STREAM)) {
            stdout.write(value, 0, value.length);
            stdout.flush();
            if (stdout.checkError()) {
                throw new CommandException("writing the value to standard output failed");
            }
            return;
        }
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new CommandException("cannot write the value to " + file + ": it is a directory");
        }
        try {
            DumpFiles.writeAtomically(path, out -> out.write(value));
        } catch (IOException e) {
            throw new CommandException("cannot write the value to " + file + ": " + Text.ioProblem(e), e);
        }
    }
}
