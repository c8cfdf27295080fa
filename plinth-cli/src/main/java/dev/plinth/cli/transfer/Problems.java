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
     * Two values that differ, described so that a reader sees where: short values in full; long ones from
     * a little before the first differing byte, with its offset and both lengths.
     *
     * @param a the expected value
     * @param b the actual value
     * @param whereA where {@code a} is, e.g. a URI
     * @param whereB where {@code b} is
     * @return for example {@code '1' in X but 'changed' in Y}
     */
    static String difference(byte[] a, byte[] b, String whereA, String whereB) {
        String ea = dev.plinth.cli.ByteText.escape(a);
        String eb = dev.plinth.cli.ByteText.escape(b);
        if (ea.length() <= 64 && eb.length() <= 64) {
            return "'" + ea + "' in " + whereA + " but '" + eb + "' in " + whereB;
        }
        int at = java.util.Arrays.mismatch(a, b);
        int from = Math.max(0, at - 8);
        byte[] sa = java.util.Arrays.copyOfRange(a, Math.min(from, a.length), Math.min(a.length, from + 40));
        byte[] sb = java.util.Arrays.copyOfRange(b, Math.min(from, b.length), Math.min(b.length, from + 40));
        String prefix = from > 0 ? "..." : "";
        return "different from byte " + at + " on (" + a.length + " bytes in " + whereA + ", " + b.length
                + " in " + whereB + "): '" + prefix + dev.plinth.cli.ByteText.escape(sa) + "...' in " + whereA
                + " but '" + prefix + dev.plinth.cli.ByteText.escape(sb) + "...' in " + whereB;
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
