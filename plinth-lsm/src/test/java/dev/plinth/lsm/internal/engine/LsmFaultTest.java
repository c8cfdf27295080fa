package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.sstable.TableFormat;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalReader;
import dev.plinth.spi.EngineBatch;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** I/O errors at every file operation, a full disk, and damage at rest in every kind of file. */
class LsmFaultTest {
    private static final int STEPS = 80;

    private static LsmEngine open(FaultyVfs fs) {
        return LsmPowerLossTest.open(fs);
    }

    private static EngineBatch oneWrite(LsmEngine e, String key) {
        return EngineBatch.builder(Durability.SYNC).put(e.keyspace(Store.DEFAULT_KEYSPACE), key.getBytes(), new byte[] {1})
                .build();
    }

    @Test
    void anIoErrorAtEveryOperationReachesTheCallerAndLosesNothingAcknowledged() {
        long seed = 11;
        FaultyVfs dry = new FaultyVfs(new MemVfs(seed), seed);
        try (LsmEngine e = open(dry)) {
            new Workload(seed, STEPS).run(e);
            e.verify();
        }
        Map<IoOp, Long> counts = dry.counts();
        int cases = 0;
        for (IoOp op : IoOp.values()) {
            long count = counts.getOrDefault(op, 0L);
            long stride = Math.max(1, count / 40);
            for (long n = 1; n <= count; n += stride) {
                for (boolean sticky : new boolean[] {false, true}) {
                    check(seed, op, n, sticky);
                    cases++;
                }
            }
        }
        System.out.println("lsm I/O errors: " + cases + " injected failures (every operation kind, once and sticky),"
                + " each reported to the caller with nothing acknowledged lost");
        assertThat(cases).isGreaterThan(100);
    }

    /**
     * A read error at each read of the tables a compaction makes (the flushed one, and the merge's outputs while
     * they are opened and their key ranges read) reaches the caller and leaves no file open once the store is
     * closed.
     */
    @Test
    void aReadErrorAtEachReadOfACompactionsNewTablesLeavesNoFileOpen() {
        int failed = 0;
        for (long n = 1; n <= 30; n++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(7), 7);
            try (LsmEngine e = open(fs)) {
                for (int i = 0; i < 40; i++) {
                    e.apply(oneWrite(e, "first " + i));
                }
                e.compact();
                for (int i = 0; i < 40; i++) {
                    e.apply(oneWrite(e, "second " + i));
                }
                List<String> before = fs.list("");
                fs.inject(Fault.on(IoOp.READ).at(n).once().onFiles(
                        name -> TableFormat.tableNumber(name) > 0 && !before.contains(name), "the new tables"));
                try {
                    e.compact();
                } catch (PlinthException reported) {
                    failed++;
                }
            }
            fs.assertNoLeaks();
        }
        assertThat(failed).as("compactions that met the read error").isGreaterThan(5);
    }

    private static void check(long seed, IoOp op, long n, boolean sticky) {
        String where = op + " #" + n + (sticky ? " sticky" : " once");
        FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
        Fault f = Fault.on(op).at(n);
        fs.inject(sticky ? f.sticky() : f.once());
        LsmEngine e;
        Workload w;
        try {
            e = open(fs);
        } catch (PlinthException opening) {
            e = null;
        }
        if (e != null) {
            w = new Workload(seed, STEPS).run(e);
            if (w.failure == null) {
                try {
                    e.verify();
                } catch (PlinthException reported) {
                    // a failed read in verify reaches its caller; nothing was written
                }
            }
        } else {
            w = new Workload(seed, 0);
            w.states.add(Map.of(Store.DEFAULT_KEYSPACE, new java.util.TreeMap<>()));
        }
        if (w.failure != null) {
            assertThat(w.failure).as(where).isInstanceOf(PlinthException.class);
            if (e != null && (op == IoOp.FORCE || op == IoOp.WRITE) && w.failure.getMessage().contains("log")) {
                LsmEngine failed = e;
                // A failed log write or force is never retried into a success, even once the fault is gone.
                assertThatThrownBy(() -> failed.apply(oneWrite(failed, "after"))).as(where)
                        .isInstanceOf(PlinthException.class);
            }
        }
        fs.powerLoss(PowerLoss.processCrash());
        if (e != null) {
            try {
                e.close();
            } catch (RuntimeException ignored) {
                // the failure again
            }
        }
        fs.clearFaults();
        w.durable = w.inOs; // a killed process loses nothing that reached the OS (a NONE batch may not have)
        try (LsmEngine reopened = open(fs)) {
            assertThat(w.matchingStep(Workload.read(reopened))).as("%s (failure %s)", where, w.failure)
                    .isGreaterThanOrEqualTo(0);
            assertThat(reopened.verify()).as(where).isEmpty();
            reopened.apply(oneWrite(reopened, "after"));
        }
        fs.assertNoLeaks();
    }

    /**
     * The next log segment is made in the background; when that fails, the engine fails at once (as for a
     * failed log write), the write that needs the segment and every later one report it, and nothing
     * acknowledged is lost.
     */
    @Test
    void anIoErrorMakingTheNextLogSegmentFailsTheEngineAndLosesNothing() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(31), 31);
        LsmEngine e = open(fs);
        e.apply(oneWrite(e, "a"));
        fs.inject(Fault.on(IoOp.FORCE).onFiles(n -> WalFormat.segmentNumber(n) >= 3, "log segments from 3 on").sticky());
        e.seal(); // the next record goes to segment 2, made already; segment 3 is made as the log moves to 2
        e.backgroundFlush();
        e.apply(oneWrite(e, "b"));
        // A record larger than the rest of segment 2 needs segment 3, whose making failed (or the latch says so first).
        EngineBatch big = EngineBatch.builder(Durability.SYNC).put(e.keyspace(Store.DEFAULT_KEYSPACE), "c".getBytes(),
                new byte[(int) LsmPowerLossTest.SMALL.walSegmentSize()]).build();
        assertThatThrownBy(() -> e.apply(big)).isInstanceOf(StorageIOException.class)
                .hasStackTraceContaining("preparing write-ahead log segment 3");
        assertThatThrownBy(() -> e.apply(oneWrite(e, "d"))).isInstanceOf(StorageIOException.class)
                .hasMessageContaining("preparing write-ahead log segment 3");
        try {
            e.close();
        } catch (PlinthException failed) {
            // the failure again
        }
        fs.clearFaults();
        fs.powerLoss(PowerLoss.dropUnsynced());
        try (LsmEngine reopened = open(fs)) {
            var ks = reopened.keyspace(Store.DEFAULT_KEYSPACE);
            assertThat(reopened.get(ks, "a".getBytes())).isNotNull();
            assertThat(reopened.get(ks, "b".getBytes())).isNotNull();
            assertThat(reopened.get(ks, "c".getBytes())).isNull();
            assertThat(reopened.get(ks, "d".getBytes())).isNull();
            assertThat(reopened.verify()).isEmpty();
        }
        fs.assertNoLeaks();
    }

    @Test
    void aFullDiskIsStorageFullKeepsWhatWasWrittenAndWritesResumeAfterReopen() {
        long seed = 12;
        int full = 0;
        for (long quota = 0; quota <= 1 << 20; quota = quota * 2 + 4096) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
            fs.limitFreeSpace(quota);
            LsmEngine e = null;
            Workload w;
            try {
                e = open(fs);
                w = new Workload(seed, 400).run(e);
            } catch (StorageFullException creating) {
                w = new Workload(seed, 0);
                w.states.add(Map.of(Store.DEFAULT_KEYSPACE, new java.util.TreeMap<>()));
                w.failure = creating;
            }
            if (w.failure != null) {
                full++;
                assertThat(w.failure).as("quota %d", quota).isInstanceOf(StorageFullException.class);
                if (e != null) {
                    LsmEngine still = e;
                    assertThatThrownBy(() -> still.apply(oneWrite(still, "more"))).isInstanceOf(StorageFullException.class);
                }
            }
            boolean closeFailed = false;
            if (e != null) {
                try {
                    e.close();
                } catch (StorageFullException closing) {
                    closeFailed = true; // its log write of buffered NONE batches (or the close record) did not fit
                }
            }
            fs.unlimitedSpace();
            // A close that returned normally lost nothing acknowledged; NONE batches still in the log's buffer are
            // lost only if the store failed or its close could not write them.
            w.durable = w.failure != null || closeFailed ? w.inOs : w.acked;
            try (LsmEngine reopened = open(fs)) {
                assertThat(w.matchingStep(Workload.read(reopened))).as("quota %d", quota).isGreaterThanOrEqualTo(0);
                reopened.apply(oneWrite(reopened, "after"));
                assertThat(reopened.get(reopened.keyspace(Store.DEFAULT_KEYSPACE), "after".getBytes())).isNotNull();
                assertThat(reopened.verify()).isEmpty();
            }
            fs.assertNoLeaks();
        }
        assertThat(full).as("quotas that filled the disk").isGreaterThan(3);
    }

    /** A closed store after the workload, for damage; the file system underneath is what gets damaged. */
    private static FaultyVfs closedStore(long seed) {
        FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
        try (LsmEngine e = open(fs)) {
            Workload w = new Workload(seed, STEPS).run(e);
            assertThat(w.failure).isNull();
        }
        return fs;
    }

    /** Where damage must be found: open fails, verify reports it, or a read refuses; never returned as data. */
    private static void assertDetected(FaultyVfs fs, String what) {
        LsmEngine e;
        try {
            e = open(fs);
        } catch (CorruptionException expected) {
            return;
        }
        try {
            List<String> problems = e.verify();
            if (!problems.isEmpty()) {
                return;
            }
            try {
                Workload.read(e);
            } catch (CorruptionException expected) {
                return;
            }
            throw new AssertionError(what + " went undetected");
        } finally {
            e.close();
        }
    }

    /**
     * A table file that cannot be deleted once compaction replaced it fails nothing: whichever reader let go
     * of the table last (a cursor's close, a compaction) has nothing to do with it, nothing written is at
     * stake, and the next open removes the file.
     */
    @Test
    void aReplacedTableWhoseFileCannotBeDeletedFailsNoCallAndGoesAtTheNextOpen() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(11), 11);
        fs.inject(Fault.on(IoOp.DELETE).onFiles(n -> TableFormat.tableNumber(n) >= 0, "table files").sticky());
        Map<String, java.util.TreeMap<String, String>> expected;
        try (LsmEngine e = open(fs)) {
            Workload w = new Workload(11, STEPS).run(e);
            assertThat(w.failure).as("a workload whose compactions could not delete what they replaced").isNull();
            assertThat(e.stats().get("lsm.compactions")).isPositive();
            expected = Workload.read(e);
        }
        long named = fs.list("").stream().filter(n -> TableFormat.tableNumber(n) >= 0).count();
        fs.clearFaults();
        try (LsmEngine e = open(fs)) {
            assertThat(Workload.read(e)).isEqualTo(expected);
            assertThat(e.verify()).isEmpty();
            // A compaction the open started may be writing a table the levels do not name yet, or hold one it
            // just replaced: wait (not a timing assertion) until the files on disk are the tables the levels name.
            long left = -1;
            for (int i = 0; i < 600; i++) {
                left = fs.list("").stream().filter(n -> TableFormat.tableNumber(n) >= 0).count();
                if (left == e.levels().tables().size()) {
                    break;
                }
                sleep(50);
            }
            assertThat(left).as("the replaced tables' files are gone after the open").isLessThan(named)
                    .isEqualTo(e.levels().tables().size());
        }
        fs.assertNoLeaks();
    }

    /**
     * Damage in tables stored uncompressed, which mapped tables read in place: the reads themselves must find
     * it (a block's CRC32C is checked on the mapped bytes at each use), not only {@code verify}, which reads
     * every block as a copy. Flips in blocks that hold only a dropped keyspace's entries, which no cursor
     * reads, are left to {@code verify}; so most, not all, flips must be found by the open or a read.
     */
    @Test
    void damageInTablesReadInPlaceIsFoundByTheReadsThemselves() {
        LsmOptions inPlace = new LsmOptions(LsmPowerLossTest.SMALL.walSegmentSize(), LsmPowerLossTest.SMALL.memtableSize(),
                LsmPowerLossTest.SMALL.blockCacheSize(), false,
                true, LsmPowerLossTest.SMALL.compaction());
        int cases = 0;
        int byReads = 0;
        for (long seed = 0; seed < 20; seed++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(60 + seed), 60 + seed);
            try (LsmEngine e = LsmEngine.open("lsm-test", fs, inPlace, true)) {
                Workload w = new Workload(60 + seed, STEPS).run(e);
                assertThat(w.failure).isNull();
            }
            List<String> tables = fs.list("").stream().filter(n -> TableFormat.tableNumber(n) >= 0).toList();
            String name = tables.get((int) (seed % tables.size()));
            Corruption.flipRandomBit(fs, name, 0, fs.size(name), seed);
            cases++;
            LsmEngine e;
            try {
                e = LsmEngine.open("lsm-test", fs, inPlace, false);
            } catch (CorruptionException expected) {
                byReads++;
                continue;
            }
            try {
                Workload.read(e);
                assertThat(e.verify()).as("a flipped bit in " + name + " seed " + seed + " went undetected").isNotEmpty();
            } catch (CorruptionException expected) {
                byReads++;
            } finally {
                e.close();
            }
        }
        System.out.println("lsm damage in tables read in place: " + byReads + " of " + cases + " flipped bits found by"
                + " the open or a read, the others by verify");
        assertThat(byReads).as("flips found by reads of the mapping, not by verify").isGreaterThanOrEqualTo(cases * 2 / 3);
    }

    @Test
    void damageAtRestInEveryKindOfFileIsDetected() {
        int cases = 0;
        List<String> kinds = List.of("wal", "table", "manifest", "CURRENT", "identity");
        for (String kind : kinds) {
            for (long seed = 0; seed < 15; seed++) {
                FaultyVfs fs = closedStore(20 + seed);
                Predicate<String> pick = switch (kind) {
                    case "wal" -> n -> WalFormat.segmentNumber(n) >= 0;
                    case "table" -> n -> TableFormat.tableNumber(n) >= 0;
                    case "manifest" -> n -> Manifest.manifestNumber(n) >= 0;
                    case "CURRENT" -> Manifest.CURRENT::equals;
                    default -> LsmEngine.IDENTITY::equals;
                };
                List<String> files = new ArrayList<>(fs.list("").stream().filter(pick).toList());
                assertThat(files).as(kind).isNotEmpty();
                String name = files.get((int) (seed % files.size()));
                long from = 0;
                long to = fs.size(name);
                if (kind.equals("wal")) {
                    // The written records, without the clean-close mark (whose loss loses nothing) and the zeros after.
                    WalReader.Scan scan = WalReader.scan(fs, name, WalFormat.segmentNumber(name));
                    to = scan.end() - (WalFormat.FRAGMENT_HEADER + 1);
                    if (to <= WalFormat.HEADER_SIZE) {
                        continue;
                    }
                    long off;
                    java.util.Random rnd = new java.util.Random(seed);
                    do {
                        off = rnd.nextLong(to);
                    } while (WalFormat.BLOCK_SIZE - off % WalFormat.BLOCK_SIZE < WalFormat.FRAGMENT_HEADER);
                    Corruption.flipBits(fs, name, off, 1 << rnd.nextInt(8));
                } else {
                    Corruption.flipRandomBit(fs, name, from, to, seed);
                }
                assertDetected(fs, kind + " " + name + " seed " + seed);
                cases++;
            }
        }
        System.out.println("lsm damage at rest: " + cases + " flipped bits in log segments, tables, manifests, CURRENT"
                + " and the identity file, every one detected");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
