package dev.plinth.raftlog.internal.segment;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * The on-disk constants of a log segment file (docs/format/raftlog.md, "Segment files").
 *
 * <p>A segment is a {@link #HEADER_BYTES}-byte header, then records. The header is {@link #MAGIC} (8 bytes),
 * {@link #VERSION} (4 bytes) and a CRC32C of those 12 bytes (4 bytes). A record is its payload length (4
 * bytes), a CRC32C of those 4 length bytes followed by the payload (4 bytes), then the payload. All integers are
 * big-endian. Stateless and thread safe.
 */
public final class SegmentFormat {
    /** "PLRFTSEG": the first bytes of every segment file. */
    public static final long MAGIC = 0x504C524654534547L;
    /**
     * The format version the shared log writes. Version 2 added LZ4-compressed entries (see {@link EntryCodec});
     * version 4 (the shared log's; 3 and 5 are the per-group log's, {@link #GROUP_VERSION}) begins every segment
     * with a record naming its seq and the oldest seq still live, and ends every closed one with a record naming its
     * seq, so a segment lost or cut short is found at open. Older segments are still read, and an in-progress one is closed at open rather than
     * appended to, so a segment is only ever appended to by code of its own version.
     */
    public static final int VERSION = 4;
    /**
     * The per-group segmented log's first version with the purge boundary in the segments (a base record first in
     * each segment, purge and reset records) instead of a {@code boundary} file; its framing and entries are those
     * of version 2.
     */
    public static final int GROUP_BOUNDS_VERSION = 3;
    /**
     * The format version the per-group segmented log writes. Version 5 (since 2026-12-06) adds to version 3 an end
     * record last in every closed segment, so a closed segment cut at a record boundary is found, and the files
     * a group has saved beside its segments ({@code hardstate}, {@code meta}) named in its records, so a lost one
     * is found.
     */
    public static final int GROUP_VERSION = 5;
    /** The oldest format version read. */
    public static final int OLDEST_VERSION = 1;
    /** The newest format version read, by either log; each log reads only its own versions ({@link #readBy}). */
    public static final int NEWEST_VERSION = GROUP_VERSION;
    /** The versions the shared log reads: those both logs wrote (1, 2) and its own, {@link #VERSION}. */
    private static final Set<Integer> SHARED_READS = Set.of(1, 2, VERSION);
    /** The versions the per-group log reads: those both logs wrote (1, 2) and its own, 3 and {@link #GROUP_VERSION}. */
    private static final Set<Integer> GROUP_READS = Set.of(1, 2, GROUP_BOUNDS_VERSION, GROUP_VERSION);
    /** Bytes in the header. */
    public static final int HEADER_BYTES = 16;
    /** Bytes in a record's frame before its payload. */
    public static final int FRAME_BYTES = 8;
    /** The largest payload a record may carry; a longer length field is damage. */
    public static final int MAX_PAYLOAD_BYTES = 64 << 20;

    private SegmentFormat() {
    }

    /** The header bytes of a new segment. */
    static ByteBuffer header() {
        return header(VERSION);
    }

    /** The header bytes of a segment of a given version. */
    static ByteBuffer header(int version) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).putLong(MAGIC).putInt(version);
        b.putInt(crc(b.array(), 0, 12, null, 0, 0));
        return b.flip();
    }

    /**
     * The format versions read by the log that writes {@code written}: after version 2 the two logs went separate
     * ways (3 and 5 are the per-group log's, 4 the shared log's), and a segment of the other log's version would be
     * read with the wrong record rules, so it is refused.
     *
     * @param written {@link #VERSION} (the shared log) or {@link #GROUP_VERSION} (the per-group log); any other
     *                value, {@link #OLDEST_VERSION} to {@link #NEWEST_VERSION} (tools and tests)
     * @return the versions read, sorted
     */
    public static SortedSet<Integer> readBy(int written) {
        Set<Integer> read = switch (written) {
            case VERSION -> SHARED_READS;
            case GROUP_VERSION -> GROUP_READS;
            default -> IntStream.rangeClosed(OLDEST_VERSION, NEWEST_VERSION).boxed().collect(Collectors.toSet());
        };
        return new TreeSet<>(read);
    }

    /**
     * The version of a header that is whole, ours and of a version read here.
     *
     * @param h    the header bytes read (position 0)
     * @param read the versions accepted ({@link #readBy})
     * @return the version, or -1 if the header is short, foreign, damaged or of a version not accepted
     */
    static int versionOf(ByteBuffer h, Set<Integer> read) {
        if (h.remaining() < HEADER_BYTES) {
            return -1;
        }
        for (int v : read) {
            if (h.equals(header(v))) {
                return v;
            }
        }
        return -1;
    }

    /**
     * Checks that a payload fits one record.
     *
     * @param payloadBytes the payload's length
     * @param where        names the log, for the message
     * @throws IllegalArgumentException if it is over {@link #MAX_PAYLOAD_BYTES}
     */
    public static void requirePayloadFits(int payloadBytes, String where) {
        if (payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("A record of " + where + " holds at most " + MAX_PAYLOAD_BYTES
                    + " bytes of payload, but was given " + payloadBytes + ".");
        }
    }

    /**
     * Checks a record framed in place: {@link #FRAME_BYTES} bytes of room, then a payload that fits one record,
     * all within its array.
     *
     * @param framed the array
     * @param length the bytes of it that are the record
     * @param where  names the log or file, for the message
     * @throws IllegalArgumentException if not
     */
    public static void requireFramedFits(byte[] framed, int length, String where) {
        if (length < FRAME_BYTES || length > framed.length || length - FRAME_BYTES > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("A framed record of " + where + " holds " + FRAME_BYTES + " bytes of "
                    + "frame and at most " + MAX_PAYLOAD_BYTES + " of payload within its array, but was given "
                    + length + " bytes of an array of " + framed.length + ".");
        }
    }

    /** The framed record for a payload. */
    static ByteBuffer frame(byte[] payload, int offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_BYTES + length).putInt(length);
        b.putInt(recordCrc(length, payload, offset, length));
        return b.put(payload, offset, length).flip();
    }

    /**
     * Frames a record in place: {@code framed} holds {@link #FRAME_BYTES} bytes that this fills in (the payload's
     * length and the CRC32C), then the payload, up to {@code length}. The bytes are those of {@link #frame},
     * without copying the payload.
     *
     * @param framed the frame's room and the payload
     * @param length the bytes of {@code framed} that are the record, frame included
     * @return the same array, framed
     */
    static byte[] frameInPlace(byte[] framed, int length) {
        int payload = length - FRAME_BYTES;
        ByteBuffer b = ByteBuffer.wrap(framed);
        b.putInt(0, payload);
        CRC32C c = new CRC32C();
        c.update(framed, 0, 4);
        c.update(framed, FRAME_BYTES, payload);
        b.putInt(4, (int) c.getValue());
        return framed;
    }

    static int recordCrc(int length, byte[] payload, int offset, int n) {
        byte[] len = ByteBuffer.allocate(4).putInt(length).array();
        return crc(len, 0, 4, payload, offset, n);
    }

    private static int crc(byte[] a, int ao, int an, byte[] b, int bo, int bn) {
        CRC32C c = new CRC32C();
        c.update(a, ao, an);
        if (b != null) {
            c.update(b, bo, bn);
        }
        return (int) c.getValue();
    }
}
