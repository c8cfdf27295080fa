package dev.plinth.raftlog.internal;

import dev.plinth.CorruptionException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.internal.segment.EntryCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Reading a run of consecutive entries of one group with one positional file read, for the logs of our own: the
 * run is chosen from the in-memory positions ({@link EntryPositions#run}), its bytes read at once, and then every
 * entry is checked (term and length field against the positions, CRC32C of the stored bytes) and decoded from that
 * buffer, an LZ4 payload decompressed only after its check.
 *
 * <p>A run is consecutive indexes in one segment, each entry starting at or after the end of the one before and at
 * most {@link #MAX_GAP} bytes after it: entries of one record are back to back, the frame and record header of
 * the next record of the group is a gap of a few bytes, and in the shared log other groups' records may lie
 * between. The bytes of a gap are read but never interpreted. Every payload is copied out of the bytes read (or
 * decompressed from them) into an array of its own, which the entry then keeps without a second copy
 * ({@link OwnedEntries#of}); so the buffer read into may be reused for the next run ({@link RunBuffer}, a direct
 * buffer per thread). Stateless and thread safe.
 */
public final class EntryRuns {
    /** The most bytes one read of a run covers, unless its first entry alone is larger. */
    public static final long RUN_BYTES = 256 * 1024;
    /** The most bytes between the end of one entry of a run and the start of the next. */
    public static final long MAX_GAP = 4096;

    private EntryRuns() {
    }

    /**
     * What one read of a run gives: the entries (at least one) and the version of the group they were read at.
     *
     * @param entries the entries, consecutive indexes
     * @param version the group's version when they were read (see {@link PointLogReader})
     */
    public record Run(LogEntry[] entries, long version) {
    }

    /** The bytes from the first entry's header of a run of {@code n} entries from {@code i} to its last byte. */
    public static int span(EntryPositions locs, int i, int n) {
        int last = i + n - 1;
        return Math.toIntExact(locs.pos(last) + EntryCodec.ENTRY_HEADER
                + EntryCodec.storedLength(locs.field(last)) - locs.pos(i));
    }

    /**
     * Checks and decodes the entries of a run from the bytes read for it. If an entry other than the first is
     * damaged or missing, the run ends before it (a read starting there reports it); if the first is, this throws.
     *
     * @param locs       the group's positions
     * @param i          the run's first entry in {@code locs}
     * @param n          the number of entries
     * @param firstIndex the log index of entry {@code i}
     * @param b          the bytes read from the first entry's header on (position 0, limit what was read), heap or
     *                   direct; its position is changed; no entry returned shares its memory
     * @param group      the group, for messages
     * @param file       names the segment file, for messages
     * @return the entries checked, at least one
     * @throws CorruptionException if the first entry is damaged, naming the file and the offset
     */
    public static LogEntry[] decode(EntryPositions locs, int i, int n, long firstIndex, ByteBuffer b, long group,
                                    Supplier<String> file) {
        int end = b.limit();
        long start = locs.pos(i);
        LogEntry[] out = new LogEntry[n];
        for (int k = 0; k < n; k++) {
            long index = firstIndex + k;
            long pos = locs.pos(i + k);
            int field = locs.field(i + k);
            int stored = EntryCodec.storedLength(field);
            int at = (int) (pos - start);
            String damage = null;
            byte[] payload = null;
            IllegalArgumentException cause = null;
            if (end - at < EntryCodec.ENTRY_HEADER + stored) {
                damage = "runs past the end of the file";
            } else {
                long term = b.getLong(at);
                int f = b.getInt(at + 8);
                int crc = b.getInt(at + 12);
                if (term != locs.term(i + k) || f != field) {
                    damage = "no longer matches its record: it was damaged at rest";
                } else {
                    try {
                        payload = EntryCodec.payload(field, crc, b, at + EntryCodec.ENTRY_HEADER, stored);
                        if (payload == null) {
                            damage = "fails its CRC32C: it was damaged at rest";
                        } else {
                            out[k] = OwnedEntries.of(index, term, payload);
                        }
                    } catch (IllegalArgumentException e) {
                        damage = "passed its CRC32C but holds " + e.getMessage() + ": it was damaged at rest";
                        cause = e;
                    }
                }
            }
            if (damage != null) {
                if (k > 0) {
                    return Arrays.copyOf(out, k);
                }
                throw new CorruptionException("The entry at index " + index + " of group " + group + " at offset "
                        + pos + " of " + file.get() + " " + damage + ".", cause);
            }
        }
        return out;
    }
}
