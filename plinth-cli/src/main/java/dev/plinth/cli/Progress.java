package dev.plinth.cli;

import java.io.PrintStream;
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
        boolean terminal = System.console() != null && !Boolean.getBoolean("plinth.noProgress");
        return new Progress(label, total, terminal ? System.err : null);
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
