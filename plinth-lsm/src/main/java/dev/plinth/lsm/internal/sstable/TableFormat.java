package dev.plinth.lsm.internal.sstable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk constants of a table file ({@code table-NNNNNNNNNN.sst}), described in
 * {@code docs/format/sstable.md}: data blocks, a range-delete block, a bloom filter block and an index
 * block, each followed by a {@link #BLOCK_TRAILER}-byte trailer (compression type, CRC32C), then a
 * {@link #FOOTER_SIZE}-byte footer ending in {@link #MAGIC}. Little-endian. Stateless.
 */
public final class TableFormat {
    /** {@code "PLNTHSST"} in ASCII: the last eight bytes of the footer. */
    public static final long MAGIC = 0x504C4E5448535354L;
    /** The table format version written: data blocks may be LZ4-compressed. */
    public static final int VERSION = 2;
    /** The first format version, still read: every block is stored as it is. */
    public static final int VERSION_UNCOMPRESSED = 1;
    /** Bytes after each block: compression type (1), CRC32C of the stored block and the type (4). */
    public static final int BLOCK_TRAILER = 5;
    /** Compression type: the block is stored as it is. */
    public static final byte NO_COMPRESSION = 0;
    /** Compression type: uncompressed length (4) and one LZ4 block; data blocks of version 2 only. */
    public static final byte LZ4_COMPRESSION = 1;
    /** The largest uncompressed block a reader accepts; a writer's blocks stay far below it. */
    public static final int MAX_RAW_BLOCK = 64 << 20;
    /**
     * Bytes of the footer: filter, range-delete and index block handles (offset 8, size 4 each), entry count
     * (8), version (4), magic (8), CRC32C of the preceding 56 bytes (4).
     */
    public static final int FOOTER_SIZE = 60;
    /** Data block size the writer aims at before starting a new block. */
    public static final int TARGET_BLOCK_SIZE = 4096;
    /** Entries between restart points, where a key is written whole. */
    public static final int RESTART_INTERVAL = 16;
    /** The bytes of the keyspace id in front of each user key in an internal key. */
    static final int KEYSPACE_BYTES = 4;
    /** Bloom filter bits per key. */
    public static final int BLOOM_BITS_PER_KEY = 10;

    private TableFormat() {
    }

    /**
     * The file name of a table.
     *
     * @param number the file number
     * @return {@code table-} and ten digits, {@code .sst}
     */
    public static String tableName(long number) {
        return String.format("table-%010d.sst", number);
    }

    /**
     * The number of a table file name, or -1.
     *
     * @param name a file name
     * @return the number, or -1
     */
    public static long tableNumber(String name) {
        if (!name.matches("table-\\d{10}\\.sst")) {
            return -1;
        }
        return Long.parseLong(name.substring(6, 16));
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The internal key of a block entry: keyspace id (4, big-endian, so that order is kept) and user key. */
    static byte[] internalKey(int ks, byte[] key) {
        byte[] k = new byte[4 + key.length];
        k[0] = (byte) (ks >>> 24);
        k[1] = (byte) (ks >>> 16);
        k[2] = (byte) (ks >>> 8);
        k[3] = (byte) ks;
        System.arraycopy(key, 0, k, 4, key.length);
        return k;
    }

    /**
     * Compares an entry, given by its internal key (the first {@code keyLen} bytes of {@code key}) and sequence
     * number, with a position in {@link dev.plinth.lsm.internal.key.Entry#ORDER}.
     *
     * @return negative if the entry comes before the position, zero if it is that position, positive if after
     */
    static int compareEntry(byte[] key, int keyLen, long seq, byte[] ikey, long atSeq) {
        int c = java.util.Arrays.compareUnsigned(key, 0, keyLen, ikey, 0, ikey.length);
        return c != 0 ? c : Long.compare(atSeq, seq);
    }

    /** The keyspace id an internal key starts with. */
    static int keyspaceOf(byte[] ikey) {
        return ((ikey[0] & 0xFF) << 24) | ((ikey[1] & 0xFF) << 16) | ((ikey[2] & 0xFF) << 8) | (ikey[3] & 0xFF);
    }

    static void putVarint(java.io.ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    /** A block's place in the file: offset and size, the trailer excluded. */
    record Handle(long offset, int size) {
    }
}
