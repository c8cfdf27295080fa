package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.StorageFullException;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batches at {@code NONE} are published at once and their log records left in the log's buffer: visible to
 * the writer's next read, lost (as a tail, never with a hole) if the process dies before the log's next
 * write, and made to survive a killed process by the next batch whose writer waits for the log.
 */
@Timeout(60)
class LsmNoneDurabilityTest {
    private static byte[] key(int i) {
        return String.format("k%04d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static void put(LsmEngine e, int i, Durability d) {
        EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
        e.apply(EngineBatch.builder(d).put(ks, key(i), key(i)).build());
    }

    private static final LsmOptions ONE_SEGMENT = new LsmOptions(4 << 20, 4 << 20);

    private static void kill(LsmEngine e, MemVfs disk) {
        disk.powerLoss(PowerLoss.processCrash());
        try {
            e.close();
        } catch (RuntimeException deadHandles) {
            // its files died with the process
        }
    }

    @Test
    void noneWritesAreVisibleAtOnceAndSurviveAKillOnceAWaitedWriteFollows() {
        MemVfs disk = new MemVfs(1);
        LsmEngine e = LsmEngine.open("lsm-none", disk, LsmPowerLossTest.SMALL, true);
        for (int i = 0; i < 10; i++) {
            put(e, i, Durability.NONE);
            assertThat(e.get(e.keyspace(Store.DEFAULT_KEYSPACE), key(i))).as("read after its own write").isEqualTo(key(i));
        }
        assertThat(e.stats().get("lsm.walBuffered")).as("no write of the log yet").isPositive();
        put(e, 10, Durability.PROCESS);
        assertThat(e.stats().get("lsm.walBuffered")).isZero();
        kill(e, disk);
        try (LsmEngine back = LsmEngine.open("lsm-none", disk, LsmPowerLossTest.SMALL, false)) {
            for (int i = 0; i <= 10; i++) {
                assertThat(back.get(back.keyspace(Store.DEFAULT_KEYSPACE), key(i))).as("key %d", i).isEqualTo(key(i));
            }
        }
    }

    @Test
    void aKilledProcessLosesOnlyATailOfNoneWrites() {
        MemVfs disk = new MemVfs(2);
        // A log segment and a memtable larger than all the writes: no segment switch or memtable flush (which
        // write the buffer, the flush on a background thread) can write the tail before the kill.
        LsmEngine e = LsmEngine.open("lsm-none", disk, ONE_SEGMENT, true);
        put(e, 0, Durability.PROCESS);
        int n = 3000; // about 100 KiB of log records: more than the buffer holds, so some are written
        for (int i = 1; i <= n; i++) {
            put(e, i, Durability.NONE);
        }
        kill(e, disk);
        try (LsmEngine back = LsmEngine.open("lsm-none", disk, ONE_SEGMENT, false)) {
            EngineKeyspace ks = back.keyspace(Store.DEFAULT_KEYSPACE);
            assertThat(back.get(ks, key(0))).as("the PROCESS write").isEqualTo(key(0));
            int present = 0;
            while (present < n && back.get(ks, key(present + 1)) != null) {
                present++;
            }
            assertThat(present).as("some NONE writes reached the log, the last ones did not").isBetween(1, n - 1);
            for (int i = present + 1; i <= n; i++) {
                assertThat(back.get(ks, key(i))).as("key %d after the first one lost: no hole", i).isNull();
            }
        }
    }

    /**
     * Review of lsm17: a close whose log write failed returned normally, losing acknowledged NONE batches. The log
     * segment is preallocated, so the fault is a failing write of the log's files rather than a full disk (which
     * such a write never meets: the first version of this test passed on a failing write of the manifest). The
     * rounds repeat because the spare segment is made in the background: in some rounds its making meets the fault
     * first and fails the store before the close, which then returned normally, the batches lost.
     */
    @Test
    void aCloseThatCannotWriteTheBufferedNoneWritesThrowsAndOneThatReturnsLosesNone() {
        for (int round = 0; round < 100; round++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(3), 3);
            LsmEngine e = LsmEngine.open("lsm-none", fs, LsmPowerLossTest.SMALL, true);
            put(e, 0, Durability.PROCESS);
            for (int i = 1; i <= 10; i++) {
                put(e, i, Durability.NONE);
            }
            assertThat(e.stats().get("lsm.walBuffered")).isPositive();
            fs.inject(Fault.on(IoOp.WRITE).onFiles(name -> name.startsWith("wal-"), "the write-ahead log").diskFull()
                    .sticky());
            assertThat(e.stats().get("lsm.walBuffered")).as("nothing writes the buffer but a waiting writer or the close")
                    .isPositive();
            assertThatThrownBy(e::close).as("round %d: the buffered NONE batches could not be written", round)
                    .isInstanceOf(StorageFullException.class).hasMessageContaining("write-ahead log of lsm-none");
        }

        MemVfs disk = new MemVfs(4);
        LsmEngine ok = LsmEngine.open("lsm-none", disk, LsmPowerLossTest.SMALL, true);
        for (int i = 1; i <= 10; i++) {
            put(ok, i, Durability.NONE);
        }
        ok.close();
        try (LsmEngine back = LsmEngine.open("lsm-none", disk, LsmPowerLossTest.SMALL, false)) {
            for (int i = 1; i <= 10; i++) {
                assertThat(back.get(back.keyspace(Store.DEFAULT_KEYSPACE), key(i))).as("key %d", i).isEqualTo(key(i));
            }
        }
    }

    @Test
    void aNoneBatchLargerThanTheBuffersLimitReachesTheOsBeforeItsCallReturns() {
        MemVfs disk = new MemVfs(5);
        LsmEngine e = LsmEngine.open("lsm-none", disk, LsmPowerLossTest.SMALL, true);
        EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
        byte[] big = new byte[100_000];
        e.apply(EngineBatch.builder(Durability.NONE).put(ks, key(1), big).build());
        assertThat(e.stats().get("lsm.walBuffered")).as("nothing left in the buffer").isZero();
        kill(e, disk);
        try (LsmEngine back = LsmEngine.open("lsm-none", disk, LsmPowerLossTest.SMALL, false)) {
            assertThat(back.get(back.keyspace(Store.DEFAULT_KEYSPACE), key(1))).hasSize(big.length);
        }
    }
}
