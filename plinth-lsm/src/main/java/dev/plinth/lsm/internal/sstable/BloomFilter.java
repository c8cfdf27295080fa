package dev.plinth.lsm.internal.sstable;

/**
 * A bloom filter over the internal keys (keyspace and user key) of a table: {@link TableFormat#BLOOM_BITS_PER_KEY}
 * bits per key and a number of probes, found by double hashing of one 64-bit hash. Serialised as the probe
 * count (1 byte) then the bit array. Immutable once built.
 */
final class BloomFilter {
    private final byte[] bits;
    private final int probes;

    private BloomFilter(byte[] bits, int probes) {
        this.bits = bits;
        this.probes = probes;
    }

    static byte[] build(long[] hashes, int n) {
        int nbits = Math.max(64, n * TableFormat.BLOOM_BITS_PER_KEY);
        nbits = (nbits + 7) / 8 * 8;
        int probes = Math.max(1, Math.min(30, (int) Math.round(TableFormat.BLOOM_BITS_PER_KEY * 0.69)));
        byte[] out = new byte[1 + nbits / 8];
        out[0] = (byte) probes;
        for (int j = 0; j < n; j++) {
            long h = hashes[j];
            int h1 = (int) h;
            int h2 = (int) (h >>> 32) | 1;
            for (int i = 0; i < probes; i++) {
                int bit = Math.floorMod(h1 + i * h2, nbits);
                out[1 + bit / 8] |= (byte) (1 << (bit % 8));
            }
        }
        return out;
    }

    static BloomFilter parse(byte[] b) {
        if (b.length < 2 || b[0] < 1 || b[0] > 30) {
            throw new IllegalArgumentException("the filter block is malformed");
        }
        byte[] bits = java.util.Arrays.copyOfRange(b, 1, b.length);
        return new BloomFilter(bits, b[0]);
    }

    boolean mayContain(byte[] ikey) {
        int nbits = bits.length * 8;
        long h = hash(ikey);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32) | 1;
        for (int i = 0; i < probes; i++) {
            int bit = Math.floorMod(h1 + i * h2, nbits);
            if ((bits[bit / 8] & (1 << (bit % 8))) == 0) {
                return false;
            }
        }
        return true;
    }

    /** A 64-bit FNV-1a hash, then a murmur-style finaliser to spread the bits. */
    static long hash(byte[] k) {
        return hash(k, k.length);
    }

    /** {@link #hash(byte[])} of the first {@code length} bytes of {@code k}. */
    static long hash(byte[] k, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h ^= k[i] & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
