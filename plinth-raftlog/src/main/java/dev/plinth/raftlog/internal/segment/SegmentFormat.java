package dev.plinth.raftlog.internal.segment;

import java.nio.ByteBuffer;
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
    /** The only format version written and read. */
    public static final int VERSION = 1;
    /** Bytes in the header. */
    public static final int HEADER_BYTES = 16;
    /** Bytes in a record's frame before its payload. */
    public static final int FRAME_BYTES = 8;
    /** The largest payload a record may carry; a longer length field is damage. */
    public static final int MAX_PAYLOAD_BYTES = 64 << 20;

    private SegmentFormat() {
    }

    /** The header bytes. */
    static ByteBuffer header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).putLong(MAGIC).putInt(VERSION);
        b.putInt(crc(b.array(), 0, 12, null, 0, 0));
        return b.flip();
    }

    /** The framed record for a payload. */
    static ByteBuffer frame(byte[] payload, int offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_BYTES + length).putInt(length);
        b.putInt(recordCrc(length, payload, offset, length));
        return b.put(payload, offset, length).flip();
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
