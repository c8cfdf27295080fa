package dev.plinth.cli.bench;

import java.util.SplittableRandom;

/**
 * YCSB's "scrambled Zipfian" request distribution: a Zipfian rank drawn over a fixed, huge item space of
 * {@link #ITEM_SPACE} items is hashed (64-bit FNV-1a) and reduced modulo the real item count. The
 * popularity curve stays Zipfian, but the popular items are scattered over the key space instead of
 * crowding its start, and the item count may change between draws without recomputing anything.
 *
 * <p>Not thread-safe: one generator per thread.
 */
final class ScrambledZipfianGenerator {
    /** The item space the underlying Zipfian draws from, as in YCSB. */
    static final long ITEM_SPACE = 10_000_000_000L;

    private final ZipfianGenerator zipfian = new ZipfianGenerator(ITEM_SPACE, ZipfianGenerator.YCSB_THETA);

    /**
     * Draws an item.
     *
     * @param rnd the random source
     * @param items the current item count, 1 or more
     * @return an item in {@code [0, items)}
     */
    long next(SplittableRandom rnd, long items) {
        return Math.floorMod(fnv1a64(zipfian.next(rnd)), items);
    }

    /**
     * 64-bit FNV-1a over the eight bytes of {@code v}, least significant first.
     *
     * @param v the value
     * @return its hash
     */
    static long fnv1a64(long v) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < 8; i++) {
            h ^= (v >>> (8 * i)) & 0xFF;
            h *= 0x100000001B3L;
        }
        return h;
    }
}
