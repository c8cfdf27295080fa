package dev.plinth.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes text as UTF-8 whatever the platform's charset, formats numbers the same everywhere, and says what
 * went wrong with a file in words. Stateless.
 */
public final class Text {
    private Text() {
    }

    /**
     * Writes text as UTF-8.
     *
     * @param out the stream
     * @param s the text
     */
    static void print(PrintStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    /**
     * Writes a line as UTF-8.
     *
     * @param out the stream
     * @param s the line, without its end
     */
    static void println(PrintStream out, String s) {
        print(out, s + "\n");
    }

    /**
     * Formats like {@link String#format}, in the root locale.
     *
     * @param format the format
     * @param args the arguments
     * @return the text
     */
    static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * A count with its noun, plural unless one, with thousands separators: {@code 1 entry}, {@code 3,000 entries}.
     *
     * @param n the count
     * @param one the noun for one
     * @param many the noun for other counts
     * @return the text
     */
    static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }

    /**
     * A size in bytes as a reader takes it in: {@code 511 bytes}, {@code 16 MiB}, or, when not a whole
     * number of a binary unit, the exact count with an approximation: {@code 16,777,203 bytes (16.0 MiB)}.
     *
     * @param bytes the size
     * @return the text
     */
    static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        if (bytes < 1024) {
            return count(bytes, "byte", "bytes");
        }
        int u = Math.min(units.length, (63 - Long.numberOfLeadingZeros(bytes)) / 10);
        long unit = 1L << (10 * u);
        if (bytes % unit == 0) {
            return format("%,d %s", bytes / unit, units[u - 1]);
        }
        return format("%,d bytes (%.1f %s)", bytes, (double) bytes / unit, units[u - 1]);
    }

    /**
     * What an I/O failure was, in words: the JDK's file-system exceptions carry only the path as their
     * message ({@code NoSuchFileException: /x/y}), so the kind of failure is spelt out.
     *
     * @param e the failure
     * @return for example {@code /x/y: no such file or directory}
     */
    public static String ioProblem(IOException e) {
        if (!(e instanceof FileSystemException f)) {
            return String.valueOf(e.getMessage());
        }
        String what;
        if (f.getReason() != null) {
            what = f.getReason();
        } else if (f instanceof NoSuchFileException) {
            what = "no such file or directory";
        } else if (f instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (f instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (f instanceof NotDirectoryException) {
            what = "not a directory";
        } else if (f instanceof DirectoryNotEmptyException) {
            what = "directory not empty";
        } else {
            what = f.getClass().getSimpleName();
        }
        return (f.getFile() == null ? "" : f.getFile() + ": ") + what;
    }
}
