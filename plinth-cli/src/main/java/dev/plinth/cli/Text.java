package dev.plinth.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Writes text as UTF-8 whatever the platform's charset, and formats numbers the same everywhere. */
final class Text {
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
     * A count with its noun, plural unless one: {@code 1 entry}, {@code 3 entries}.
     *
     * @param n the count
     * @param one the noun for one
     * @param many the noun for other counts
     * @return the text
     */
    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
