package dev.plinth.lsm.internal.sstable;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 for data blocks, pure Java (lz4-java's Java implementations, never its native one). A compressed
 * block is stored as its uncompressed length (4 bytes, little-endian) followed by one LZ4 block; the
 * decompressor is the bounds-checked one, so damaged input fails instead of reading or writing out of
 * bounds. Stateless and thread-safe.
 */
final class BlockCompression {
    /** A compressed block is kept only if it saves at least one part in this many of the raw size. */
    static final int MIN_SAVING_DIVISOR = 8;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

    private BlockCompression() {
    }

    /**
     * Compresses a block if that pays.
     *
     * @param raw the block
     * @return the stored form (length prefix and LZ4 data), or {@code null} if it would not save at least
     *     one part in {@link #MIN_SAVING_DIVISOR}
     */
    static byte[] compress(byte[] raw) {
        byte[] out = new byte[4 + COMPRESSOR.maxCompressedLength(raw.length)];
        TableFormat.le(out).putInt(0, raw.length);
        int n = COMPRESSOR.compress(raw, 0, raw.length, out, 4, out.length - 4);
        if (4 + n > raw.length - raw.length / MIN_SAVING_DIVISOR) {
            return null;
        }
        return java.util.Arrays.copyOf(out, 4 + n);
    }

    /**
     * Decompresses a stored block whose checksum held.
     *
     * @param stored the stored bytes (more may follow)
     * @param length how many of them are the block
     * @return the raw block
     * @throws IllegalArgumentException with a phrase saying what is wrong
     */
    static byte[] decompress(byte[] stored, int length) {
        if (length < 4) {
            throw new IllegalArgumentException("it is shorter than its length prefix");
        }
        int raw = TableFormat.le(stored).getInt(0);
        if (raw < 0 || raw > TableFormat.MAX_RAW_BLOCK) {
            throw new IllegalArgumentException("it says " + raw + " bytes uncompressed");
        }
        byte[] out = new byte[raw];
        int n;
        try {
            n = DECOMPRESSOR.decompress(stored, 4, length - 4, out, 0, raw);
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (n != raw) {
            throw new IllegalArgumentException("it holds " + n + " bytes, not the " + raw + " it says");
        }
        return out;
    }
}
