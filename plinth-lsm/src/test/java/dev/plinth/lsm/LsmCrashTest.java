package dev.plinth.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.testkit.crash.CrashSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The lsm engine under kill -9; see {@link CrashSuite} and docs/reliability.md. The memtable, tables and levels
 * are tiny, so that the child is killed in the middle of flushes and background compactions; afterwards the
 * store must hold tables below level 0, which only compactions put there.
 */
class LsmCrashTest extends CrashSuite {
    private Path store;

    @Override
    protected String uri(Path dir) {
        store = dir;
        return "lsm:" + dir + "?memtableSize=16k&walSegmentSize=64k&" + LsmConformanceTest.TINY_LEVELS;
    }

    @AfterEach
    void compactionsRanDuringTheCycles() {
        if (store == null || !Files.exists(store)) {
            return; // skipped
        }
        // Opened so that it compacts nothing itself (level 0 would need 10,000 tables, level 1 1 GiB): what is
        // below level 0 was put there by the killed children's compactions, not by this open.
        try (Store s = Plinth.open("lsm:" + store
                + "?l0CompactionTrigger=10000&l0SlowdownTrigger=10000&l0StopTrigger=10000&levelBaseSize=1g")) {
            Map<String, Long> stats = s.stats().counters();
            long below = 0;
            for (int level = 1; level < 7; level++) {
                below += stats.getOrDefault("lsm.level" + level + ".tables", 0L);
            }
            assertThat(below).as("tables below level 0 after the crash cycles: %s", stats).isPositive();
        }
    }
}
