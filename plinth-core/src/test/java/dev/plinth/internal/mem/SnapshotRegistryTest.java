package dev.plinth.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The registry against a plain multiset of open sequence numbers, over seeded random runs of commits,
 * acquires and releases in any order: {@code minActive} and the open count must always agree.
 */
class SnapshotRegistryTest {
    @Test
    void agreesWithAMultisetOverRandomRuns() {
        for (int seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            SnapshotRegistry registry = new SnapshotRegistry();
            TreeMap<Long, Integer> model = new TreeMap<>();
            List<Long> open = new ArrayList<>();
            long[] committed = {0};
            for (int step = 0; step < 2_000; step++) {
                int action = random.nextInt(10);
                if (action < 2) {
                    committed[0]++;
                } else if (action < 6 || open.isEmpty()) {
                    long seq = registry.acquire(() -> committed[0]);
                    assertThat(seq).isEqualTo(committed[0]);
                    open.add(seq);
                    model.merge(seq, 1, Integer::sum);
                } else {
                    long seq = open.remove(random.nextInt(open.size()));
                    registry.release(seq);
                    model.merge(seq, -1, Integer::sum);
                    model.remove(seq, 0);
                }
                long expected = model.isEmpty() ? committed[0] : Math.min(model.firstKey(), committed[0]);
                assertThat(registry.minActive(committed[0])).as("seed %d step %d", seed, step).isEqualTo(expected);
                assertThat(registry.openCount()).isEqualTo(open.size());
            }
        }
    }

    @Test
    void releasingWhatIsNotOpenIsRefused() {
        SnapshotRegistry registry = new SnapshotRegistry();
        long seq = registry.acquire(() -> 7);
        registry.release(seq);
        assertThatThrownBy(() -> registry.release(seq)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> registry.release(3)).isInstanceOf(IllegalStateException.class);
    }
}
