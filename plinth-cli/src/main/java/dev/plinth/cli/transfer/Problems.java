package dev.plinth.cli.transfer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Problems found by a check: all counted, the first {@link #MAX_LISTED} described. Not thread-safe.
 */
public final class Problems {
    /** How many problems are described; the rest are only counted. */
    public static final int MAX_LISTED = 20;

    private final List<String> listed = new ArrayList<>();
    private long count;

    /**
     * Records a problem.
     *
     * @param description one line
     */
    void add(String description) {
        if (listed.size() < MAX_LISTED) {
            listed.add(description);
        }
        count++;
    }

    /**
     * All problems found.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The first problems, one line each.
     *
     * @return an unmodifiable list of at most {@link #MAX_LISTED} lines
     */
    public List<String> listed() {
        return Collections.unmodifiableList(listed);
    }

    /**
     * Whether nothing was found.
     *
     * @return {@code true} if there are no problems
     */
    public boolean none() {
        return count == 0;
    }

    /**
     * The listed problems followed, if some were not listed, by {@code ... and N more}.
     *
     * @return lines to print
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>(listed);
        if (count > listed.size()) {
            out.add("... and " + (count - listed.size()) + " more");
        }
        return out;
    }

    /**
     * A key or value for a message: escaped text, cut after 64 characters.
     *
     * @param b the bytes
     * @return the text in single quotes
     */
    static String show(byte[] b) {
        String s = dev.plinth.cli.ByteText.escape(b);
        return "'" + (s.length() > 64 ? s.substring(0, 64) + "...' (" + b.length + " bytes)" : s + "'");
    }
}
