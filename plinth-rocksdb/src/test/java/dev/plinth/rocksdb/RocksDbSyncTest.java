package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SYNC} really fsyncs the WAL and {@code PROCESS} and {@code NONE} do not, counted by RocksDB itself
 * ({@code statistics=true}, ticker {@code WAL_FILE_SYNCED}) through the public API. Closing and reopening
 * cannot tell a synced write from an unsynced one; this can: it fails if {@code SYNC} is ever written with
 * RocksDB's default {@code WriteOptions.sync=false}.
 */
class RocksDbSyncTest {
    static final String SYNCED = "rocksdb.wal-file-synced";
    static final String WAL_BYTES = "rocksdb.wal-file-bytes";
    static final String BYTES_WRITTEN = "rocksdb.bytes-written";
    /** Writes of each kind per durability. */
    static final int N = 5;

    @TempDir
    Path dir;

    /** One write through the public API, of one kind, with a durability; {@code i} makes each one different. */
    @FunctionalInterface
    interface Write {
        void run(Store s, Keyspace ks, Durability d, int i);
    }

    static final Write PUT = (s, ks, d, i) -> ks.put(key("put", i), key("v", i), WriteOptions.durability(d));
    static final Write BATCH = (s, ks, d, i) -> s.write(new WriteBatch()
            .put(ks, key("batch-a", i), key("v", i), WriteOptions.durability(d))
            .put(ks, key("batch-b", i), key("v", i))
            .delete(ks, key("put", i))
            .deleteRange(ks, Range.of(key("zz", 0), key("zz", 9))));
    static final Write CAS = (s, ks, d, i) -> assertThat(ks.compareAndSet(key("cas", i), null, key("v", i),
            WriteOptions.durability(d))).as("compareAndSet %d", i).isTrue();
    static final Write TRANSACTION = (s, ks, d, i) -> {
        try (Transaction tx = s.begin(Isolation.SERIALIZABLE)) {
            tx.get(ks, key("cas", i));
            tx.put(ks, key("tx", i), key("v", i), WriteOptions.durability(d));
            tx.commit();
        }
    };

    @Test
    void syncWritesFsyncTheWalEveryTimeAndOtherLevelsNever() {
        try (Store s = Plinth.builder("rocksdb:" + dir).param("statistics", "true").open()) {
            Keyspace ks = s.defaultKeyspace();
            assertThat(s.stats().counters()).containsKeys(SYNCED, WAL_BYTES, BYTES_WRITTEN);
            for (Durability d : Durability.values()) {
                expect(s, ks, d, "put", PUT);
                expect(s, ks, d, "batch", BATCH);
                expect(s, ks, d, "compareAndSet", CAS);
                expect(s, ks, d, "transaction commit", TRANSACTION);
            }
            // The store's default durability is SYNC, and a write that does not name one gets it.
            long before = s.stats().counter(SYNCED);
            ks.put(key("default", 0), key("v", 0));
            assertThat(s.stats().counter(SYNCED) - before).as("WAL syncs of a put with the default durability")
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void withoutStatisticsTheTickersAreAbsentRatherThanZero() {
        try (Store s = Plinth.open("rocksdb:" + dir)) {
            s.defaultKeyspace().put(key("k", 0), key("v", 0));
            assertThat(s.stats().counters()).doesNotContainKeys(SYNCED, WAL_BYTES, BYTES_WRITTEN)
                    .containsKey("rocksdb.estimate-num-keys");
        }
    }

    /** {@link #N} writes one after another, each checked alone: a SYNC one syncs the WAL, the others do not. */
    private static void expect(Store s, Keyspace ks, Durability d, String what, Write write) {
        for (int i = 0; i < N; i++) {
            long synced = s.stats().counter(SYNCED);
            long walBytes = s.stats().counter(WAL_BYTES);
            long written = s.stats().counter(BYTES_WRITTEN);
            write.run(s, ks, d, d.ordinal() * N + i); // keys of their own per durability, so every CAS inserts
            long syncs = s.stats().counter(SYNCED) - synced;
            String as = d + " " + what + " #" + i;
            // Reached the WAL at all, so a zero below is a write without fsync, not a write that never happened.
            assertThat(s.stats().counter(WAL_BYTES) - walBytes).as("WAL bytes of %s", as).isPositive();
            assertThat(s.stats().counter(BYTES_WRITTEN) - written).as("bytes written by %s", as).isPositive();
            if (d == Durability.SYNC) {
                assertThat(syncs).as("WAL syncs of %s", as).isGreaterThanOrEqualTo(1);
            } else {
                assertThat(syncs).as("WAL syncs of %s", as).isZero();
            }
        }
    }

    private static byte[] key(String prefix, int i) {
        return (prefix + "-" + i).getBytes(StandardCharsets.UTF_8);
    }
}
