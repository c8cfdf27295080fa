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
 * the dropped keyspace's too, and records the catalog without it, so after a crash the keyspace is either
 * gone or there with every entry, never there with some missing.
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

    @Test
    void aFlushWhileADropIsNotYetDurableLeavesTheKeyspaceWholeOrGoneAfterACrash() throws Exception {
        MemVfs disk = new MemVfs(4);
        JitterVfs vfs = new JitterVfs(disk, 0);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        int keys = 200;
        LsmEngine e = LsmEngine.open("lsm-drop", vfs, LsmPowerLossTest.SMALL, true);
        EngineKeyspace a = e.createKeyspace("a");
        for (int i = 0; i < keys; i++) {
            e.apply(EngineBatch.builder(Durability.SYNC).put(a, key(i), key(i)).build());
        }
        holdLogForces(vfs, gate, held);
        Thread dropper = new Thread(() -> {
            try {
                e.dropKeyspace("a");
            } catch (Throwable x) {
                // the force fails once the power is lost: the drop is not acknowledged
            }
        }, "dropper");
        dropper.start();
        try {
            while (held.get() == 0) {
                Thread.sleep(1);
            }
            // The drop's record is in the log, not forced: a seal and its flush run now, then the power fails.
            e.seal();
            e.backgroundFlush();
            assertThat(e.sealed()).as("the flush ran while the drop's force was held").isNull();
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
        try (LsmEngine reopened = LsmEngine.open("lsm-drop", disk, LsmPowerLossTest.SMALL, false)) {
            EngineKeyspace back = reopened.keyspace("a");
            if (back != null) {
                for (int i = 0; i < keys; i++) {
                    assertThat(reopened.get(back, key(i))).as("key %d of the keyspace that is still there", i)
                            .isEqualTo(key(i));
                }
            }
            assertThat(reopened.verify()).isEmpty();
        }
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
