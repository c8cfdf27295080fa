package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScrambledZipfianGeneratorTest {
    private static final int ITEMS = 1000;
    private static final int DRAWS = 500_000;

    @Test
    void popularItemsAreSpreadOverTheKeySpaceButStillSkewed() {
        ScrambledZipfianGenerator g = new ScrambledZipfianGenerator();
        SplittableRandom rnd = new SplittableRandom(11);
        long[] counts = new long[ITEMS];
        for (int i = 0; i < DRAWS; i++) {
            long r = g.next(rnd, ITEMS);
            assertThat(r).isBetween(0L, ITEMS - 1L);
            counts[(int) r]++;
        }
        // Spread: every tenth of the key space gets a fair share, unlike a plain Zipfian whose first
        // tenth takes most draws.
        for (int d = 0; d < 10; d++) {
            long sum = 0;
            for (int i = d * ITEMS / 10; i < (d + 1) * ITEMS / 10; i++) {
                sum += counts[i];
            }
            assertThat(sum / (double) DRAWS).as("tenth %d", d).isBetween(0.03, 0.25);
        }
        // Skew: the ten most popular items get far more than their 1% share.
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        long top = 0;
        for (int i = 0; i < 10; i++) {
            top += sorted[ITEMS - 1 - i];
        }
        assertThat(top / (double) DRAWS).isGreaterThan(0.08);
        // The most popular item is not item 0, which it would be without scrambling.
        int hottest = 0;
        for (int i = 1; i < ITEMS; i++) {
            if (counts[i] > counts[hottest]) {
                hottest = i;
            }
        }
        assertThat(hottest).isNotZero();
    }

    @Test
    void fnvHashesBytesLeastSignificantFirst() {
        // FNV-1a 64 of the bytes 08 07 06 05 04 03 02 01, computed independently.
        assertThat(ScrambledZipfianGenerator.fnv1a64(0x0102030405060708L)).isEqualTo(0x0c6d4496e17859d5L);
    }

    @Test
    void followsAGrowingItemCount() {
        ScrambledZipfianGenerator g = new ScrambledZipfianGenerator();
        SplittableRandom rnd = new SplittableRandom(5);
        for (long n = 1; n < 5000; n += 7) {
            assertThat(g.next(rnd, n)).isBetween(0L, n - 1);
        }
    }
}
