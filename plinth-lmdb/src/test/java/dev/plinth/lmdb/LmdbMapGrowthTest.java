package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageFullException;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The map grows by itself; open read transactions can block that, and then writes fail cleanly. */
class LmdbMapGrowthTest {
    private static final int VALUE_SIZE = 64 * 1024;

    @TempDir
    Path dir;

    private static byte[] key(int i) {
        return String.format("key-%08d", i).getBytes();
    }

    /** A value whose every 8-byte word names its key, so a misplaced page would show. */
    private static byte[] value(int i, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        while (b.remaining() >= 8) {
            b.putLong(i * 1_000_003L + b.position());
        }
        return b.array();
    }

    @Test
    void writesFarPastTheInitialMapSizeAndReadsEverythingBack() {
        int count = 800; // 800 x 64 KiB = 50 MiB, into a 1 MiB map
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m")) {
            Keyspace ks = s.defaultKeyspace();
            long initialMap = s.stats().counter("lmdb.mapSize");
            assertThat(initialMap).isEqualTo(1L << 20);
            WriteOptions fast = WriteOptions.durability(Durability.PROCESS);
            for (int i = 0; i < count; i += 16) {
                WriteBatch b = new WriteBatch();
                for (int j = i; j < i + 16; j++) {
                    b.put(ks, key(j), value(j, VALUE_SIZE), fast);
                }
                assertThat(s.write(b)).isTrue();
            }
            ks.put(key(count), value(count, s.capabilities().maxValueSize()), fast); // one value at the size limit
            assertThat(s.stats().counter("lmdb.mapSize")).isGreaterThan(50L << 20);
            assertThat(s.stats().counter("lmdb.mapResizes")).isPositive();
            assertThat(s.stats().counter("lmdb.entries")).isEqualTo(count + 1);
            verify(ks, count);
        }
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m")) {
            verify(s.defaultKeyspace(), count);
            assertThat(s.stats().counter("lmdb.mapSize")).as("reopened with room to spare").isGreaterThan(50L << 20);
            s.defaultKeyspace().put(key(count + 1), value(count + 1, VALUE_SIZE));
        }
    }

    private static void verify(Keyspace ks, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(Arrays.equals(ks.get(key(i)), value(i, VALUE_SIZE))).as("key %d", i).isTrue();
        }
        assertThat(ks.get(key(count))).hasSize(ks.store().capabilities().maxValueSize());
        assertThat(ks.scan(Range.all(), ScanOptions.forward().withKeysOnly(true))).hasSize(count + 1);
    }

    @Test
    void withTheDefaultMapACursorParkedOnAnotherThreadDoesNotStallWritesFarPastTheOldDefault() throws Exception {
        // 4096 x 64 KiB = 256 MiB: four times the old 64 MiB default, with which these writes waited for the
        // parked cursor and failed. resizeTimeout=1s only makes such a regression fail quickly.
        int count = 4096;
        try (Store s = Plinth.open("lmdb:" + dir + "?resizeTimeout=1s")) {
            long map = s.stats().counter("lmdb.mapSize");
            assertThat(map).isEqualTo(LmdbOptions.defaultMapSize());
            assertThat(Files.size(dir.resolve(LmdbDirectory.DATA_FILE))).as("the file is not made as large as the map")
                    .isLessThan(1L << 20);
            Keyspace ks = s.defaultKeyspace();
            ks.put(key(0), value(0, 100));
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> seen = reader.submit(() -> {
                    try (Cursor c = ks.cursor(Range.all())) {
                        int n = c.next() ? 1 : 0;
                        parked.countDown();
                        release.await();
                        while (c.next()) {
                            n++;
                        }
                        return n;
                    }
                });
                parked.await();
                for (int i = 1; i < count; i += 16) {
                    WriteBatch b = new WriteBatch();
                    for (int j = i; j < Math.min(i + 16, count); j++) {
                        b.put(ks, key(j), value(j, VALUE_SIZE), WriteOptions.durability(Durability.PROCESS));
                    }
                    assertThat(s.write(b)).isTrue();
                }
                assertThat(s.stats().counter("lmdb.openReadTxns")).as("the cursor is still parked").isEqualTo(1);
                release.countDown();
                assertThat(seen.get()).as("the cursor saw only what was there when it opened").isEqualTo(1);
            } finally {
                release.countDown();
                reader.shutdown();
            }
            assertThat(s.stats().counter("lmdb.mapUsed")).isGreaterThan(256L << 20);
            assertThat(s.stats().counter("lmdb.mapGrowthsBlocked")).isZero();
            assertThat(s.stats().counter("lmdb.mapResizes")).as("the default map had room for it all").isZero();
            for (int i = 1; i < count; i += 97) {
                assertThat(Arrays.equals(ks.get(key(i)), value(i, VALUE_SIZE))).as("key %d", i).isTrue();
            }
            assertThat(s.stats().counter("lmdb.entries")).isEqualTo(count);
        }
    }

    @Test
    void growthBlockedByAnOpenSnapshotFailsAfterTheTimeoutAndSucceedsOnceItCloses() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m&resizeTimeout=200ms")) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(key(0), value(0, 100));
            // Taken on another thread, as a reader elsewhere in the application would; closed from this one.
            Snapshot snap = CompletableFuture.supplyAsync(s::snapshot).join();
            StorageFullException failure = null;
            int written = 1;
            try {
                // The snapshot pins every page it sees, so overwrites need fresh pages until the map is full.
                for (; written < 1000; written++) {
                    ks.put(key(written), value(written, VALUE_SIZE));
                }
            } catch (StorageFullException e) {
                failure = e;
            }
            assertThat(failure).as("the map filled while the snapshot was open").isNotNull();
            assertThat(failure.getMessage()).contains("snapshots", "resizeTimeout=200ms", "nothing was applied");
            assertThat(ks.contains(key(written))).as("the failed write left nothing").isFalse();
            assertThat(s.stats().counter("lmdb.mapGrowthsBlocked")).isEqualTo(1);
            assertThat(snap.get(ks, key(0))).isEqualTo(value(0, 100));
            assertThat(snap.contains(ks, key(1))).isFalse();
            snap.close();

            ks.put(key(written), value(written, VALUE_SIZE));
            assertThat(ks.get(key(written))).isEqualTo(value(written, VALUE_SIZE));
            for (int i = 1; i <= written; i++) {
                assertThat(ks.get(key(i))).as("key %d", i).isEqualTo(value(i, VALUE_SIZE));
            }
            assertThat(s.stats().counter("lmdb.mapSize")).isGreaterThan(1L << 20);
        }
    }

    @Test
    void growthBlockedByASnapshotOfTheWritingThreadFailsAtOnce() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m&resizeTimeout=1m")) {
            Keyspace ks = s.defaultKeyspace();
            try (Snapshot pin = s.snapshot()) {
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 1000; i++) {
                        ks.put(key(i), value(i, VALUE_SIZE));
                    }
                }).isInstanceOf(StorageFullException.class).hasMessageContaining("this thread itself");
                assertThat(pin.scan(ks, Range.all(), ScanOptions.forward())).isEmpty();
            }
            ks.put(key(1000), value(1000, VALUE_SIZE));
        }
    }

    @Test
    void aConditionalBatchThatMustGrowTheMapFailsCleanlyWhileASnapshotIsOpenAndSucceedsAfter() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m&resizeTimeout=100ms")) {
            Keyspace ks = s.defaultKeyspace();
            try (Snapshot pin = s.snapshot()) {
                assertThatThrownBy(() -> s.write(bigConditionalBatch(ks))).isInstanceOf(StorageFullException.class);
                assertThat(pin.scan(ks, Range.all(), ScanOptions.forward())).isEmpty();
            }
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).isEmpty();
            assertThat(s.write(bigConditionalBatch(ks))).as("the same batch, once nothing pins the map").isTrue();
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(32);
        }
    }

    @Test
    void aTransactionWhoseCommitMustGrowTheMapCommitsWithoutTheCallerNoticing() {
        // The core lets go of the transaction's snapshot before the engine applies the commit, so the
        // growth has no reader of this thread to wait for. resizeTimeout=1m: were the snapshot still held,
        // the commit would fail at once with "this thread itself".
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m&resizeTimeout=1m")) {
            Keyspace ks = s.defaultKeyspace();
            long resizesBefore = s.stats().counter("lmdb.mapResizes");
            String result = s.inTransaction(dev.plinth.Isolation.SERIALIZABLE, tx -> {
                tx.get(ks, key(0));
                for (int i = 0; i < 32; i++) {
                    tx.put(ks, key(i), value(i, VALUE_SIZE)); // 2 MiB into a 1 MiB map
                }
                return "done";
            });
            assertThat(result).isEqualTo("done");
            assertThat(s.stats().counter("lmdb.mapResizes")).isGreaterThan(resizesBefore);
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(32);
        }
    }

    @Test
    void aConditionalBatchThatMustGrowTheMapAppliesWithoutTheCallerNoticing() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m&resizeTimeout=1m")) {
            Keyspace ks = s.defaultKeyspace();
            assertThat(s.write(bigConditionalBatch(ks))).isTrue();
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(32);
        }
    }

    private static WriteBatch bigConditionalBatch(Keyspace ks) {
        WriteBatch b = new WriteBatch().requireAbsent(ks, key(0)).requireAbsent(ks, key(1));
        for (int i = 0; i < 32; i++) {
            b.put(ks, key(i), value(i, VALUE_SIZE)); // 2 MiB in one batch
        }
        return b;
    }

    /**
     * The map's use is read only when the commits since the last reading could have used the room left
     * under the growth threshold (each commit names a bound on the pages it adds). However small the
     * writes, no write may leave the map past the threshold: the reading comes in time, and with no reader
     * open the writer grows the map before its call returns.
     */
    @Test
    void smallWritesNeverLeaveTheMapPastTheGrowthThreshold() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m")) {
            Keyspace ks = s.defaultKeyspace();
            for (int i = 0; i < 6000; i++) {
                ks.put(key(i), value(i, 200), WriteOptions.durability(Durability.NONE));
                long size = s.stats().counter("lmdb.mapSize");
                long used = s.stats().counter("lmdb.mapUsed");
                assertThat(used).as("after put %d: %d of %d bytes used", i, used, size)
                        .isLessThanOrEqualTo((long) (size * (1 - LmdbMap.GROW_WHEN_FREE_BELOW)));
            }
            assertThat(s.stats().counter("lmdb.mapResizes")).as("6,000 puts of 200 bytes outgrow 1 MiB").isPositive();
        }
    }

    @Test
    void theMapGrowsAheadOfNeedWhenNoReaderIsOpen() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=2m")) {
            Keyspace ks = s.defaultKeyspace();
            for (int i = 0; i < 40; i++) {
                ks.put(key(i), value(i, VALUE_SIZE), WriteOptions.durability(Durability.NONE));
            }
            // 2.5 MiB written into a 2 MiB map: it grew at idle moments, before any write found it full.
            assertThat(s.stats().counter("lmdb.mapSize")).isGreaterThanOrEqualTo(4L << 20);
        }
    }
}
