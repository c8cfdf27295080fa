package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import dev.plinth.lsm.internal.wal.WalFormat;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dropped keyspace's entries stay in what compactions write until the drop's log record is durable. Found by
 * {@code LsmPowerLossTest} (seed 5, a failed force of the drop's record): a background compaction that read
 * the live keyspaces between the drop and its force left the keyspace's entries out of its tables and was
 * recorded in the manifest; the drop's record never reached the disk, so after recovery the keyspace was alive
 * and the entries it had in tables were gone. A flush in the same window writes every entry of the memtable,
 * the dropped keyspace's too, and records the catalog without it, so after a crash the keyspace is gone once
 * that flush is recorded and there with every entry before, never there with some missing.
 */
@Timeout(60)
class LsmDropKeyspaceDurabilityTest {
    @Test
    void aCompactionWhileADropIsNotYetDurableKeepsTheKeyspacesEntries() throws Exception {
        JitterVfs vfs = new JitterVfs(new MemVfs(3), 0);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        try (LsmEngine e = LsmEngine.open("lsm-drop", vfs, LsmPowerLossTest.SMALL, true)) {
            EngineKeyspace a = e.createKeyspace("a");
            int id = ((LsmKeyspace) a).id();
            e.apply(EngineBatch.builder(Durability.SYNC).put(a, "k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8)).build());
            holdLogForces(vfs, gate, held);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread dropper = new Thread(() -> {
                try {
                    e.dropKeyspace("a");
                } catch (Throwable x) {
                    failure.set(x);
                }
            }, "dropper");
            dropper.start();
            try {
                while (held.get() == 0) {
                    Thread.sleep(1);
                }
                assertThat(e.compactionInputs().liveKeyspaces()).as("while the drop's log record is not durable")
                        .contains(id);
            } finally {
                gate.countDown();
                dropper.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(e.compactionInputs().liveKeyspaces()).as("once it is").doesNotContain(id);
        }
    }

    /**
     * The seal takes the catalog after the drop, so the flush's manifest edit (forced; only the log's forces are
     * held) records the keyspace as gone and moves the log's start past the segment with the unforced drop
     * record: after the crash the keyspace is gone, whatever became of that record.
     */
    @Test
    void aFlushWhileADropIsNotYetDurableRecordsTheDropSoTheKeyspaceIsGoneAfterACrash() throws Exception {
        MemVfs disk = crashWhileADropIsNotDurable(true);
        try (LsmEngine reopened = LsmEngine.open("lsm-drop", disk, LsmPowerLossTest.SMALL, false)) {
            assertThat(reopened.keyspace("a")).as("the keyspace the flush's manifest edit recorded as dropped").isNull();
            assertThat(reopened.keyspaceNames()).doesNotContain("a");
            assertThat(reopened.verify()).isEmpty();
        }
    }

    /**
     * The same crash with the memtable sealed but not flushed: the manifest still starts the log at the segment
     * whose drop record was never forced, so the drop is lost and the keyspace comes back with every entry.
     */
    @Test
    void aCrashBeforeTheFlushRecordsTheDropBringsTheKeyspaceBackWithEveryEntry() throws Exception {
        MemVfs disk = crashWhileADropIsNotDurable(false);
        try (LsmEngine reopened = LsmEngine.open("lsm-drop", disk, LsmPowerLossTest.SMALL, false)) {
            EngineKeyspace back = reopened.keyspace("a");
            assertThat(back).as("the keyspace whose drop record was never forced").isNotNull();
            for (int i = 0; i < KEYS; i++) {
                assertThat(reopened.get(back, key(i))).as("key %d of the keyspace that is back", i).isEqualTo(key(i));
            }
            assertThat(reopened.verify()).isEmpty();
        }
    }

    private static final int KEYS = 200;

    /**
     * Writes {@link #KEYS} entries to keyspace {@code a} at {@code SYNC}, drops it while the log's forces are
     * held, seals the memtable (and flushes it, if {@code flush}), and cuts the power, dropping what was not
     * forced; the drop is never acknowledged.
     *
     * @return the disk after the crash
     */
    private static MemVfs crashWhileADropIsNotDurable(boolean flush) throws Exception {
        MemVfs disk = new MemVfs(4);
        JitterVfs vfs = new JitterVfs(disk, 0);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        LsmEngine e = LsmEngine.open("lsm-drop", vfs, LsmPowerLossTest.SMALL, true);
        EngineKeyspace a = e.createKeyspace("a");
        for (int i = 0; i < KEYS; i++) {
            e.apply(EngineBatch.builder(Durability.SYNC).put(a, key(i), key(i)).build());
        }
        // The puts filled a memtable, sealed in the background: its flush (whose catalog, taken before the drop,
        // names the keyspace) must be done before the drop, or it is the one the seal below finds running.
        e.backgroundFlush();
        while (e.sealed() != null) {
            Thread.sleep(1);
        }
        holdLogForces(vfs, gate, held);
        AtomicReference<Throwable> dropped = new AtomicReference<>();
        Thread dropper = new Thread(() -> {
            try {
                e.dropKeyspace("a");
                dropped.set(new AssertionError("the drop was acknowledged, its record never forced"));
            } catch (Throwable x) {
                // the force fails once the power is lost: the drop is not acknowledged
            }
        }, "dropper");
        dropper.start();
        try {
            // Held forces alone do not say the drop is in: a background force (a spare segment's) may be the one
            // held. The drop removes the keyspace before it waits for its record's force.
            while (held.get() == 0 || e.keyspaceNames().contains("a")) {
                assertThat(dropper.isAlive() || !e.keyspaceNames().contains("a")).as("the drop is under way").isTrue();
                Thread.sleep(1);
            }
            // The drop's record is in the log, not forced: a seal (and its flush) run now, then the power fails.
            e.seal();
            assertThat(e.sealed()).as("the seal after the drop").isNotNull();
            if (flush) {
                e.backgroundFlush();
                assertThat(e.sealed()).as("the flush ran while the drop's force was held").isNull();
            }
            disk.powerLoss(PowerLoss.dropUnsynced());
        } finally {
            gate.countDown();
            dropper.join();
            try {
                e.close();
            } catch (RuntimeException afterTheCrash) {
                // its files died with the power
            }
        }
        assertThat(dropped.get()).isNull();
        return disk;
    }

    /** Makes every force of a log segment wait for {@code gate}, counting in {@code held} those that waited. */
    private static void holdLogForces(JitterVfs vfs, CountDownLatch gate, AtomicInteger held) {
        vfs.beforeForce = name -> {
            if (WalFormat.segmentNumber(name) >= 0) {
                held.incrementAndGet();
                try {
                    gate.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static byte[] key(int i) {
        return String.format("k%04d", i).getBytes(StandardCharsets.UTF_8);
    }
}
