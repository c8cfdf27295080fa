package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.sstable.TableFormat;
import dev.plinth.spi.EngineBatch;
import dev.plinth.testkit.io.MemVfs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A read-only open races a writer: it reads {@code CURRENT} and the manifest, and the writer deletes a table,
 * a log segment or the manifest before the reader opens it. Each race is made to happen deterministically by a
 * file system that runs the writer's step on the reader's thread just before the reader opens that file; what is
 * really missing or damaged still fails (at once, or after {@link ReadOnlyOpen#ATTEMPTS} when the writer outruns the
 * reader every time); a writable open is
 * unchanged. A last test opens read-only in a loop (a bounded number of times) while a writer thread writes with
 * tiny memtables and tables, so that flushes and compactions delete files all the time.
 */
class LsmReadOnlyOpenRaceTest {
    private static final String URI = "lsm-read-only-race";
    /** Large memtables and level 0 triggers, so that tables are written and merged only by {@code compact()}. */
    static final LsmOptions QUIET = new LsmOptions(1 << 20, LsmOptions.DEFAULT_MEMTABLE_SIZE, 1 << 20, false,
            new CompactionOptions(100, 200, 300, 1L << 30, 10, 1L << 20, 1L << 40));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Puts a key at {@code NONE}; also for the other read-only tests. */
    static void put(LsmEngine e, String key, String value) {
        e.apply(EngineBatch.builder(Durability.NONE).put(e.keyspace(Store.DEFAULT_KEYSPACE), b(key), b(value)).build());
    }

    private static byte[] get(LsmEngine e, String key) {
        return e.get(e.keyspace(Store.DEFAULT_KEYSPACE), b(key));
    }

    /** The table files present; also for the other read-only tests. */
    static List<String> tables(Vfs vfs) {
        List<String> t = new ArrayList<>();
        for (String n : vfs.list("")) {
            if (TableFormat.tableNumber(n) >= 0) {
                t.add(n);
            }
        }
        return t;
    }

    /** A store of one table holding {@code k0} to {@code k49}, closed. */
    private static MemVfs storeOfOneTable() {
        MemVfs vfs = new MemVfs(17);
        try (LsmEngine w = LsmEngine.open(URI, vfs, QUIET, true)) {
            for (int i = 0; i < 50; i++) {
                put(w, "k" + i, "v" + i);
            }
            w.compact();
        }
        assertThat(tables(vfs)).hasSize(1);
        return vfs;
    }

    @Test
    void aReadOnlyOpenWhoseTableACompactionDeletedAfterItReadTheManifestReadsTheManifestAgainAndSeesTheNewState() {
        MemVfs vfs = new MemVfs(17);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, QUIET, true)) {
            for (int i = 0; i < 50; i++) {
                put(writer, "k" + i, "v" + i);
            }
            writer.compact();
            String first = tables(vfs).get(0);
            AtomicBoolean raced = new AtomicBoolean();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (name.equals(first) && raced.compareAndSet(false, true)) {
                    // The writer, between the reader's reading of the manifest and its opening of the table:
                    put(writer, "late", "after the first manifest");
                    writer.compact();
                    assertThat(vfs.exists(first)).as("the compaction deleted " + first).isFalse();
                }
            });
            try (LsmEngine reader = LsmEngine.open(URI, reading, QUIET, false, true)) {
                assertThat(raced).as("the writer compacted while the reader opened").isTrue();
                assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT").isEqualTo(2);
                assertThat(get(reader, "late")).isEqualTo(b("after the first manifest"));
                assertThat(get(reader, "k7")).isEqualTo(b("v7"));
                assertThat(reader.verify()).isEmpty();
            }
        }
    }

    @Test
    void aReadOnlyOpenWhoseLogSegmentAFlushDeletedAfterItReadTheManifestReadsTheManifestAgain() {
        MemVfs vfs = new MemVfs(19);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, QUIET, true)) {
            put(writer, "early", "in the log");
            AtomicReference<String> raced = new AtomicReference<>();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (name.startsWith("wal-") && raced.compareAndSet(null, name)) {
                    // The writer, between the reader's listing of the log and its opening of a segment:
                    put(writer, "late", "after the first manifest");
                    writer.compact();
                    assertThat(vfs.exists(name)).as("the flush deleted " + name).isFalse();
                }
            });
            try (LsmEngine reader = LsmEngine.open(URI, reading, QUIET, false, true)) {
                assertThat(raced.get()).as("the writer flushed while the reader opened").isNotNull();
                assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT").isGreaterThanOrEqualTo(2);
                assertThat(get(reader, "early")).isEqualTo(b("in the log"));
                assertThat(get(reader, "late")).isEqualTo(b("after the first manifest"));
            }
        }
    }

    @Test
    void aReadOnlyOpenWhoseManifestTheWriterReplacedAfterItReadCurrentReadsCurrentAgain() {
        MemVfs vfs = new MemVfs(29);
        LsmEngine writer = LsmEngine.open(URI, vfs, QUIET, true);
        try {
            put(writer, "k", "v");
            AtomicReference<String> raced = new AtomicReference<>();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (name.startsWith("MANIFEST-") && raced.compareAndSet(null, name)) {
                    // The writer, between the reader's reading of CURRENT and its opening of the manifest: a clean
                    // close starts a new manifest and deletes the old one.
                    writer.close();
                    assertThat(vfs.exists(name)).as("the close deleted " + name).isFalse();
                }
            });
            try (LsmEngine reader = LsmEngine.open(URI, reading, QUIET, false, true)) {
                assertThat(raced.get()).as("the writer closed while the reader opened").isNotNull();
                assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT").isGreaterThanOrEqualTo(2);
                assertThat(get(reader, "k")).isEqualTo(b("v"));
            }
        } finally {
            writer.close();
        }
    }

    @Test
    void aReadOnlyOpenOfAManifestThatCurrentStillNamesAndIsGoneFailsAtOnce() {
        MemVfs vfs = storeOfOneTable();
        String manifest = Manifest.manifestName(Manifest.current(vfs, URI));
        vfs.delete(manifest);
        HookVfs reading = new HookVfs(vfs, name -> { });
        assertThatThrownBy(() -> LsmEngine.open(URI, reading, QUIET, false, true))
                .isInstanceOf(CorruptionException.class).hasMessageContaining(URI).hasMessageContaining(manifest)
                .hasMessageContaining("names is missing").hasMessageNotContaining("attempts");
        assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT: one, and one to see whether it changed")
                .isEqualTo(2);
    }

    @Test
    void aReadOnlyOpenOfAManifestNamingATableThatIsGoneFailsOnceTheManifestReadAgainStillNamesIt() {
        MemVfs vfs = storeOfOneTable();
        String table = tables(vfs).get(0);
        vfs.delete(table);
        HookVfs reading = new HookVfs(vfs, name -> { });
        assertThatThrownBy(() -> LsmEngine.open(URI, reading, QUIET, false, true))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining(URI).hasMessageContaining(vfs.location(table))
                .hasMessageContaining("the manifest read again still names it: the file was lost")
                .hasCauseInstanceOf(StorageIOException.class);
        assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT: one, and one to see whether the"
                + " writer moved on").isEqualTo(2);
    }

    @Test
    void aReadOnlyOpenWhoseTablesAWriterDeletesEveryTimeFailsAfterItsAttemptsNamingTheStoreAndTheTable() {
        MemVfs vfs = new MemVfs(37);
        try (LsmEngine writer = LsmEngine.open(URI, vfs, QUIET, true)) {
            put(writer, "k", "v");
            writer.compact();
            AtomicInteger round = new AtomicInteger();
            HookVfs reading = new HookVfs(vfs, name -> {
                if (TableFormat.tableNumber(name) >= 0) {
                    // The writer, each time between the reader's reading of the manifest and its opening of a
                    // table: a compaction replaces every table.
                    put(writer, "k", "v" + round.incrementAndGet());
                    writer.compact();
                }
            });
            assertThatThrownBy(() -> LsmEngine.open(URI, reading, QUIET, false, true))
                    .isInstanceOf(CorruptionException.class)
                    .hasMessageContaining(URI).hasMessageContaining("table-")
                    .hasMessageContaining("was missing on the last of " + ReadOnlyOpen.ATTEMPTS + " attempts")
                    .hasCauseInstanceOf(StorageIOException.class);
            assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT").isEqualTo(ReadOnlyOpen.ATTEMPTS);
        }
    }

    @Test
    void aWritableOpenOfAManifestNamingATableThatIsGoneFailsAtOnceAsBefore() {
        MemVfs vfs = storeOfOneTable();
        String table = tables(vfs).get(0);
        vfs.delete(table);
        HookVfs reading = new HookVfs(vfs, name -> { });
        assertThatThrownBy(() -> LsmEngine.open(URI, reading, QUIET, false, false))
                .isInstanceOf(StorageIOException.class)
                .hasMessageContaining(table);
        assertThat(reading.opens(table)).as("attempts to open the table").isEqualTo(1);
    }

    @Test
    void aReadOnlyOpenOfADamagedTableFailsAtOnceWithoutReadingTheManifestAgain() {
        MemVfs vfs = storeOfOneTable();
        String table = tables(vfs).get(0);
        long size = vfs.size(table);
        try (VfsFile f = vfs.openWrite(table)) {
            f.write(size - 3, ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55})); // inside the footer
        }
        HookVfs reading = new HookVfs(vfs, name -> { });
        assertThatThrownBy(() -> LsmEngine.open(URI, reading, QUIET, false, true))
                .isInstanceOf(CorruptionException.class).hasMessageContaining(table);
        assertThat(reading.opens(Manifest.CURRENT)).as("readings of CURRENT").isEqualTo(1);
    }

    @Test
    void aReadOnlyOpenOfAStoreWithoutCurrentFailsAtOnce() {
        MemVfs vfs = storeOfOneTable();
        vfs.delete(Manifest.CURRENT);
        HookVfs reading = new HookVfs(vfs, name -> { });
        assertThatThrownBy(() -> LsmEngine.open(URI, reading, QUIET, false, true))
                .isInstanceOf(CorruptionException.class).hasMessageContaining(URI)
                .hasMessageContaining(Manifest.CURRENT);
        assertThat(tables(vfs).stream().mapToInt(reading::opens).sum())
                .as("tables opened").isZero();
    }

    @Test
    void readOnlyOpensInALoopWhileAWriterWritesAndCompactsAllSucceed() throws Exception {
        MemVfs vfs = new MemVfs(23);
        int opens = 300;
        try (LsmEngine writer = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, true)) {
            put(writer, "fixed", "kept");
            writer.compact();
            BackgroundWriter writing = new BackgroundWriter(writer, "lsm-read-only-race-writer");
            try (writing) {
                for (int i = 0; i < opens; i++) {
                    try (LsmEngine reader = LsmEngine.open(URI, vfs, LsmLeveledCompactionTest.OPTIONS, false, true)) {
                        assertThat(get(reader, "fixed")).as("open %d", i).isEqualTo(b("kept"));
                    }
                }
            }
            System.out.println("lsm read-only opens: " + opens + " while the writer wrote " + writing.batches()
                    + " batches and ran " + writer.compactor().compactions() + " merging compactions");
        }
    }
}
