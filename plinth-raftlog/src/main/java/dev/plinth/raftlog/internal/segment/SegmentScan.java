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
 * <p>A segment being appended to ({@code open}) may end in a torn write: the first record that is incomplete,
 * has an impossible length or fails its CRC ends the valid records, and {@link #validEnd()} says where a writer
 * must truncate before appending. A closed segment was fully synced before it was closed, so the same damage
 * there is a {@link CorruptionException}. A damaged or foreign header is always a {@link CorruptionException},
 * except in an open segment shorter than a header (a create that crashed before its header was synced), which
 * reads as empty with {@code validEnd} 0.
 */
public final class SegmentScan {

    /** One record: where its frame starts and its payload. */
    public record Record(long offset, byte[] payload) {
    }

    private final List<Record> records;
    private final long validEnd;
    private final long size;

    private SegmentScan(List<Record> records, long validEnd, long size) {
        this.records = Collections.unmodifiableList(records);
        this.validEnd = validEnd;
        this.size = size;
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
     * Reads a segment.
     *
     * @param vfs  the file system
     * @param name the segment's name
     * @param open whether the segment may end in a torn write
     * @return the scan
     * @throws CorruptionException if the header is damaged or foreign, or a closed segment has a damaged record
     * @throws dev.plinth.StorageIOException if the file cannot be read
     */
    public static SegmentScan read(Vfs vfs, String name, boolean open) {
        try (VfsFile f = vfs.openRead(name)) {
            long size = f.size();
            if (size < SegmentFormat.HEADER_BYTES && open) {
                return new SegmentScan(new ArrayList<>(), 0, size);
            }
            ByteBuffer h = ByteBuffer.allocate(SegmentFormat.HEADER_BYTES);
            f.read(0, h);
            h.flip();
            if (h.remaining() < SegmentFormat.HEADER_BYTES || !h.equals(SegmentFormat.header())) {
                h.rewind();
                long magic = h.remaining() >= 8 ? h.getLong() : 0;
                int version = h.remaining() >= 4 ? h.getInt() : 0;
                throw new CorruptionException(vfs.location(name) + " is not a Plinth Raft log segment of format version "
                        + SegmentFormat.VERSION + ": its header reads magic " + Long.toHexString(magic)
                        + " and version " + version + ", or its header checksum does not match.");
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
                    break;
                }
                out.add(new Record(p, payload));
                p += SegmentFormat.FRAME_BYTES + payload.length;
            }
            return new SegmentScan(out, p, size);
        }
    }
}
