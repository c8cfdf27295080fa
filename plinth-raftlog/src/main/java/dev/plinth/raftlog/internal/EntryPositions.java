package dev.plinth.raftlog.internal;

import dev.plinth.raftlog.internal.segment.EntryCodec;
import java.util.Arrays;

/**
 * Where each entry of one group's log is, in index order: the segment (its seq), the offset of the entry's header,
 * its length field and its term, for the logs of our own. Four primitive arrays rather than an object per entry, so
 * 10 million entries take 28 bytes each and nothing for the garbage collector to trace.
 *
 * <p>Removing entries from the front (a purge) moves a head offset instead of shifting the arrays: a purge costs
 * O(1), not O(entries left). The dead front is reclaimed by an append that finds the arrays full: if it is at least
 * as long as the live part, the live entries move to the front (instead of the arrays doubling), so the copying
 * is at most one element per element dropped, it happens in an append (as growth does) rather than in a purge,
 * and the arrays hold at most about twice the most entries the group has held.
 *
 * <p>Not thread safe: the owning group's monitor guards it.
 */
public final class EntryPositions {
    private static final int INITIAL = 16;

    private long[] seqs = new long[INITIAL];
    private long[] positions = new long[INITIAL];
    private int[] fields = new int[INITIAL];
    private long[] terms = new long[INITIAL];
    /** The slot of entry 0. */
    private int head;
    private int size;

    /** The number of entries. */
    public int size() {
        return size;
    }

    /** Whether there is no entry. */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Adds an entry after the last one.
     *
     * @param seq   the segment holding it
     * @param pos   the offset of its header in that segment
     * @param field its length field
     * @param term  its term
     */
    public void add(long seq, long pos, int field, long term) {
        int slot = head + size;
        if (slot == seqs.length) {
            if (head > 0 && head >= size) {
                compact();
            } else {
                int capacity = Math.max(INITIAL, seqs.length * 2);
                if (capacity < 0) {
                    throw new IllegalStateException("A Raft log group cannot hold more than " + seqs.length
                            + " entries in memory.");
                }
                seqs = Arrays.copyOf(seqs, capacity);
                positions = Arrays.copyOf(positions, capacity);
                fields = Arrays.copyOf(fields, capacity);
                terms = Arrays.copyOf(terms, capacity);
            }
            slot = head + size;
        }
        seqs[slot] = seq;
        positions[slot] = pos;
        fields[slot] = field;
        terms[slot] = term;
        size++;
    }

    /** The segment of entry {@code i} (0 is the first). */
    public long seq(int i) {
        return seqs[slot(i)];
    }

    /** The header offset of entry {@code i}. */
    public long pos(int i) {
        return positions[slot(i)];
    }

    /** The length field of entry {@code i}. */
    public int field(int i) {
        return fields[slot(i)];
    }

    /** The term of entry {@code i}. */
    public long term(int i) {
        return terms[slot(i)];
    }

    /**
     * The length of the run of entries from {@code i} that one read can cover (see {@link EntryRuns}): at least 1,
     * at most {@code max}; each next entry in the same segment as entry {@code i}, starting at or after the end
     * of the one before and at most {@code maxGap} bytes after it; the whole span, from entry {@code i}'s header to
     * the last entry's end, within {@code maxSpan} bytes; and the stored bytes of all of them within
     * {@code maxStored} (the first entry counts, but is in the run whatever its size).
     *
     * @param i         the first entry
     * @param max       the most entries wanted, at least 1
     * @param maxSpan   the most bytes to read
     * @param maxGap    the most bytes between two entries
     * @param maxStored the most stored bytes
     * @return the number of entries in the run
     */
    public int run(int i, int max, long maxSpan, long maxGap, long maxStored) {
        int s = slot(i);
        int limit = Math.min(max, size - i);
        long seq = seqs[s];
        long start = positions[s];
        long stored = EntryCodec.storedLength(fields[s]);
        long end = start + EntryCodec.ENTRY_HEADER + stored;
        int n = 1;
        while (n < limit) {
            int t = s + n;
            long p = positions[t];
            if (seqs[t] != seq || p < end || p - end > maxGap) {
                break;
            }
            long len = EntryCodec.storedLength(fields[t]);
            long e = p + EntryCodec.ENTRY_HEADER + len;
            if (e - start > maxSpan || stored + len > maxStored) {
                break;
            }
            stored += len;
            end = e;
            n++;
        }
        return n;
    }

    private int slot(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("entry " + i + " of " + size);
        }
        return head + i;
    }

    /**
     * Keeps the first {@code keep} entries and drops the rest.
     *
     * @param keep how many stay; nothing happens if there are no more
     */
    public void truncate(int keep) {
        if (keep < size) {
            size = Math.max(0, keep);
        }
    }

    /**
     * Drops the first {@code n} entries (all of them if there are fewer).
     *
     * @param n how many
     */
    public void dropFirst(int n) {
        int k = Math.min(Math.max(0, n), size);
        head += k;
        size -= k;
        if (size == 0) {
            head = 0;
        }
    }

    /** Drops every entry. */
    public void clear() {
        head = 0;
        size = 0;
    }

    /** Moves the live entries to the front of the arrays. */
    private void compact() {
        System.arraycopy(seqs, head, seqs, 0, size);
        System.arraycopy(positions, head, positions, 0, size);
        System.arraycopy(fields, head, fields, 0, size);
        System.arraycopy(terms, head, terms, 0, size);
        head = 0;
    }
}
