package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatestGeneratorTest {
    @Test
    void theNewestItemIsTheMostPopularAndPopularityFollowsInserts() {
        LatestGenerator g = new LatestGenerator(1000);
        SplittableRandom rnd = new SplittableRandom(2);
        for (long items : new long[] {1000, 1001, 1500}) {
            long[] counts = new long[(int) items];
            int draws = 200_000;
            for (int i = 0; i < draws; i++) {
                long r = g.next(rnd, items);
                assertThat(r).isBetween(0L, items - 1);
                counts[(int) r]++;
            }
            int hottest = 0;
            for (int i = 1; i < items; i++) {
                if (counts[i] > counts[hottest]) {
                    hottest = i;
                }
            }
            assertThat(hottest).as("items %d", items).isEqualTo(items - 1);
            assertThat(counts[(int) items - 1]).isGreaterThan(counts[(int) items - 2]);
            long newestTenth = 0;
            for (int i = (int) (items - items / 10); i < items; i++) {
                newestTenth += counts[i];
            }
            assertThat(newestTenth / (double) draws).isGreaterThan(0.6);
        }
    }

    @Test
    void oneItemAlwaysDrawsIt() {
        LatestGenerator g = new LatestGenerator(0);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            assertThat(g.next(rnd, 1)).isZero();
        }
    }
}
