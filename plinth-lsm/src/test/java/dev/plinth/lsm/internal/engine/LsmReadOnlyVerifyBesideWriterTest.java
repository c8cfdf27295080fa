package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.StorageIOException;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.sstable.TableFormat;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalReader;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify()} of a read-only open while a writable open of the same store writes, flushes and compacts
 * (tiny memtables and tables, so that the manifest, the tables and the log change all the time): it must never
 * report damage that is not there, and it must still report a flipped byte in a table its view names and a
 * table the store needs that is gone. Before issue 17's fix the read-only verify compared the table set of the
 * manifest as it was at the open with the directory as it is now, and reported the writer's new and retired
 * tables as a disagreement.
 */
class LsmReadOnlyVerifyBesideWriterTest {
    private static final String URI = "lsm-read-only-verify";
    /**
     * Verifies while the writer runs (a third as many on a real directory, whose forces are slow); each waits for
     * the writer to have written more since the last one; {@code -Dplinth.readOnlyVerifies=N} for a longer run.
     */
    private static final int VERIFIES = Integer.getInteger("plinth.readOnlyVerifies", 30);

    @Test
    void aReadOnlyVerifyBesideAWriterThatFlushesAndCompactsReportsNoDamageThatIsNotThere() throws Exception {
        verifiesBesideAWriterFindNothing(new MemVfs(41), VERIFIES);
    }

    /** On a real directory, where a reading of the log may meet a record the writer is writing. */
    @Test
    void onARealDirectoryToo(@TempDir Path dir) throws Exception {
        verifiesBesideAWriterFindNothing(NioVfs.at(dir), Math.max(1, VERIFIES / 3));
    }

    private static void verifiesBesideAWriterFindNothing(Vfs vfs, int count) throws Exception {
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "fixed", "kept");
            writer.compact();
            long compactionsBefore = writer.compactor().compactions();
            int verifies = 0;
            try (BackgroundWriter writing = new BackgroundWriter(writer, "lsm-read-only-verify-writer")) {
                LsmEngine reader = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, false, true);
                try {
                    for (int i = 0; i < count; i++) {
                        if (!writing.awaitBatches(writing.batches(), 150)) {
                            break;
                        }
                        assertThat(reader.verify()).as("verify %d of a read-only open beside the writer (after %d"
                                + " batches)", i, writing.batches()).isEmpty();
                        verifies++;
                        if (i % 10 == 9) { // a newer view now and then, opened while the writer runs
                            reader.close();
                            reader = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, false, true);
                        }
                    }
                } finally {
                    reader.close();
                }
            }
            assertThat(verifies).as("verifies made while the writer ran").isEqualTo(count);
            assertThat(writer.compactor().compactions()).as("merging compactions while the reader verified")
                    .isGreaterThan(compactionsBefore);
        }
    }

    @Test
    void aReadOnlyVerifyBesideAWriterStillReportsAFlippedByteInItsTableAndATableTheStoreNeedsThatIsGone()
            throws Exception {
        MemVfs vfs = new MemVfs(43);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "fixed", "kept");
            writer.compact();
            try (LsmEngine early = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, false, true)) {
                try (BackgroundWriter writing = new BackgroundWriter(writer, "lsm-read-only-verify-writer")) {
                    assertThat(writing.awaitBatches(0, 1500)).isTrue();
                }
                // The writer stays open; a full compaction leaves it with nothing to do, so the files hold still.
                writer.compact();
                assertThat(early.verify()).as("the view opened before the writes, beside the writer").isEmpty();
                try (LsmEngine late = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, false, true)) {
                    assertThat(late.verify()).isEmpty();
                    List<String> tables = LsmReadOnlyOpenRaceTest.tables(vfs);
                    assertThat(tables).as("tables after the full compaction").hasSizeGreaterThanOrEqualTo(2);
                    String flipped = tables.get(0);
                    try (VfsFile f = vfs.openWrite(flipped)) {
                        ByteBuffer one = ByteBuffer.allocate(1);
                        f.read(40, one);
                        f.write(40, ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x10)})); // in the first block
                    }
                    assertThat(late.verify()).as("a flipped byte in a table the view names")
                            .anySatisfy(p -> assertThat(p).contains(vfs.location(flipped)));
                    String lost = tables.get(tables.size() - 1);
                    vfs.delete(lost);
                    for (LsmEngine reader : List.of(early, late)) {
                        assertThat(reader.verify()).as("a table the manifest names, deleted")
                                .anySatisfy(p -> assertThat(p).contains(URI).contains(
                                        String.valueOf(TableFormat.tableNumber(lost))).contains("missing"));
                    }
                }
            }
        }
    }

    @Test
    void aLogRecordTheWriterWasWritingWhenVerifyFirstReadItIsNoDamageButDamageThatStaysIs() {
        MemVfs vfs = new MemVfs(47);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, true)) {
            for (int i = 0; i < 40; i++) {
                LsmReadOnlyOpenRaceTest.put(writer, "k" + i, "v" + i);
            }
            writer.flush(); // the records reach the segment
            String segment = null;
            for (String n : vfs.list("")) {
                if (WalFormat.segmentNumber(n) >= 0 && WalReader.scan(vfs, n, WalFormat.segmentNumber(n)).records()
                        .size() >= 40) {
                    segment = n;
                }
            }
            assertThat(segment).as("the segment holding the records").isNotNull();
            String log = segment;
            // 8 bytes inside the first record's payload; valid records follow them.
            byte[] kept = new byte[8];
            try (VfsFile f = vfs.openRead(log)) {
                f.read(WalFormat.HEADER_SIZE + 8, ByteBuffer.wrap(kept));
            }
            AtomicBoolean armed = new AtomicBoolean();
            AtomicBoolean writtenAtTheNextReading = new AtomicBoolean(true);
            AtomicInteger readings = new AtomicInteger();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (armed.get() && name.equals(log)) {
                    // The first reading meets the record half written; the next one whole (the writer went on),
                    // unless the bytes stay as they are: damage.
                    int n = readings.incrementAndGet();
                    if (n == 1 || writtenAtTheNextReading.get()) {
                        try (VfsFile f = vfs.openWrite(log)) {
                            f.write(WalFormat.HEADER_SIZE + 8, ByteBuffer.wrap(n == 1 ? new byte[8] : kept));
                        }
                    }
                }
            });
            try (LsmEngine reader = LsmEngine.open(URI, reading, LsmReadOnlyOpenRaceTest.QUIET, false, true)) {
                armed.set(true);
                assertThat(reader.verify()).as("a record being written as verify first read it").isEmpty();
                assertThat(readings.get()).as("readings of the segment").isEqualTo(2);
                readings.set(0);
                writtenAtTheNextReading.set(false);
                assertThat(reader.verify()).as("the same bytes, staying")
                        .anySatisfy(p -> assertThat(p).contains(vfs.location(log)).contains(URI)
                                .contains("is damaged at offset " + WalFormat.HEADER_SIZE));
            }
        }
    }

    @Test
    void aReadOnlyVerifyWhoseLogSegmentTheWriterFlushedAwayAsItReadReadsTheManifestAgainAndFindsNothing() {
        MemVfs vfs = new MemVfs(53);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "early", "in the log");
            AtomicBoolean armed = new AtomicBoolean();
            AtomicReference<String> raced = new AtomicReference<>();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (armed.get() && name.startsWith("wal-") && raced.compareAndSet(null, name)) {
                    // The writer, between verify's reading of the manifest and its reading of the log: a flush and
                    // a compaction edit the manifest, and delete this segment and the tables the open read.
                    LsmReadOnlyOpenRaceTest.put(writer, "late", "after the first manifest");
                    writer.compact();
                    assertThat(vfs.exists(name)).as("the flush deleted " + name).isFalse();
                }
            });
            try (LsmEngine reader = LsmEngine.open(URI, reading, LsmReadOnlyOpenRaceTest.QUIET, false, true)) {
                int before = reading.opens(Manifest.CURRENT);
                armed.set(true);
                assertThat(reader.verify()).isEmpty();
                assertThat(raced.get()).as("the writer flushed while verify read the log").isNotNull();
                assertThat(reading.opens(Manifest.CURRENT) - before).as("readings of CURRENT: two, then two again")
                        .isEqualTo(4);
            }
        }
    }

    @Test
    void aReadOnlyVerifyOfAQuietStoreStillReportsATableFileItsManifestDoesNotName() {
        MemVfs vfs = new MemVfs(59);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "k", "v");
            writer.compact();
        }
        String table = LsmReadOnlyOpenRaceTest.tables(vfs).get(0);
        long stray = TableFormat.tableNumber(table) + 100;
        byte[] bytes = new byte[(int) vfs.size(table)];
        try (VfsFile from = vfs.openRead(table); VfsFile to = vfs.create(TableFormat.tableName(stray))) {
            from.read(0, ByteBuffer.wrap(bytes));
            to.write(0, ByteBuffer.wrap(bytes));
        }
        try (LsmEngine reader = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, false, true)) {
            assertThat(reader.verify()).as("a table no manifest named, in a store no writer changed since the open")
                    .anySatisfy(p -> assertThat(p).contains(URI).contains("[" + stray + "]")
                            .contains("its manifest does not name"));
        }
    }

    /**
     * Regression: with {@code CURRENT} damaged the manifest names nothing, and the read-only verify reported only
     * that, neither checking the log nor comparing the tables; the open's view now stands in for the manifest.
     */
    @Test
    void aReadOnlyVerifyWhoseManifestCannotBeDecodedStillReportsATableItsViewNamesThatIsGone() {
        MemVfs vfs = new MemVfs(61);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "k", "v");
            writer.compact();
        }
        try (LsmEngine reader = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, false, true)) {
            vfs.delete(Manifest.CURRENT);
            try (VfsFile f = vfs.create(Manifest.CURRENT)) { // names no manifest
                f.write(0, ByteBuffer.wrap(new byte[] {'x', '\n'}));
            }
            String lost = LsmReadOnlyOpenRaceTest.tables(vfs).get(0);
            vfs.delete(lost);
            assertThat(reader.verify()).as("a damaged CURRENT and a table the view names, deleted")
                    .anySatisfy(p -> assertThat(p).contains(Manifest.CURRENT))
                    .anySatisfy(p -> assertThat(p).contains(URI).contains("view")
                            .contains("[" + TableFormat.tableNumber(lost) + "]").contains("missing"));
        }
    }

    /**
     * A writer that edits the manifest before every reading of it leaves verify nothing it can trust: that is not
     * damage (before, the give-up was listed as a problem, so {@code plinth verify} said the store was damaged).
     */
    @Test
    void aReadOnlyVerifyWhoseEveryReadingTheWriterEditsTheManifestDuringSaysItCouldNotVerifyAndIsNoDamage() {
        MemVfs vfs = new MemVfs(67);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "k", "v");
            AtomicBoolean armed = new AtomicBoolean();
            AtomicInteger edits = new AtomicInteger();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (armed.get() && name.equals(Manifest.CURRENT)) {
                    LsmReadOnlyOpenRaceTest.put(writer, "e" + edits.get(), "v");
                    writer.compact(); // flushes the memtable and merges: edits, the manifest grows
                    edits.incrementAndGet();
                }
            });
            try (LsmEngine reader = LsmEngine.open(URI, reading, LsmReadOnlyOpenRaceTest.QUIET, false, true)) {
                armed.set(true);
                assertThatThrownBy(reader::verify).isInstanceOf(ConflictException.class)
                        .hasMessageContaining(URI).hasMessageContaining("a writer kept changing the manifest")
                        .hasMessageContaining("not known to be damaged").hasMessageContaining("verify again");
                assertThat(edits.get()).as("readings of CURRENT, each after an edit")
                        .isEqualTo(2 * StoreVerifier.ATTEMPTS);
            }
        }
    }

    /**
     * Regression: a log segment that could not be read was listed as damage, by a writable open's verify too;
     * beside a writer a segment may vanish between the listing and the reading, but one that stays there and
     * cannot be read is an I/O failure, thrown as before.
     */
    @Test
    void aReadErrorOnALogSegmentOfAQuietStoreIsThrownAsAnIoFailureNotListedAsDamage() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(71), 71);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, true)) {
            LsmReadOnlyOpenRaceTest.put(writer, "k", "in the log");
            writer.flush();
            try (LsmEngine reader = LsmEngine.open(URI, vfs, LsmReadOnlyOpenRaceTest.QUIET, false, true)) {
                vfs.inject(Fault.on(IoOp.READ).onFiles(n -> WalFormat.segmentNumber(n) >= 0, "log segments")
                        .sticky());
                for (LsmEngine e : List.of(writer, reader)) {
                    assertThatThrownBy(e::verify).as("verify of the %s open", e == writer ? "writable" : "read-only")
                            .isInstanceOf(StorageIOException.class).hasMessageContaining(URI)
                            .hasMessageContaining("write-ahead log segment").hasMessageContaining("could not be read");
                }
                vfs.clearFaults();
                assertThat(reader.verify()).isEmpty();
                assertThat(writer.verify()).isEmpty();
            }
        }
    }
}
