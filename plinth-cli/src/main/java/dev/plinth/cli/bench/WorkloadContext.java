package dev.plinth.cli.bench;

import dev.plinth.Keyspace;
import java.util.function.LongFunction;

/**
 * What a workload's workers need to know about one run on one store. Immutable apart from the shared
 * {@link InsertCounter}; thread-safe.
 *
 * @param keyspace where the records live
 * @param records the key and value codec
 * @param keys how many records were loaded ({@code 0 .. keys - 1}); for fills, how many to write
 * @param inserts hands out ids of new records (YCSB D and E) and knows which ids surely exist
 * @param threads how many measured threads the run has
 * @param seed the run's seed: the same for every store, so each sees the same requests
 * @param permutations a seeded permutation of {@code 0 .. keys - 1} for each salt, shared across stores
 */
record WorkloadContext(Keyspace keyspace, Records records, long keys, InsertCounter inserts, int threads,
                       long seed, LongFunction<int[]> permutations) {
    /**
     * The seed of one thread's random source.
     *
     * @param thread the thread's index, or -1 for a background thread
     * @return a seed derived from the run's seed
     */
    long threadSeed(int thread) {
        long z = seed + 0x9E3779B97F4A7C15L * (thread + 2);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The start of a thread's slice of {@code 0 .. keys - 1}.
     *
     * @param thread the thread's index; {@code threads} gives the end of the last slice
     * @return the first index of the slice
     */
    long sliceStart(int thread) {
        return keys * thread / threads;
    }
}
