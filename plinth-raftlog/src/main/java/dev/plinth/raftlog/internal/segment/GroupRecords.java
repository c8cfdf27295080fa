package dev.plinth.raftlog.internal.segment;

import java.nio.ByteBuffer;

/**
 * The records of the per-group segmented log (docs/format/raftlog.md, "Segment files"): their type bytes, and the
 * encoding of the records that are not entries (base, end, purge and reset; the files record is {@link SavedFiles}'s).
 * Entries and replace records are encoded by {@link SegmentedGroup} straight into the framed record. Stateless and
 * thread safe.
 */
final class GroupRecords {
    static final byte ENTRIES = 1;
    static final byte REPLACE = 2;
    /** Format version 3: the boundary moves to (index, term); the entries up to it are dropped. */
    static final byte PURGE = 3;
    /** Format version 3: every entry is dropped and the boundary set to (index, term). */
    static final byte RESET = 4;
    /**
     * Format version 3: the first record of a segment: the boundary (index, term) and last index when it began; in
     * version 5 also the files saved beside the segments by then ({@link SavedFiles}).
     */
    static final byte BASE = 5;
    /** Format version 5: the last record of every closed segment: its seq and the group's last index then. */
    static final byte END = 6;
    /**
     * Format version 5: the files saved beside the segments so far (a flag byte, {@link SavedFiles}), recorded once a
     * file is first saved.
     */
    static final byte FILES = 7;
    /** The bytes before the entries of an entries or replace record: type, from, count. */
    static final int RECORD_HEADER = 1 + 8 + 4;

    private GroupRecords() {
    }

    /** A record's type: its first byte, 0 if it has none. */
    static byte typeOf(SegmentScan.Record r) {
        return r.payload().length == 0 ? 0 : r.payload()[0];
    }

    /**
     * The base record that begins a segment.
     *
     * @param boundaryIndex the group's purge boundary
     * @param boundaryTerm  its term
     * @param lastIndex     the group's last index
     * @param savedFiles    the flags of the files saved so far ({@link SavedFiles#flags()})
     */
    static byte[] base(long boundaryIndex, long boundaryTerm, long lastIndex, int savedFiles) {
        return ByteBuffer.allocate(26).put(BASE).putLong(boundaryIndex).putLong(boundaryTerm).putLong(lastIndex)
                .put((byte) savedFiles).array();
    }

    /** The end record that closes segment {@code seq}, whose group's last index is {@code lastIndex}. */
    static byte[] end(long seq, long lastIndex) {
        return ByteBuffer.allocate(17).put(END).putLong(seq).putLong(lastIndex).array();
    }

    /** A purge or reset record ({@code type} {@link #PURGE} or {@link #RESET}). */
    static byte[] bounds(byte type, long index, long term) {
        return ByteBuffer.allocate(17).put(type).putLong(index).putLong(term).array();
    }
}
