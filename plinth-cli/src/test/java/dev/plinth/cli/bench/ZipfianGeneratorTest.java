package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfianGeneratorTest {
    private static final int DRAWS = 1_000_000;

    private static long[] histogram(ZipfianGenerator g, int items, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] counts = new long[items];
        for (int i = 0; i < DRAWS; i++) {
            long r = g.next(rnd);
            assertThat(r).isBetween(0L, items - 1L);
            counts[(int) r]++;
        }
        return counts;
    }

    @Test
    void theFirstRanksAreDrawnInProportionToOneOverRankToTheTheta() {
        int items = 1000;
        double theta = ZipfianGenerator.YCSB_THETA;
        long[] counts = histogram(new ZipfianGenerator(items, theta), items, 7);
        double zeta = ZipfianGenerator.zeta(items, theta);
        // Ranks 0 and 1 are exact in Gray's method; later ranks follow the curve approximately.
        assertThat(counts[0] / (double) DRAWS).isCloseTo(1 / zeta, within(0.005));
        assertThat(counts[1] / (double) DRAWS).isCloseTo(Math.pow(2, -theta) / zeta, within(0.005));
        for (int rank : new int[] {4, 9, 49, 99}) {
            double expected = Math.pow(rank + 1, -theta) / zeta;
            assertThat(counts[rank] / (double) DRAWS).as("rank %d", rank).isCloseTo(expected, within(expected * 0.35));
        }
        // Skewed: the first tenth of the ranks gets most of the draws, the last tenth very few.
        long head = 0;
        long tail = 0;
        for (int i = 0; i < items / 10; i++) {
            head += counts[i];
            tail += counts[items - 1 - i];
        }
        assertThat(head / (double) DRAWS).isGreaterThan(0.6);
        assertThat(tail / (double) DRAWS).isLessThan(0.03);
    }

    @Test
    void zetaAboveTheExactLimitMatchesTheDirectSum() {
        long n = ZipfianGenerator.EXACT_ZETA_LIMIT * 3 + 17;
        double direct = 0;
        for (long i = 1; i <= n; i++) {
            direct += 1.0 / Math.pow(i, 0.99);
        }
        assertThat(ZipfianGenerator.zeta(n, 0.99)).isCloseTo(direct, within(direct * 1e-10));
    }

    @Test
    void growingTheItemCountDrawsFromTheNewItemsAndKeepsTheHead() {
        ZipfianGenerator g = new ZipfianGenerator(1000, ZipfianGenerator.YCSB_THETA);
        SplittableRandom rnd = new SplittableRandom(3);
        long beyondOld = 0;
        long zeros = 0;
        for (int i = 0; i < DRAWS; i++) {
            long r = g.next(rnd, 2000);
            assertThat(r).isBetween(0L, 1999L);
            beyondOld += r >= 1000 ? 1 : 0;
            zeros += r == 0 ? 1 : 0;
        }
        assertThat(g.items()).isEqualTo(2000);
        assertThat(beyondOld).isPositive();
        assertThat(zeros / (double) DRAWS).isCloseTo(1 / ZipfianGenerator.zeta(2000, 0.99), within(0.005));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new ZipfianGenerator(0, 0.99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZipfianGenerator(10, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
