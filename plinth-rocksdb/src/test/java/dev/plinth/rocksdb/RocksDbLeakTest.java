package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens and closes the engine many times, each time creating and dropping column families, writing
 * (unconditional and conditional batches, bounded and unbounded range deletes, compare-and-set, transactions),
 * and opening cursors (bounded and unbounded, forward and reverse) and snapshots, some left for the store or
 * the engine to close, now and then failing to open a locked directory, and checks that nothing native leaks.
 *
 * <p>The main check is exact: with {@link NativeTracker} on, every native RocksDB object made during a cycle
 * must have given up its handle once the cycle's store is closed; a failure names the class of each one that
 * did not and where it was made. RocksDB's native memory cannot be measured directly, so the test also checks
 * that open file descriptors return to their baseline and that the process's resident memory stays within a
 * generous bound of where it stood after warm-up (each database holds a 64 MiB cache).
 */
class RocksDbLeakTest {
    static final int WARMUP_CYCLES = 20;
    static final int CYCLES = 220;
    /** How far RSS may grow over the measured cycles: generous, as the JVM heap and malloc arenas move too. */
    static final long RSS_GROWTH_BOUND = 256L << 20;
    /** Every kind of native object the cycles must make, so that the tracker's verdict covers each of them. */
    static final Set<String> EXPECTED_CLASSES = Set.of("BloomFilter", "ColumnFamilyHandle", "ColumnFamilyOptions",
            "DBOptions", "FlushOptions", "LRUCache", "Options", "ReadOptions", "RocksDB", "RocksIterator", "Slice",
            "Snapshot", "Statistics", "WriteBatch", "WriteOptions");

    @TempDir
    Path dir;

    @Test
    void openAndCloseManyTimesLeaksNoNativeObjectsFileDescriptorsOrMemory() throws IOException {
        Set<String> seen = new TreeSet<>();
        try (NativeTracker tracker = NativeTracker.start()) {
            for (int i = 0; i < WARMUP_CYCLES; i++) {
                trackedCycle(tracker, i, seen);
            }
            System.gc();
            long fdsBefore = openFileDescriptors();
            long rssBefore = rssBytes();
            for (int i = WARMUP_CYCLES; i < WARMUP_CYCLES + CYCLES; i++) {
                trackedCycle(tracker, i, seen);
            }
            System.gc();
            long fdsAfter = openFileDescriptors();
            long rssAfter = rssBytes();
            System.out.printf("rocksdb leak check: %d cycles, native objects of %s all closed, fds %d -> %d, "
                    + "RSS %d MiB -> %d MiB%n", CYCLES, seen, fdsBefore, fdsAfter, rssBefore >> 20, rssAfter >> 20);
            assertThat(seen).as("kinds of native objects the cycles made").containsAll(EXPECTED_CLASSES);
            assertThat(fdsAfter).as("open file descriptors after %d open/close cycles", CYCLES)
                    .isLessThanOrEqualTo(fdsBefore);
            assertThat(rssAfter - rssBefore).as("RSS growth over %d open/close cycles", CYCLES)
                    .isLessThan(RSS_GROWTH_BOUND);
        }
    }

    /** One cycle, then the exact check: everything it made natively was closed with its store. */
    private void trackedCycle(NativeTracker tracker, int i, Set<String> seen) {
        cycle(tracker, i);
        assertThat(tracker.trackedCount()).as("native objects tracked in cycle %d", i).isPositive();
        seen.addAll(tracker.trackedClasses());
        assertThat(tracker.stillOwning()).as("native objects still open after cycle %d closed its store", i)
                .isEmpty();
        tracker.forget();
    }

    /** One open/use/close cycle, alternating the public API with the engine SPI. */
    private void cycle(NativeTracker tracker, int i) {
        Path storeDir = dir.resolve("store-" + (i % 4));
        if (i % 2 == 0) {
            storeCycle(tracker, storeDir, i);
        } else {
            engineCycle(tracker, storeDir, i);
        }
    }

    /**
     * Checks, while the engine is open, that it holds no per-call native object (iterator, slice, snapshot,
     * write batch) once every cursor, snapshot and transaction is closed, and exactly one column family handle
     * per live keyspace: RocksJava would free a dropped keyspace's handle only at database close, so a handle
     * not closed at drop is a leak that grows for as long as the store stays open.
     */
    private static void assertOnlyLongLivedObjectsOpen(NativeTracker tracker, int liveKeyspaces, int i) {
        Map<String, Integer> owning = tracker.owningByClass();
        assertThat(owning).as("native objects open in cycle %d with nothing borrowed", i)
                .doesNotContainKeys("RocksIterator", "Slice", "Snapshot", "WriteBatch", "Options")
                .containsEntry("ColumnFamilyHandle", liveKeyspaces)
                .containsEntry("ReadOptions", 1);
    }

    private static void storeCycle(NativeTracker tracker, Path storeDir, int i) {
        Store s = Plinth.builder("rocksdb:" + storeDir).param("statistics", Boolean.toString(i % 4 == 0)).open();
        try {
            Keyspace ks = s.createKeyspace("ks-" + (i % 3));
            Keyspace def = s.defaultKeyspace();
            WriteBatch batch = new WriteBatch();
            for (int k = 0; k < 50; k++) {
                batch.put(ks, key(k), key(i), WriteOptions.durability(Durability.NONE));
                batch.put(def, key(k), key(i));
            }
            s.write(batch);
            // Range deletes, bounded and unbounded (the latter finds its end with an iterator), and a
            // conditional batch (its preconditions are checked with db.get).
            s.write(new WriteBatch().deleteRange(def, Range.of(key(40), key(45)), WriteOptions.durability(Durability.NONE))
                    .deleteRange(ks, Range.from(key(48))).put(ks, key(49), key(i)));
            s.write(new WriteBatch().requireEquals(def, key(1), key(i))
                    .requireAbsent(def, key(42)).put(def, key(2), key(i + 1), WriteOptions.durability(Durability.PROCESS)));
            ks.compareAndSet(key(0), key(i), key(i + 1), WriteOptions.durability(Durability.PROCESS));
            // A serializable transaction that scanned a range: its commit checks that range with an iterator.
            try (Transaction tx = s.begin(Isolation.SERIALIZABLE)) {
                tx.get(def, key(3));
                try (Cursor c = tx.cursor(ks, Range.of(key(10), key(20)), ScanOptions.forward())) {
                    while (c.next()) {
                        c.value();
                    }
                }
                tx.put(ks, key(11), key(i));
                tx.deleteRange(def, Range.of(key(30), key(33)), WriteOptions.durability(Durability.NONE));
                tx.commit();
            }
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
                for (int k = 0; k < 10 && c.next(); k++) {
                    c.value();
                }
            }
            try (Cursor c = def.cursor(Range.of(key(2), key(5)), ScanOptions.forward())) {
                while (c.next()) {
                    c.key();
                }
            }
            try (Snapshot snap = s.snapshot(); Cursor c = snap.cursor(def, Range.prefix(new byte[] {'k'}), ScanOptions.forward())) {
                c.next();
                snap.get(ks, key(1));
            }
            if (i % 3 == 1) {
                // A cursor open across the drop holds the dropped column family's handle until it closes.
                Cursor across = ks.cursor(Range.all(), ScanOptions.forward());
                s.dropKeyspace("ks-" + (i % 3));
                assertThat(across.next()).isTrue();
                assertThat(tracker.owningByClass()).as("cycle %d, a cursor open over a dropped keyspace", i)
                        .containsEntry("ColumnFamilyHandle", s.keyspaces().size() + 1);
                across.close();
                assertOnlyLongLivedObjectsOpen(tracker, s.keyspaces().size(), i);
                ks = s.createKeyspace("ks-" + (i % 3));
            }
            // Left open: the store closes them before the engine.
            Cursor leftOpen = def.cursor(Range.all(), ScanOptions.forward());
            leftOpen.next();
            Cursor leftOpenBounded = ks.cursor(Range.until(key(30)), ScanOptions.reverse());
            leftOpenBounded.next();
            Snapshot leftOpenSnapshot = s.snapshot();
            leftOpenSnapshot.cursor(ks, Range.from(key(5)), ScanOptions.reverse()).next();
            Transaction leftOpenTx = s.begin(Isolation.SNAPSHOT);
            leftOpenTx.put(def, key(7), key(i));
            leftOpenTx.cursor(def, Range.all(), ScanOptions.forward()).next();
            s.stats();
            if (i % 3 == 2) {
                s.dropKeyspace("ks-" + (i % 3));
            }
            if (i % 10 == 0) {
                s.flush();
                s.compact();
                // A failed open (the directory is locked by this store) must free what it made.
                assertThatThrownBy(() -> Plinth.open("rocksdb:" + storeDir)).isInstanceOf(StorageIOException.class);
            }
        } finally {
            s.close();
        }
    }

    private static void engineCycle(NativeTracker tracker, Path storeDir, int i) {
        Engine e = RocksDbTestSupport.open(storeDir, Map.of("statistics", Boolean.toString(i % 4 == 1)));
        try {
            EngineKeyspace ks = e.createKeyspace("engine-" + (i % 2));
            for (int k = 0; k < 20; k++) {
                RocksDbTestSupport.put(e, ks, "k" + k, "v" + i);
            }
            e.apply(EngineBatch.builder(Durability.NONE).deleteRange(ks, null, key(3)).deleteRange(ks, key(18), null)
                    .requireValue(ks, key(5), RocksDbTestSupport.b("v" + i)).build());
            EngineSnapshot snap = e.snapshot();
            EngineCursor c1 = e.cursor(ks, ScanSpec.of(null, null));
            c1.next();
            EngineCursor c2 = snap.cursor(ks, ScanSpec.of(null, key(5)).reverse(true));
            c2.next();
            EngineCursor c3 = e.cursor(ks, ScanSpec.of(key(4), key(9)).reverse(true));
            c3.next();
            e.stats();
            if (i % 4 == 1) {
                // Closed properly, in the order the core uses.
                c3.close();
                c2.close();
                c1.close();
                snap.close();
                e.dropKeyspace("engine-" + (i % 2));
                assertOnlyLongLivedObjectsOpen(tracker, e.keyspaceNames().size(), i);
            }
            // Otherwise left open for the engine's close to free.
        } finally {
            e.close();
        }
    }

    private static byte[] key(int k) {
        return ("k" + k).getBytes(StandardCharsets.UTF_8);
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                return Long.parseLong(kb) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
