package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import dev.plinth.testkit.io.MemVfs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read path's shortcuts keep their conditions: a get asks the tables' range deletes only when a table of
 * the view holds some ({@link ReadView}), and a cursor leaves out a memtable only if it was empty when the
 * cursor opened, walking its one remaining source without a merge.
 */
class LsmReadShortcutsTest {
    /** Memtables that never fill here (the test seals them); level 0 compacted only when the test says. */
    private static final LsmOptions SMALL = new LsmOptions(1 << 20, 1 << 20,
            LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, false,
            new CompactionOptions(100, 100, 100, 1 << 20, 10, 1 << 20, 1L << 30));

    private static byte[] key(int i) {
        return String.format("k%04d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(String tag, int i) {
        return (tag + i + "-" + "x".repeat(i % 30)).getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(LsmEngine e, EngineKeyspace ks, int from, int to, String tag) {
        for (int i = from; i < to; i++) {
            e.apply(EngineBatch.builder(Durability.NONE).put(ks, key(i), value(tag, i)).build());
        }
    }

    /** Seals the memtable and flushes it to a level-0 table. */
    private static void flush(LsmEngine e) {
        e.seal();
        e.backgroundFlush();
    }

    /**
     * Writes keys {@code 0} to {@code n - 1}, flushes them and compacts them below level 0 (into tables without
     * range deletes), leaving the memtable empty.
     */
    private static void settled(LsmEngine e, EngineKeyspace ks, int n) {
        put(e, ks, 0, n, "v");
        flush(e);
        e.compact();
    }

    /**
     * Asserts what the engine's current view holds: whether every memtable of it is empty, and whether any of its
     * tables holds a range delete (what {@link ReadView} decides its shortcuts by).
     */
    private static void assertView(LsmEngine e, String when, boolean memtablesEmpty, boolean tablesDeleteRanges) {
        ReadView view = e.reads().acquire();
        try {
            assertThat(view.memtables().stream().allMatch(m -> m.isEmpty()))
                    .as("%s: every memtable of the view is empty", when).isEqualTo(memtablesEmpty);
            assertThat(view.tables().stream().anyMatch(t -> !t.tombstones().isEmpty()))
                    .as("%s: a table of the view holds range deletes", when).isEqualTo(tablesDeleteRanges);
        } finally {
            view.release();
        }
    }

    private static List<String> keys(EngineCursor c) {
        List<String> out = new ArrayList<>();
        while (c.next()) {
            out.add(new String(c.key(), StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void aRangeDeleteHeldOnlyByATableHidesTheKeysOfDeeperTablesFromGets() {
        try (LsmEngine e = LsmEngine.open("lsm-shortcuts", new MemVfs(1), SMALL, true)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            settled(e, ks, 300);
            assertView(e, "settled", true, false);
            assertThat(e.get(ks, key(60))).isEqualTo(value("v", 60));
            e.apply(EngineBatch.builder(Durability.NONE).deleteRange(ks, key(50), key(100)).build());
            flush(e);
            assertView(e, "the range delete flushed", true, true);
            assertDeleted(e, ks, "with the range delete in a table");
            e.compact(); // the delete applied and dropped at the bottom: no table holds one any more
            assertView(e, "compacted after the range delete", true, false);
            assertDeleted(e, ks, "after compaction");
        }
    }

    /**
     * A range delete held by the memtable alone, no table holding any: the view then skips the tables' range
     * deletes, so only its check of the memtables' hides the tables' keys from gets.
     */
    @Test
    void aRangeDeleteHeldOnlyByTheMemtableHidesTheTablesKeysFromGets() {
        try (LsmEngine e = LsmEngine.open("lsm-shortcuts", new MemVfs(3), SMALL, true)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            settled(e, ks, 300);
            assertView(e, "settled", true, false);
            e.apply(EngineBatch.builder(Durability.NONE).deleteRange(ks, key(50), key(100)).build());
            assertView(e, "the range delete in the memtable only", false, false);
            assertDeleted(e, ks, "before any flush");
            try (EngineCursor c = e.cursor(ks, ScanSpec.of(null, null))) {
                assertThat(keys(c)).as("a cursor before any flush").hasSize(250).contains("k0049", "k0100")
                        .doesNotContain("k0050", "k0099");
            }
            flush(e);
            assertView(e, "the range delete flushed", true, true);
            assertDeleted(e, ks, "after the flush");
            e.compact();
            assertView(e, "compacted after the range delete", true, false);
            assertDeleted(e, ks, "after compaction");
        }
    }

    /** Asserts that gets of keys 40 to 109 find those of 50 to 99 deleted and the others as {@link #settled} wrote. */
    private static void assertDeleted(LsmEngine e, EngineKeyspace ks, String when) {
        for (int i = 40; i < 110; i++) {
            assertThat(e.get(ks, key(i))).as("key %d %s", i, when).isEqualTo(i >= 50 && i < 100 ? null : value("v", i));
        }
    }

    @Test
    void aCursorOpenedOnAnEmptyMemtableSeesNoLaterWritesEvenAfterASeekWhileANewCursorSeesThem() {
        try (LsmEngine e = LsmEngine.open("lsm-shortcuts", new MemVfs(2), SMALL, true)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            settled(e, ks, 200);
            assertView(e, "settled, before the cursors open", true, false);
            try (EngineCursor forward = e.cursor(ks, ScanSpec.of(null, null));
                 EngineCursor backward = e.cursor(ks, ScanSpec.of(null, null).reverse(true))) {
                put(e, ks, 200, 260, "late"); // into the memtable, after the cursors opened on an empty one
                e.apply(EngineBatch.builder(Durability.NONE).delete(ks, key(5)).build());
                assertThat(forward.next()).isTrue();
                forward.seek(key(150));
                List<String> rest = keys(forward);
                assertThat(rest).hasSize(50).startsWith("k0150").endsWith("k0199");
                backward.seek(key(255));
                assertThat(keys(backward)).hasSize(200).startsWith("k0199").endsWith("k0000");
            }
            try (EngineCursor fresh = e.cursor(ks, ScanSpec.of(null, null))) {
                List<String> all = keys(fresh);
                assertThat(all).hasSize(259).contains("k0259").doesNotContain("k0005");
            }
        }
    }
}
