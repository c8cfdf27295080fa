package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.StorageIOException;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Power loss at every sync point (every force and directory sync) of a workload of batches at every
 * durability, keyspace changes, flushes and compactions, on the test kit's in-memory disk: after each crash
 * (unsynced data dropped, or the last write torn or filled with garbage) the reopened store must equal the
 * model after one step between the last durably acknowledged step and the one that failed: a prefix with
 * no hole, every SYNC write, no torn batch. It must also verify clean. Runs at least
 * {@code -Dplinth.lsmCrashStates} crash states (1,000 by default; {@code -Psoak} asks for 100,000).
 */
class LsmPowerLossTest {
    /**
     * Tiny memtable, tables and levels, so that background compactions (level 0 at 2 tables into level 1 of
     * 16 KiB, and on down) run during the workload and meet the crash too.
     */
    static final LsmOptions SMALL = new LsmOptions(32 * 1024, 8 * 1024, LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, true,
            new CompactionOptions(2, 4, 8, 16 * 1024, 4, 4 * 1024, 1L << 30));
    private static final int STEPS = 120;

    static LsmEngine open(FaultyVfs fs) {
        return LsmEngine.open("lsm-test", fs, SMALL, true);
    }

    @Test
    void everySyncPointSurvivesPowerLoss() {
        run(Long.getLong("plinth.lsmCrashStates", 1000), fs -> fs, "");
    }

    /**
     * The same with every file operation of the crashed run delayed at random ({@link JitterVfs}), so that
     * the background flush meets the writer at other points than in a plain run: this is what found a flush
     * racing a seal ({@link LsmSealRaceTest}). A quarter of {@code -Dplinth.lsmCrashStates}.
     */
    @Test
    void everySyncPointSurvivesPowerLossWithTheFlushThreadShaken() {
        run(Long.getLong("plinth.lsmCrashStates", 1000) / 4, fs -> new JitterVfs(fs, 30), " with jitter");
    }

    private static void run(long target, java.util.function.UnaryOperator<dev.plinth.io.Vfs> wrap, String how) {
        long base = Long.getLong("plinth.seed", 0);
        List<PowerLoss> losses = List.of(PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite(), PowerLoss.dropUnsynced());
        long states = 0;
        long seeds = 0;
        long compactions = 0;
        for (long seed = base; states < target; seed++, seeds++) {
            FaultyVfs dry = new FaultyVfs(new MemVfs(seed), seed);
            try (LsmEngine e = open(dry)) {
                new Workload(seed, STEPS).run(e);
                compactions += e.compactor().backgroundMerges();
            }
            for (IoOp op : List.of(IoOp.FORCE, IoOp.SYNC_DIRECTORY)) {
                long count = dry.count(op);
                for (long n = 1; n <= count; n++) {
                    PowerLoss loss = losses.get((int) ((n + seed) % losses.size()));
                    crashAndCheck(seed, op, n, loss, wrap);
                    states++;
                }
            }
        }
        System.out.println("lsm power loss" + how + ": " + states + " crash states over " + seeds + " workloads of " + STEPS
                + " steps (" + compactions + " background merges in their uncrashed runs), every one a prefix with every"
                + " SYNC write and no torn batch");
        assertThat(compactions).as("background compactions ran during the workloads").isPositive();
    }

    static void crashAndCheck(long seed, IoOp op, long n, PowerLoss loss) {
        crashAndCheck(seed, op, n, loss, fs -> fs);
    }

    /** As above, with the engine's file system wrapped (by a {@link JitterVfs}, say); power loss still hits {@code fs}. */
    static void crashAndCheck(long seed, IoOp op, long n, PowerLoss loss,
                              java.util.function.UnaryOperator<dev.plinth.io.Vfs> wrap) {
        String where = "seed " + seed + ", " + op + " #" + n + ", " + loss;
        FaultyVfs fs = new FaultyVfs(new MemVfs(seed * 31 + n), seed);
        fs.inject(Fault.on(op).at(n).sticky());
        Workload w;
        LsmEngine e = null;
        try {
            e = LsmEngine.open("lsm-test", wrap.apply(fs), SMALL, true);
            w = new Workload(seed, STEPS).run(e);
        } catch (StorageIOException opening) {
            w = new Workload(seed, 0); // the store's creation failed: it may be empty or not there yet
            w.states.add(java.util.Map.of(dev.plinth.Store.DEFAULT_KEYSPACE, new java.util.TreeMap<>()));
            w.failure = opening;
        }
        fs.powerLoss(loss);
        if (e != null) {
            try {
                e.close();
            } catch (RuntimeException dead) {
                // the crashed process's handles are gone
            }
        }
        fs.clearFaults();
        try (LsmEngine reopened = open(fs)) {
            var recovered = Workload.read(reopened);
            int step = w.matchingStep(recovered);
            assertThat(step).as("%s: the recovered store equals the model after one of steps %d..%d (failure: %s);"
                    + " it holds %s", where, w.durable, w.acked + 1, w.failure, w.describe(recovered))
                    .isGreaterThanOrEqualTo(0);
            assertThat(reopened.verify()).as(where).isEmpty();
        }
        fs.assertNoLeaks();
    }
}
