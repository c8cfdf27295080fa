package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.keys.KeyWriter;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TupleSort} puts tuples in the order of their encoded keys (the order a sorted load's runs and merges rely
 * on), on random ids with many repeats, negative and large values, and on already sorted and reversed input.
 */
class TupleSortTest {
    @Test
    void sortsTuplesInTheirKeysOrder() {
        Random random = new Random(14);
        long[] values = {0, 1, 2, 255, 256, -1, -300, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 56) - 1, 1L << 62};
        for (int round = 0; round < 40; round++) {
            int n = random.nextInt(round < 5 ? 20 : 3_000);
            long[] tuples = new long[n * 4];
            for (int i = 0; i < tuples.length; i++) {
                tuples[i] = random.nextInt(4) == 0 ? values[random.nextInt(values.length)]
                        : random.nextInt(round % 2 == 0 ? 3 : 1_000_000);
            }
            if (round % 10 == 7) {
                sortAsKeys(tuples, n, false); // already sorted
            } else if (round % 10 == 8) {
                sortAsKeys(tuples, n, true); // reversed
            }
            long[] expected = sortAsKeys(tuples.clone(), n, false);
            TupleSort.sort(tuples, n);
            assertThat(tuples).as("round %d, %d tuples", round, n).isEqualTo(expected);
        }
    }

    /** Sorts by the tuples' encoded keys, the order of the index keyspaces; into {@code tuples} too. */
    private static long[] sortAsKeys(long[] tuples, int n, boolean reverse) {
        byte[][] keys = new byte[n][];
        KeyWriter w = new KeyWriter(40);
        for (int i = 0; i < n; i++) {
            w.reset();
            keys[i] = w.writeLong(tuples[i * 4]).writeLong(tuples[i * 4 + 1]).writeLong(tuples[i * 4 + 2])
                    .writeLong(tuples[i * 4 + 3]).toByteArray();
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> (reverse ? -1 : 1) * Arrays.compareUnsigned(keys[x], keys[y]));
        long[] sorted = new long[n * 4];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tuples, order[i] * 4, sorted, i * 4, 4);
        }
        System.arraycopy(sorted, 0, tuples, 0, n * 4);
        return sorted;
    }
}
