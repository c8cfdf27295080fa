package dev.plinth.lsm.internal.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk constants of a write-ahead log segment, described in {@code docs/format/wal.md}. A segment
 * is a file {@code wal-NNNNNNNNNN.log} preallocated with zeros. It starts with a {@link #HEADER_SIZE}-byte
 * header; the rest is a sequence of {@link #BLOCK_SIZE}-byte blocks (the first one shortened by the
 * header) holding record fragments, each a {@link #FRAGMENT_HEADER}-byte header (CRC32C, length, type)
 * and its payload. A fragment never crosses a block boundary, so a torn write damages one block. Stateless.
 */
public final class WalFormat {
    /** The first eight bytes of every segment: {@code "PLNTHWAL"} in ASCII. */
    public static final long MAGIC = 0x504C4E544857414CL;
    /** The format version written in the header. */
    public static final int VERSION = 1;
    /** Bytes of the segment header: magic (8), version (4), segment number (8), CRC32C of those (4), zeros. */
    public static final int HEADER_SIZE = 32;
    /** Bytes of a block; fragments never cross a block boundary. */
    public static final int BLOCK_SIZE = 32 * 1024;
    /** Bytes of a fragment header: CRC32C (4), payload length (2), type (1). */
    public static final int FRAGMENT_HEADER = 7;

    /** Fragment type: a whole record. */
    public static final byte FULL = 1;
    /** Fragment type: the first piece of a record. */
    public static final byte FIRST = 2;
    /** Fragment type: a piece that is neither first nor last. */
    public static final byte MIDDLE = 3;
    /** Fragment type: the last piece of a record. */
    public static final byte LAST = 4;

    private WalFormat() {
    }

    /**
     * The file name of a segment.
     *
     * @param number the segment number, at least 1
     * @return {@code wal-} and the number in ten digits, {@code .log}
     */
    public static String segmentName(long number) {
        return String.format("wal-%010d.log", number);
    }

    /**
     * The number of a segment file name, or -1 if the name is not one.
     *
     * @param name a file name
     * @return the number, or -1
     */
    public static long segmentNumber(String name) {
        if (!name.matches("wal-\\d{10}\\.log")) {
            return -1;
        }
        return Long.parseLong(name.substring(4, 14));
    }

    /**
     * The header of a segment.
     *
     * @param number the segment number
     * @return {@link #HEADER_SIZE} bytes, little-endian
     */
    public static ByteBuffer header(long number) {
        return header(MAGIC, number);
    }

    /**
     * The header of a file in this format with another magic number (the manifest's).
     *
     * @param magic the file type's magic number
     * @param number the file number
     * @return {@link #HEADER_SIZE} bytes, little-endian
     */
    public static ByteBuffer header(long magic, long number) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(Long.reverseBytes(magic)).putInt(VERSION).putLong(number); // the magic reads as ASCII
        b.putInt(crc(b.array(), 0, 20));
        b.clear();
        return b;
    }

    /**
     * Checks a segment header.
     *
     * @param b {@link #HEADER_SIZE} bytes
     * @param number the segment number the file name says
     * @return {@code null} if valid, else a phrase saying what is wrong
     */
    public static String checkHeader(byte[] b, long number) {
        return checkHeader(b, MAGIC, number);
    }

    /**
     * Checks the header of a file in this format with another magic number.
     *
     * @param b {@link #HEADER_SIZE} bytes
     * @param expectedMagic the file type's magic number
     * @param number the file number the name says
     * @return {@code null} if valid, else a phrase saying what is wrong
     */
    public static String checkHeader(byte[] b, long expectedMagic, long number) {
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long magic = Long.reverseBytes(h.getLong());
        int version = h.getInt();
        long n = h.getLong();
        int crc = h.getInt();
        if (crc != crc(b, 0, 20)) {
            return "the header checksum does not match";
        }
        if (magic != expectedMagic) {
            return "the header has the wrong magic number";
        }
        if (version != VERSION) {
            return "the header says format version " + version + ", this code reads only " + VERSION;
        }
        for (int i = 24; i < HEADER_SIZE; i++) {
            if (b[i] != 0) {
                // Written as zeros and outside the checksum: a flipped bit here is damage too.
                return "the header's reserved bytes 24 to 31 are not zero";
            }
        }
        if (n != number) {
            return "the header says file number " + n + " but the name says " + number;
        }
        return null;
    }

    /**
     * CRC32C of a range of bytes.
     *
     * @param b the bytes
     * @param off the start
     * @param len the length
     * @return the checksum as an int
     */
    public static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * CRC32C of a fragment: its type byte, then its payload.
     *
     * @param type the fragment type
     * @param b the payload's array
     * @param off where the payload starts
     * @param len the payload length
     * @return the checksum as an int
     */
    public static int fragmentCrc(byte type, byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(type);
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
