package dev.plinth.raftlog.internal.segment;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The records of one segment file, read and checked from its start. Immutable once built; thread safe.
 *
 * <p>A segment being appended to ({@code open}) may end in a torn write. The first record that is incomplete,
 * has an impossible length or fails its CRC is a torn tail only if no valid record starts anywhere after it in
 * the file: then it and everything after it are dropped, and {@link #validEnd()} says where a writer must
 * truncate before appending. If a valid record follows it, the records after it were written (and may have been
 * synced and acknowledged) after the damaged one, so the damage is in the middle: a {@link CorruptionException}
 * naming the file and the offset, and nothing is dropped. A closed segment was fully synced before it was closed,
 * so any damage there is a {@link CorruptionException}.
 *
 * <p>A damaged or foreign header is a {@link CorruptionException}, except in an open segment with no valid
 * record after the header (a create that crashed before its header was durable, leaving a short file or
 * preallocated zeros), which reads as empty with {@code validEnd} 0.
 *
 * <p>What this cannot tell apart: damage to the last synced record of an open segment, with nothing valid after
 * it, looks exactly like a torn write and is cut. Bytes inside the damaged record's payload that happen to form a
 * valid record (a payload that embeds a framed record) make a torn tail read as damage in the middle: the open
 * is refused, nothing is lost.
 */
public final class SegmentScan {

    /** One record: where its frame starts and its payload. */
    public record Record(long offset, byte[] payload) {
    }

    private final List<Record> records;
    private final long validEnd;
    private final long size;
    private final int version;

    private SegmentScan(List<Record> records, long validEnd, long size, int version) {
        this.records = Collections.unmodifiableList(records);
        this.validEnd = validEnd;
        this.size = size;
        this.version = version;
    }

    /** The segment's format version ({@link SegmentFormat#VERSION} for one whose header never became whole). */
    public int version() {
        return version;
    }

    /** The valid records, in file order. */
    public List<Record> records() {
        return records;
    }

    /** The end of the last valid record (exclusive), or 0 if not even the header is whole. */
    public long validEnd() {
        return validEnd;
    }

    /** The bytes after {@link #validEnd()}: a torn tail, cut before the next append. */
    public long tornBytes() {
        return size - validEnd;
    }

    /**
     * Reads a segment of any format version either log wrote (for tools and tests; a log reads with
     * {@link #read(Vfs, String, boolean, int)}).
     *
     * @param vfs  the file system
     * @param name the segment's name
     * @param open whether the segment may end in a torn write
     * @return the scan
     * @throws CorruptionException if the header is damaged or foreign, or a closed segment has a damaged record
     * @throws dev.plinth.StorageIOException if the file cannot be read
     */
    public static SegmentScan read(Vfs vfs, String name, boolean open) {
        return read(vfs, name, open, SegmentFormat.OLDEST_VERSION);
    }

    /**
     * Reads a segment of the log that writes format version {@code written}: a header of a version that log never
     * wrote (the other log's) is a {@link CorruptionException}, as a foreign header is.
     *
     * @param vfs     the file system
     * @param name    the segment's name
     * @param open    whether the segment may end in a torn write
     * @param written the version the reading log writes ({@link SegmentFormat#readBy})
     * @return the scan
     * @throws CorruptionException if the header is damaged, foreign or of a version the log does not read, or a
     *                             closed segment has a damaged record
     * @throws dev.plinth.StorageIOException if the file cannot be read
     */
    public static SegmentScan read(Vfs vfs, String name, boolean open, int written) {
        java.util.SortedSet<Integer> readable = SegmentFormat.readBy(written);
        try (VfsFile f = vfs.openRead(name)) {
            long size = f.size();
            if (size < SegmentFormat.HEADER_BYTES && open) {
                return new SegmentScan(new ArrayList<>(), 0, size, SegmentFormat.VERSION);
            }
            ByteBuffer h = ByteBuffer.allocate(SegmentFormat.HEADER_BYTES);
            f.read(0, h);
            h.flip();
            int version = SegmentFormat.versionOf(h, readable);
            if (version < 0) {
                if (open && validRecordAfter(f, 0, size) < 0) {
                    return new SegmentScan(new ArrayList<>(), 0, size, SegmentFormat.VERSION);
                }
                h.rewind();
                long magic = h.remaining() >= 8 ? h.getLong() : 0;
                int found = h.remaining() >= 4 ? h.getInt() : 0;
                throw new CorruptionException(vfs.location(name) + " is not a Plinth Raft log segment of a format "
                        + "version this log reads (" + readable.stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ")) + "): its header reads magic "
                        + Long.toHexString(magic) + " and version " + found + ", or its header checksum does not match.");
            }
            List<Record> out = new ArrayList<>();
            long p = SegmentFormat.HEADER_BYTES;
            ByteBuffer frame = ByteBuffer.allocate(SegmentFormat.FRAME_BYTES);
            while (p < size) {
                String problem = null;
                byte[] payload = null;
                if (size - p < SegmentFormat.FRAME_BYTES) {
                    problem = "an incomplete record frame";
                } else {
                    frame.clear();
                    f.read(p, frame);
                    frame.flip();
                    int len = frame.getInt();
                    int crc = frame.getInt();
                    if (len < 0 || len > SegmentFormat.MAX_PAYLOAD_BYTES) {
                        problem = "an impossible record length " + len;
                    } else if (size - p - SegmentFormat.FRAME_BYTES < len) {
                        problem = "a record of " + len + " bytes running past the end of the file";
                    } else {
                        ByteBuffer pb = ByteBuffer.allocate(len);
                        f.read(p + SegmentFormat.FRAME_BYTES, pb);
                        payload = pb.array();
                        if (SegmentFormat.recordCrc(len, payload, 0, len) != crc) {
                            problem = "a record whose CRC32C does not match";
                        }
                    }
                }
                if (problem != null) {
                    if (!open) {
                        throw new CorruptionException("The closed segment " + vfs.location(name) + " has " + problem
                                + " at offset " + p + ".");
                    }
                    long next = validRecordAfter(f, p + 1, size);
                    if (next >= 0) {
                        throw new CorruptionException("The open segment " + vfs.location(name) + " has " + problem
                                + " at offset " + p + ", but a valid record follows it at offset " + next
                                + ", so it is damage in the middle and no torn write; nothing was changed.");
                    }
                    break;
                }
                out.add(new Record(p, payload));
                p += SegmentFormat.FRAME_BYTES + payload.length;
            }
            return new SegmentScan(out, p, size, version);
        }
    }

    /** Bytes read at a time when looking for a valid record after damage. */
    private static final int SEARCH_CHUNK = 1 << 20;

    /**
     * The offset of the first valid record (a plausible length, room for its payload, a matching CRC32C) that
     * starts at {@code from} or later, or -1 if there is none. Every byte offset is tried, since damage may have
     * hidden where the records after it start; zeros (preallocated space) never form a record.
     */
    static long validRecordAfter(VfsFile f, long from, long size) {
        ByteBuffer chunk = ByteBuffer.allocate(SEARCH_CHUNK + SegmentFormat.FRAME_BYTES);
        for (long base = from; size - base >= SegmentFormat.FRAME_BYTES; base += SEARCH_CHUNK) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - base));
            f.read(base, chunk);
            chunk.flip();
            int n = chunk.limit();
            for (int i = 0; i < SEARCH_CHUNK && i + SegmentFormat.FRAME_BYTES <= n; i++) {
                int len = chunk.getInt(i);
                int crc = chunk.getInt(i + 4);
                if ((len == 0 && crc == 0) || len < 0 || len > SegmentFormat.MAX_PAYLOAD_BYTES) {
                    continue;
                }
                long at = base + i;
                if (size - at - SegmentFormat.FRAME_BYTES < len) {
                    continue;
                }
                byte[] payload = new byte[len];
                if (i + SegmentFormat.FRAME_BYTES + len <= n) {
                    chunk.get(i + SegmentFormat.FRAME_BYTES, payload);
                } else {
                    f.read(at + SegmentFormat.FRAME_BYTES, ByteBuffer.wrap(payload));
                }
                if (SegmentFormat.recordCrc(len, payload, 0, len) == crc) {
                    return at;
                }
            }
        }
        return -1;
    }
}
