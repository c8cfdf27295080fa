package dev.plinth.cli.transfer;

import java.util.Arrays;

/**
 * Compares two {@link EntrySource}s key by key in one merged walk: what the {@code expected} side holds
 * must be in the {@code actual} side with the same value, and (unless extras are allowed) nothing more.
 * Memory does not grow with the number of entries.
 *
 * @param keyspaces keyspaces present on both sides
 * @param matched entries present on both sides with equal values
 * @param missing entries of {@code expected} absent from {@code actual}, missing keyspaces' included
 * @param extra entries of {@code actual} absent from {@code expected}, counted even when allowed
 * @param differing entries on both sides with different values
 * @param problems what does not match
 */
public record Comparison(int keyspaces, long matched, long missing, long extra, long differing, Problems problems) {
    /**
     * Walks both sources to their ends, comparing.
     *
     * @param expected what should be there
     * @param actual what is there
     * @param allowExtra whether keyspaces and entries only in {@code actual} are fine
     * @return the comparison
     */
    public static Comparison of(EntrySource expected, EntrySource actual, boolean allowExtra) {
        Problems problems = new Problems();
        String exp = expected.name();
        String act = actual.name();
        int keyspaces = 0;
        long matched = 0;
        long missing = 0;
        long extra = 0;
        long differing = 0;
        String a = expected.nextKeyspace();
        String b = actual.nextKeyspace();
        while (a != null || b != null) {
            int cmp = a == null ? 1 : b == null ? -1 : a.compareTo(b);
            if (cmp < 0) {
                long n = drain(expected);
                missing += n;
                problems.add("keyspace '" + a + "' (" + n + (n == 1 ? " entry" : " entries") + ") is missing from " + act);
                a = expected.nextKeyspace();
                continue;
            }
            if (cmp > 0) {
                long n = drain(actual);
                extra += n;
                if (!allowExtra) {
                    problems.add("keyspace '" + b + "' (" + n + (n == 1 ? " entry" : " entries") + ") is only in " + act);
                }
                b = actual.nextKeyspace();
                continue;
            }
            keyspaces++;
            boolean hasA = expected.nextEntry();
            boolean hasB = actual.nextEntry();
            while (hasA || hasB) {
                int k = !hasA ? 1 : !hasB ? -1 : Arrays.compareUnsigned(expected.key(), actual.key());
                if (k < 0) {
                    missing++;
                    problems.add("keyspace '" + a + "': key " + Problems.show(expected.key()) + " is missing from " + act);
                    hasA = expected.nextEntry();
                } else if (k > 0) {
                    extra++;
                    if (!allowExtra) {
                        problems.add("keyspace '" + a + "': key " + Problems.show(actual.key()) + " is only in " + act);
                    }
                    hasB = actual.nextEntry();
                } else {
                    byte[] va = expected.value();
                    byte[] vb = actual.value();
                    if (Arrays.equals(va, vb)) {
                        matched++;
                    } else {
                        differing++;
                        problems.add("keyspace '" + a + "': key " + Problems.show(expected.key()) + " is "
                                + Problems.difference(va, vb, exp, act));
                    }
                    hasA = expected.nextEntry();
                    hasB = actual.nextEntry();
                }
            }
            a = expected.nextKeyspace();
            b = actual.nextKeyspace();
        }
        return new Comparison(keyspaces, matched, missing, extra, differing, problems);
    }

    private static long drain(EntrySource s) {
        long n = 0;
        while (s.nextEntry()) {
            n++;
        }
        return n;
    }

    /**
     * Whether the sides match.
     *
     * @return {@code true} if no problem was found
     */
    public boolean ok() {
        return problems.none();
    }
}
