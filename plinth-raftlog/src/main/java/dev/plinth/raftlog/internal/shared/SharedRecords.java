package dev.plinth.raftlog.internal.shared;

import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.internal.segment.EntryCodec;
import dev.plinth.raftlog.internal.segment.RecordScratch;
import dev.plinth.raftlog.internal.segment.SegmentFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The record payloads of the shared log (docs/format/raftlog.md, "The shared log"). Every payload starts with a
 * type byte and the group (8 bytes); all integers are big-endian. Stateless and thread safe.
 *
 * <p>Every record but the entries carries a whole piece of a group's state (its boundary, its hard state, its
 * whole key-value area), so the newest record of each kind is all a reopen needs, and a {@link #CHECKPOINT}
 * restates all three so that the segments holding older ones can be deleted.
 */
final class SharedRecords {
    /** Entries appended at {@code from}. */
    static final byte ENTRIES = 0x11;
    /** The suffix from {@code from} on replaced by the entries (none: a truncate). */
    static final byte REPLACE = 0x12;
    /** Entries appended and the hard state replaced, in one record. */
    static final byte ENTRIES_AND_HARD_STATE = 0x13;
    /** The purge boundary moved up: index, term. */
    static final byte PURGE = 0x14;
    /** Every entry dropped and the boundary set: index, term. */
    static final byte RESET = 0x15;
    /** The hard state replaced. */
    static final byte HARD_STATE = 0x16;
    /** The whole key-value area replaced. */
    static final byte META = 0x17;
    /** The whole state of a group restated: boundary, last index, hard state, key-value area. */
    static final byte CHECKPOINT = 0x18;
    /**
     * Version 4: the first record of every segment: the segment's own seq and the oldest seq still live when it
     * was begun. Not about a group (the group field is 0); read by {@link SharedLog}, never replayed into a group.
     */
    static final byte SEGMENT_START = 0x19;
    /** Version 4: the oldest seq still live, written and forced before the segments below it are deleted. */
    static final byte LIVE_FROM = 0x1A;
    /** Version 4: the last record of every closed segment: the segment's own seq. */
    static final byte SEGMENT_END = 0x1B;

    static final int HEADER = 1 + 8;
    static final int ENTRIES_HEADER = 8 + 4;
    static final int HARD_STATE_BYTES = 24;

    private SharedRecords() {
    }

    /** Whether a payload is one of the records about the segments themselves (version 4), not about a group. */
    static boolean isSegmentRecord(byte[] payload) {
        return payload.length > 0 && (payload[0] == SEGMENT_START || payload[0] == LIVE_FROM
                || payload[0] == SEGMENT_END);
    }

    /** A {@link #SEGMENT_START} record: the segment's seq and the oldest seq still live. */
    static byte[] segmentStart(long seq, long liveFrom) {
        return ByteBuffer.allocate(HEADER + 16).put(SEGMENT_START).putLong(0).putLong(seq).putLong(liveFrom).array();
    }

    /** A {@link #LIVE_FROM} record: the oldest seq still live. */
    static byte[] liveFrom(long liveFrom) {
        return ByteBuffer.allocate(HEADER + 8).put(LIVE_FROM).putLong(0).putLong(liveFrom).array();
    }

    /** A {@link #SEGMENT_END} record: the seq of the segment it closes. */
    static byte[] segmentEnd(long seq) {
        return ByteBuffer.allocate(HEADER + 8).put(SEGMENT_END).putLong(0).putLong(seq).array();
    }

    /**
     * An encoded entries record, framed in place: {@link SegmentFormat#FRAME_BYTES} bytes of room for the frame,
     * then the payload, in the first {@code length} bytes of this thread's {@link RecordScratch} array (valid until
     * the thread encodes its next record); where each entry's header sits in the payload, and each entry's length
     * field.
     */
    record Encoded(byte[] framed, int length, int[] entryAt, int[] lengthFields) {
    }

    static Encoded entries(byte type, long group, HardState hs, long from, List<LogEntry> entries, boolean lz4) {
        EntryCodec.Batch stored = EntryCodec.storeAll(entries, lz4);
        int size = SegmentFormat.FRAME_BYTES + HEADER + (hs != null ? HARD_STATE_BYTES : 0) + ENTRIES_HEADER;
        int length = Math.addExact(size, stored.recordBytes());
        byte[] framed = RecordScratch.take(length);
        ByteBuffer b = ByteBuffer.wrap(framed, 0, length).position(SegmentFormat.FRAME_BYTES).put(type).putLong(group);
        if (hs != null) {
            putHardState(b, hs);
        }
        b.putLong(from).putInt(entries.size());
        int[] at = new int[entries.size()];
        int[] fields = new int[entries.size()];
        stored.putAll(b, SegmentFormat.FRAME_BYTES, at);
        for (int i = 0; i < fields.length; i++) {
            fields[i] = stored.lengthField(i);
        }
        return new Encoded(framed, length, at, fields);
    }

    static byte[] boundary(byte type, long group, long index, long term) {
        return ByteBuffer.allocate(HEADER + 16).put(type).putLong(group).putLong(index).putLong(term).array();
    }

    static byte[] hardState(long group, HardState hs) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + HARD_STATE_BYTES).put(HARD_STATE).putLong(group);
        putHardState(b, hs);
        return b.array();
    }

    static byte[] meta(long group, Map<String, byte[]> meta) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + metaSize(meta)).put(META).putLong(group);
        putMeta(b, meta);
        return b.array();
    }

    static byte[] checkpoint(long group, long boundaryIndex, long boundaryTerm, long lastIndex, HardState hs,
                             Map<String, byte[]> meta) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 24 + HARD_STATE_BYTES + metaSize(meta)).put(CHECKPOINT)
                .putLong(group).putLong(boundaryIndex).putLong(boundaryTerm).putLong(lastIndex);
        putHardState(b, hs);
        putMeta(b, meta);
        return b.array();
    }

    static void putHardState(ByteBuffer b, HardState hs) {
        b.putLong(hs.term()).putLong(hs.votedFor()).putLong(hs.commitIndex());
    }

    /** Reads a hard state; an impossible one is an {@link IllegalArgumentException} the caller reports. */
    static HardState getHardState(ByteBuffer b) {
        return new HardState(b.getLong(), b.getLong(), b.getLong());
    }

    private static int metaSize(Map<String, byte[]> meta) {
        int size = 4;
        for (Map.Entry<String, byte[]> e : meta.entrySet()) {
            size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
        }
        return size;
    }

    private static void putMeta(ByteBuffer b, Map<String, byte[]> meta) {
        b.putInt(meta.size());
        for (Map.Entry<String, byte[]> e : meta.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putInt(k.length).put(k).putInt(e.getValue().length).put(e.getValue());
        }
    }

    static void getMeta(ByteBuffer b, Map<String, byte[]> into) {
        int n = b.getInt();
        if (n < 0) {
            throw new IllegalArgumentException("a negative key count " + n);
        }
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[b.getInt()];
            b.get(k);
            byte[] v = new byte[b.getInt()];
            b.get(v);
            into.put(new String(k, StandardCharsets.UTF_8), v);
        }
    }

}
