package dev.plinth.lsm.internal.sstable;

/**
 * A greedy LZ4 block compressor (the LZ4 block format: sequences of a token, literals, a 2-byte offset and a
 * match length) that keeps its hash table from call to call, so compressing a block allocates nothing.
 * lz4-java's pure-Java compressors allocate a 16 KiB table for every call, which for 4 KiB data blocks was
 * the largest allocation a compaction made. Its output is any valid LZ4 block, read back by the same
 * bounds-checked decompressor ({@link BlockCompression#decompress}). Stale table entries from earlier
 * blocks are told apart by a base that grows by each block's length, so the table is never cleared. Not
 * thread-safe: one per table writer.
 */
final class Lz4BlockCompressor {
    private static final int MIN_MATCH = 4;
    /** The last match must start at least this many bytes before the end of the block. */
    private static final int MF_LIMIT = 12;
    /** The last this many bytes are always literals. */
    private static final int LAST_LITERALS = 5;
    private static final int MAX_OFFSET = 65535;
    private static final int HASH_BITS = 12;

    /** Per 4-byte hash, {@code base} plus the position it was last seen at. */
    private final int[] table = new int[1 << HASH_BITS];
    private int base = 1;

    /**
     * The largest output of {@link #compress} for an input of {@code length} bytes.
     *
     * @param length the input length
     * @return bytes
     */
    static int maxCompressedLength(int length) {
        return length + length / 255 + 16;
    }

    /**
     * Compresses {@code src[0, length)} into {@code dst} from {@code dstOffset}.
     *
     * @param src the input
     * @param length its length
     * @param dst the output, with at least {@link #maxCompressedLength} bytes from {@code dstOffset}
     * @param dstOffset where the output starts
     * @return the output's length
     */
    int compress(byte[] src, int length, byte[] dst, int dstOffset) {
        if (base > Integer.MAX_VALUE - length - 1) {
            java.util.Arrays.fill(table, 0);
            base = 1;
        }
        int d = dstOffset;
        int anchor = 0;
        if (length > MF_LIMIT) {
            int lastMatchStart = length - MF_LIMIT;
            int matchEndLimit = length - LAST_LITERALS;
            int i = 0;
            while (i <= lastMatchStart) {
                int seq = readInt(src, i);
                int h = (seq * -1640531535) >>> (32 - HASH_BITS);
                int ref = table[h] - base;
                table[h] = base + i;
                if (ref < 0 || i - ref > MAX_OFFSET || readInt(src, ref) != seq) {
                    i += 1 + ((i - anchor) >>> 6); // skip faster through data that does not compress
                    continue;
                }
                int j = i + MIN_MATCH;
                int r = ref + MIN_MATCH;
                while (j < matchEndLimit && src[j] == src[r]) {
                    j++;
                    r++;
                }
                d = sequence(src, anchor, i - anchor, dst, d, i - ref, j - i);
                anchor = j;
                i = j;
            }
        }
        d = literals(src, anchor, length - anchor, dst, d, 0);
        base += length + 1;
        return d - dstOffset;
    }

    /** Writes a sequence: literals, then a match of {@code matchLength} bytes {@code offset} back. */
    private static int sequence(byte[] src, int from, int litLength, byte[] dst, int d, int offset, int matchLength) {
        int m = matchLength - MIN_MATCH;
        d = literals(src, from, litLength, dst, d, Math.min(m, 15));
        dst[d++] = (byte) offset;
        dst[d++] = (byte) (offset >>> 8);
        if (m >= 15) {
            d = length(dst, d, m - 15);
        }
        return d;
    }

    /** Writes a token (literal length and the given match nibble) and the literals. */
    private static int literals(byte[] src, int from, int litLength, byte[] dst, int d, int matchNibble) {
        dst[d++] = (byte) ((Math.min(litLength, 15) << 4) | matchNibble);
        if (litLength >= 15) {
            d = length(dst, d, litLength - 15);
        }
        System.arraycopy(src, from, dst, d, litLength);
        return d + litLength;
    }

    private static int length(byte[] dst, int d, int n) {
        while (n >= 255) {
            dst[d++] = (byte) 255;
            n -= 255;
        }
        dst[d++] = (byte) n;
        return d;
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }
}
