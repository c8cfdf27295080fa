package dev.plinth.quadstore.internal;

/**
 * A Bloom filter of the dictionary lookup keys one writer assigned: {@link #mightContain} is {@code false} only
 * for a key that was never {@link #add added}, and {@code true} for every added key (and for a few others, about
 * one in a hundred). The dictionary uses it to skip the store read for a term first seen, while every term in
 * the store is one this writer assigned: a term the filter has never seen cannot be in the store then.
 *
 * <p>It grows with the terms added: a chain of segments, each twice the size of the one before, sized for
 * {@link #BITS_PER_KEY} bits a key; a lookup checks every segment. It holds at most {@link #MAX_KEYS} keys
 * (about {@code MAX_KEYS * BITS_PER_KEY * 2 / 8} bytes); {@link #add} reports when it is full, and the
 * dictionary then stops using it.
 *
 * <p>Not thread-safe: it belongs to the single writer of a quad store.
 */
final class OwnTermFilter {
    /** Bits a key in each segment: with {@link #HASHES} hashes, about 0.8% false positives a segment. */
    static final int BITS_PER_KEY = 10;
    /** Bits set and tested a key. */
    static final int HASHES = 7;
    /** Keys the first segment holds. */
    static final int FIRST_SEGMENT_KEYS = 1 << 16;
    /** The most keys the filter holds (its segments then take about 42 MB of heap). */
    static final long MAX_KEYS = 25_000_000L;

    private final long maxKeys;
    private long[][] segments = new long[0][];
    private int[] segmentKeys = new int[0];
    private int lastCapacity;
    private long keys;

    /** An empty filter of at most {@link #MAX_KEYS} keys. */
    OwnTermFilter() {
        this(MAX_KEYS);
    }

    /**
     * An empty filter.
     *
     * @param maxKeys the most keys it holds
     */
    OwnTermFilter(long maxKeys) {
        this.maxKeys = maxKeys;
    }

    /**
     * Adds a key.
     *
     * @param key a lookup key
     * @return {@code false} if the filter is full and did not add it: it can no longer answer
     */
    boolean add(byte[] key) {
        if (keys >= maxKeys) {
            return false;
        }
        int last = segments.length - 1;
        if (last < 0 || segmentKeys[last] >= lastCapacity) {
            lastCapacity = last < 0 ? FIRST_SEGMENT_KEYS : lastCapacity * 2;
            long bits = (long) lastCapacity * BITS_PER_KEY;
            long[][] grown = java.util.Arrays.copyOf(segments, segments.length + 1);
            grown[grown.length - 1] = new long[(int) ((bits + 63) >>> 6)];
            segments = grown;
            segmentKeys = java.util.Arrays.copyOf(segmentKeys, segmentKeys.length + 1);
            last++;
        }
        long[] bits = segments[last];
        long h = hash(key);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        long size = (long) bits.length << 6;
        for (int i = 0; i < HASHES; i++) {
            long bit = ((h1 + i * (long) h2) & Long.MAX_VALUE) % size;
            bits[(int) (bit >>> 6)] |= 1L << bit;
        }
        segmentKeys[last]++;
        keys++;
        return true;
    }

    /**
     * Whether a key may have been added.
     *
     * @param key a lookup key
     * @return {@code false} only if it was never added
     */
    boolean mightContain(byte[] key) {
        if (segments.length == 0) {
            return false;
        }
        long h = hash(key);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        for (long[] bits : segments) {
            long size = (long) bits.length << 6;
            boolean all = true;
            for (int i = 0; i < HASHES && all; i++) {
                long bit = ((h1 + i * (long) h2) & Long.MAX_VALUE) % size;
                all = (bits[(int) (bit >>> 6)] & (1L << bit)) != 0;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** How many keys were added. */
    long size() {
        return keys;
    }

    /** FNV-1a over the bytes, then MurmurHash3's 64-bit finaliser to spread them over both halves. */
    static long hash(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe53e87cdL;
        h ^= h >>> 33;
        return h;
    }
}
