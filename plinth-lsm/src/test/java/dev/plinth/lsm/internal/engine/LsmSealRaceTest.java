package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.MemVfs;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Regression: a flush that runs while a memtable is being sealed must see the sealed memtable together
 * with its own log number, sequence number, keyspace catalog and log ticket, or not at all. A flush task
 * left queued after a compaction had flushed its memtable could run in the middle of the next seal and
 * record the new log number with the old catalog: the log segment holding a keyspace's creation was
 * deleted while the manifest did not name the keyspace, and after a restart the keyspace and everything in
 * it were gone (seen once in {@code LsmPowerLossTest}, seed 0, and reproduced under {@link JitterVfs}).
 */
class LsmSealRaceTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(LsmEngine e, EngineKeyspace ks, String key, String value) {
        e.apply(EngineBatch.builder(Durability.SYNC).put(ks, b(key), b(value)).build());
    }

    @Test
    void aFlushRunningDuringASealNeverRecordsTheOldCatalogWithTheNewLogNumber() throws Exception {
        FaultyVfs fs = new FaultyVfs(new MemVfs(11), 11);
        LsmOptions small = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE);
        String filler = "x".repeat(200);
        try (LsmEngine e = LsmEngine.open("lsm-test", fs, small, true)) {
            EngineKeyspace def = e.keyspace(Store.DEFAULT_KEYSPACE);
            for (int i = 0; i < 30; i++) {
                put(e, def, "d" + i, filler);
            }
            e.compact(); // every memtable flushed; the manifest's catalog is the default keyspace alone
            EngineKeyspace a = e.createKeyspace("a");
            put(e, a, "k1", "v1");
            put(e, a, "k2", "v2");
            AtomicReference<Thread> racer = new AtomicReference<>();
            e.sealHook = () -> {
                e.sealHook = () -> { };
                // A flush task, as one left in the queue, starts now: it runs until it needs the write lock
                // (which the seal holds) or until it finds nothing to flush.
                Thread t = new Thread(e::backgroundFlush, "racing flush");
                racer.set(t);
                t.start();
                while (t.isAlive() && !e.waitsForWriteLock(t)) {
                    Thread.onSpinWait();
                }
            };
            for (int i = 0; i < 30 && racer.get() == null; i++) {
                put(e, def, "e" + i, filler);
            }
            assertThat(racer.get()).as("a seal happened").isNotNull();
            racer.get().join();
            e.compact();
        }
        try (LsmEngine e = LsmEngine.open("lsm-test", fs, small, true)) {
            assertThat(e.keyspaceNames()).contains("a");
            EngineKeyspace a = e.keyspace("a");
            assertThat(e.get(a, b("k1"))).isEqualTo(b("v1"));
            assertThat(e.get(a, b("k2"))).isEqualTo(b("v2"));
            assertThat(e.verify()).isEmpty();
        }
        fs.assertNoLeaks();
    }
}
