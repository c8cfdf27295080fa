package dev.plinth.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A progress bar for long work (load, dump, copy, bench), drawn on standard error only when it is a
 * terminal; silent otherwise, so pipes and CI logs stay clean. Not thread-safe: update from one thread.
 */
public final class Progress implements AutoCloseable {
    private static final long REDRAW_NANOS = 200_000_000L;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long done;

    private Progress(String label, long total, PrintStream out) {
        this.label = label;
        this.total = total;
        this.out = out;
    }

    /**
     * Starts a bar.
     *
     * @param label what is being done
     * @param total units of work in all, or a negative number when unknown
     * @return a bar that draws only on a terminal
     */
    public static Progress start(String label, long total) {
        boolean draw = STDERR_IS_TERMINAL && !Boolean.getBoolean("plinth.noProgress");
        return new Progress(label, total, draw ? System.err : null);
    }

    /** Whether the process's standard error, where the bar draws, is a terminal; decided once. */
    private static final boolean STDERR_IS_TERMINAL = stderrIsTerminal();

    /**
     * Whether file descriptor 2 is a terminal. On Linux its {@code /proc/self/fd/2} link names the
     * device, so {@code plinth dump ... 2>log} stays quiet even at a terminal and
     * {@code plinth dump URI - | gzip} still draws. Elsewhere the JDK can only tell whether standard input
     * and output are both a terminal ({@link System#console()}), which is the best guess there.
     */
    private static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd2)) {
                return isTerminalDevice(Files.readSymbolicLink(fd2).toString());
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // fall through to the portable guess
        }
        return System.console() != null;
    }

    /**
     * Whether a {@code /proc/self/fd} link target is a terminal device.
     *
     * @param target the link's target, such as {@code /dev/pts/3} or {@code pipe:[1234]}
     * @return {@code true} for pseudo-terminals and consoles
     */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /**
     * Records more work done and redraws at most five times a second.
     *
     * @param units units just finished
     */
    public void advance(long units) {
        done += units;
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        double secs = Math.max(1e-9, (now - started) / 1e9);
        String rate = String.format(Locale.ROOT, "%,.0f/s", done / secs);
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %,d/%,d %s ", label, "#".repeat(filled),
                    " ".repeat(width - filled), 100 * done / total, done, total, rate));
        } else {
            out.print(String.format(Locale.ROOT, "\r%s %,d %s ", label, done, rate));
        }
        out.flush();
    }

    /** Clears the bar's line. */
    @Override
    public void close() {
        if (out != null) {
            out.print("\r" + " ".repeat(80) + "\r");
            out.flush();
        }
    }
}
