package dev.plinth.lsm.internal.sstable;

import io.airlift.compress.lz4.Lz4Compressor;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 for data blocks, pure Java, never native code: table writers compress with aircompressor's LZ4
 * compressor, which keeps its hash table from call to call (lz4-java's pure Java compressors allocate a 16 KiB
 * table on every call); blocks are read back with lz4-java's pure Java, bounds-checked decompressor. A compressed
 * block is stored as its uncompressed length (4 bytes, little-endian) followed by one LZ4 block; the
 * decompressor is the bounds-checked one, so damaged input fails instead of reading or writing out of
 * bounds. Stateless and thread-safe.
 */
final class BlockCompression {
    /** A compressed block is kept only if it saves at least one part in this many of the raw size. */
    static final int MIN_SAVING_DIVISOR = 8;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    /** For {@link #maxStoredLength} only (the bound is stateless). */
    private static final Lz4Compressor BOUND = new Lz4Compressor();

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
     * The size of the array {@link #compress(Lz4Compressor, byte[], int, byte[])} needs for a block of
     * {@code rawLength} bytes.
     *
     * @param rawLength the block's length
     * @return bytes
     */
    static int maxStoredLength(int rawLength) {
        return 4 + BOUND.maxCompressedLength(rawLength);
    }

    /**
     * Compresses a block into the caller's array if that pays, as {@link #compress(byte[])} does, with a
     * compressor that keeps its table (one per table writer: it is not thread-safe) and no array made.
     *
     * @param compressor the caller's compressor
     * @param raw an array whose first {@code length} bytes are the block
     * @param length the block's length
     * @param out where the stored form goes, at least {@link #maxStoredLength(int)} bytes
     * @return the stored form's length, or -1 if it would not save at least one part in
     *     {@link #MIN_SAVING_DIVISOR} (then {@code out} holds nothing of use)
     */
    static int compress(Lz4Compressor compressor, byte[] raw, int length, byte[] out) {
        out[0] = (byte) length;
        out[1] = (byte) (length >>> 8);
        out[2] = (byte) (length >>> 16);
        out[3] = (byte) (length >>> 24);
        int n = compressor.compress(raw, 0, length, out, 4, out.length - 4);
        return 4 + n > length - length / MIN_SAVING_DIVISOR ? -1 : 4 + n;
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
