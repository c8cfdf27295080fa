package dev.plinth.cli.bench;

import java.util.SplittableRandom;

/**
 * YCSB's "latest" request distribution (workload D): a Zipfian rank counted back from the newest item,
 * so the most recently inserted item is the most popular and popularity follows the inserts as the item
 * count grows. Not thread-safe: one generator per thread.
 */
final class LatestGenerator {
    private final ZipfianGenerator zipfian;

    /**
     * Makes a generator.
     *
     * @param items the item count to start from; below 1 counts as 1
     */
    LatestGenerator(long items) {
        this.zipfian = new ZipfianGenerator(Math.max(1, items), ZipfianGenerator.YCSB_THETA);
    }

    /**
     * Draws an item.
     *
     * @param rnd the random source
     * @param items the current item count, 1 or more; the newest item is {@code items - 1}
     * @return an item in {@code [0, items)}
     */
    long next(SplittableRandom rnd, long items) {
        return items - 1 - zipfian.next(rnd, items);
    }
}
