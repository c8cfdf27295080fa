package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.io.NioVfs;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import dev.plinth.testkit.io.MemVfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An lsm cursor lends its entries ({@link LsmCursor#lend}): the key from a buffer of its own and the value
 * where it lies in the memtable's entry or the table's block (mapped, or cached). Over a seeded store whose
 * keys have versions in the memtable, in level-0 tables and in the bottom level (overwrites, deletes and
 * range deletes in each, over values below), lending gives exactly what stepping with {@code next()} gives
 * and what a sorted map of the writes holds: in both directions, with and without bounds, lent a few at a
 * time with steps in between, at the latest state and at a snapshot taken before later writes. A tombstone
 * lent, an older version lent over a newer, or a key lent from the wrong version or
 * source shows as a difference. A full compaction that retires every table while a
 * cursor is half way through lending changes nothing it lends afterwards, on {@link MemVfs} and on a real
 * directory whose tables are read in place from their mappings (which the retired tables' unmapping would
 * pull from under the cursor). A sink that throws leaves the cursor after the entry it threw on. Seeded; a
 * failure names its seed, and {@code -Dplinth.seed=N} replays it.
 */
class LsmCursorLendTest {
    /** Level 0 compacted only past 100 tables, so that the tables flushed stay; output tables of 4 KiB. */
    private static final CompactionOptions KEEP_LEVEL_0 = new CompactionOptions(100, 100, 100, 1 << 20, 10, 4 * 1024, 1L << 30);
    /**
     * Tiny memtables, by seed: LZ4 blocks from mapped tables (through the cache), uncompressed blocks read in
     * place from the mapping, uncompressed blocks read with positional reads (through the cache).
     */
    private static final List<LsmOptions> OPTIONS = List.of(
            new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, true, true, KEEP_LEVEL_0),
            new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, false, true, KEEP_LEVEL_0),
            new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, false, false, KEEP_LEVEL_0));
    /** Uncompressed blocks read in place from the tables' mappings (on a directory: {@link MemVfs} maps nothing). */
    private static final LsmOptions MAPPED = OPTIONS.get(1);
    private static final int KEYS = 1200;

    /**
     * The seeds a test runs: its own, or with {@code -Dplinth.seed=N} only {@code N}, as the other seeded
     * tests replay one.
     */
    private static long[] seeds(long... own) {
        String replay = System.getProperty("plinth.seed", "");
        return replay.isEmpty() ? own : new long[] {Long.parseLong(replay)};
    }

    private static byte[] key(int i) {
        return String.format("k%06d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static String str(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return str(a);
    }

    /**
     * Writes a round of random operations (mostly puts over existing keys, some deletes and range deletes),
     * applying each to the model as well.
     */
    private static void round(LsmEngine e, EngineKeyspace s, Random rnd, TreeMap<String, String> model, int ops, String tag) {
        for (int i = 0; i < ops; i++) {
            int n = rnd.nextInt(KEYS);
            int op = rnd.nextInt(10);
            EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
            if (op < 2) {
                b.delete(s, key(n));
                model.remove(str(key(n)));
            } else if (op == 2) {
                int hi = Math.min(KEYS, n + 1 + rnd.nextInt(30));
                b.deleteRange(s, key(n), key(hi));
                model.subMap(str(key(n)), str(key(hi))).clear();
            } else {
                // Values of varied length, some long enough to span a good part of a block.
                String v = tag + "-" + i + "-" + "v".repeat(rnd.nextInt(rnd.nextInt(8) == 0 ? 600 : 40));
                b.put(s, key(n), v.getBytes(StandardCharsets.US_ASCII));
                model.put(str(key(n)), v);
            }
            e.apply(b.build());
        }
    }

    /** A store with versions of its keys in the bottom level, in level-0 tables and in the memtable. */
    private static void fill(LsmEngine e, EngineKeyspace s, Random rnd, TreeMap<String, String> model) {
        for (int i = 0; i < KEYS; i++) {
            String v = "base-" + i;
            e.apply(EngineBatch.builder(Durability.NONE).put(s, key(i), v.getBytes(StandardCharsets.US_ASCII)).build());
            model.put(str(key(i)), v);
        }
        round(e, s, rnd, model, 300, "b");
        e.compact(); // everything into the bottom level: a run of several tables
        for (int r = 0; r < 3; r++) {
            round(e, s, rnd, model, 250, "l0r" + r);
            e.seal();
            e.backgroundFlush();
        }
        round(e, s, rnd, model, 200, "mem");
        // The round's last write may have sealed the memtable (it is tiny): a few more, so that it holds some.
        for (int i = 0; i < 10 && activeMemtableEmpty(e); i++) {
            String v = "last-" + i;
            e.apply(EngineBatch.builder(Durability.NONE).put(s, key(i), v.getBytes(StandardCharsets.US_ASCII)).build());
            model.put(str(key(i)), v);
        }
    }

    private static boolean activeMemtableEmpty(LsmEngine e) {
        ReadView view = e.reads().acquire();
        try {
            return view.memtables().get(0).isEmpty();
        } finally {
            view.release();
        }
    }

    /**
     * A lent entry as {@code key=value}, after checking that neither buffer can be written to: a value lies in
     * the memtable's entry, a cached block or a table's mapping, a key in the cursor's buffer, and a sink
     * that wrote to one would change what later readers see (a cached block after its CRC32C was checked, a
     * memtable value before it is flushed under a CRC32C of its own).
     */
    private static String lentEntry(ByteBuffer k, ByteBuffer v) {
        assertThat(v.isReadOnly()).as("lent value of %s is read-only", str(k)).isTrue();
        assertThat(k.isReadOnly()).as("lent key %s is read-only", str(k)).isTrue();
        return str(k) + "=" + str(v);
    }

    /** What the model holds in the cursor's range and order. */
    private static List<String> expected(TreeMap<String, String> model, byte[] lo, byte[] hi, boolean reverse) {
        NavigableMap<String, String> m = model;
        if (lo != null && hi != null) {
            m = model.subMap(str(lo), true, str(hi), false);
        } else if (lo != null) {
            m = model.tailMap(str(lo), true);
        } else if (hi != null) {
            m = model.headMap(str(hi), false);
        }
        if (reverse) {
            m = m.descendingMap();
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> en : m.entrySet()) {
            out.add(en.getKey() + "=" + en.getValue());
        }
        return out;
    }

    /** Every entry by {@code next()}. */
    private static List<String> stepped(EngineReader r, EngineKeyspace s, ScanSpec spec) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = r.cursor(s, spec)) {
            while (c.next()) {
                out.add(str(c.key()) + "=" + str(c.value()));
            }
        }
        return out;
    }

    /**
     * Every entry, lent a random few at a time, with a random few stepped by {@code next()} between the
     * lendings; each lent entry is read during the sink's call, as the contract allows.
     */
    private static List<String> lent(EngineReader r, EngineKeyspace s, ScanSpec spec, Random rnd) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = r.cursor(s, spec)) {
            assertThat(c.lendsEntries()).isTrue();
            while (true) {
                int want = 1 + rnd.nextInt(40);
                int[] taken = {0};
                boolean stopped = c.lend((k, v) -> {
                    assertThat(k.remaining()).isGreaterThan(0);
                    out.add(lentEntry(k, v));
                    return ++taken[0] < want;
                });
                if (!stopped) {
                    break;
                }
                assertThat(taken[0]).isEqualTo(want);
                int steps = rnd.nextInt(3);
                boolean ended = false;
                for (int i = 0; i < steps && !ended; i++) {
                    if (c.next()) {
                        out.add(str(c.key()) + "=" + str(c.value()));
                    } else {
                        ended = true;
                    }
                }
                if (ended) {
                    assertThat(c.lend((k, v) -> true)).as("lend after the end").isFalse();
                    break;
                }
            }
        }
        return out;
    }

    private static void agree(LsmEngine e, EngineReader r, EngineKeyspace s, TreeMap<String, String> model,
                              Random rnd, String where) {
        for (int c = 0; c < 10; c++) {
            byte[] lo = rnd.nextInt(3) == 0 ? null : key(rnd.nextInt(KEYS));
            byte[] hi = rnd.nextInt(3) == 0 ? null : key(rnd.nextInt(KEYS + 1));
            if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
                byte[] t = lo;
                lo = hi;
                hi = t;
            }
            ScanSpec spec = ScanSpec.of(lo, hi).reverse(rnd.nextBoolean());
            String what = where + " cursor " + c + " [" + (lo == null ? "-" : str(lo)) + ", "
                    + (hi == null ? "-" : str(hi)) + ") reverse " + spec.reverse();
            List<String> want = expected(model, lo, hi, spec.reverse());
            assertThat(stepped(r, s, spec)).as(what + " stepped").isEqualTo(want);
            assertThat(lent(r, s, spec, rnd)).as(what + " lent").isEqualTo(want);
        }
    }

    @Test
    void lendingGivesWhatSteppingAndTheModelGiveAcrossMemtableLevelZeroAndTheBottomLevel() {
        for (long seed : seeds(0, 1, 2)) {
            Random rnd = new Random(seed);
            LsmOptions options = OPTIONS.get((int) Math.floorMod(seed, 3L));
            try (LsmEngine e = LsmEngine.open("lsm-lend", new MemVfs(seed), options, true)) {
                EngineKeyspace s = e.keyspace(Store.DEFAULT_KEYSPACE);
                TreeMap<String, String> model = new TreeMap<>();
                fill(e, s, rnd, model);
                ReadView view = e.reads().acquire();
                try {
                    assertThat(view.levels().level(0)).as("seed %d: level-0 tables", seed).hasSizeGreaterThanOrEqualTo(3);
                    assertThat(view.levels().level(CompactionOptions.LEVELS - 1)).as("seed %d: bottom tables", seed)
                            .hasSizeGreaterThan(3);
                    assertThat(view.memtables().get(0).isEmpty()).as("seed %d: memtable empty", seed).isFalse();
                } finally {
                    view.release();
                }
                agree(e, e, s, model, rnd, "seed " + seed + " latest");

                // A snapshot, then more writes over every structure: the snapshot lends what it saw.
                TreeMap<String, String> before = new TreeMap<>(model);
                try (EngineSnapshot snap = e.snapshot()) {
                    round(e, s, rnd, model, 250, "after");
                    e.seal();
                    e.backgroundFlush();
                    round(e, s, rnd, model, 100, "after-mem");
                    agree(e, snap, s, before, rnd, "seed " + seed + " snapshot");
                    agree(e, e, s, model, rnd, "seed " + seed + " after the snapshot");
                }
            }
        }
    }

    @Test
    void aFullCompactionFinishingWhileACursorLendsChangesNothingItLends() {
        for (long seed : seeds(10, 11, 12)) {
            try (LsmEngine e = LsmEngine.open("lsm-lend-compaction", new MemVfs(seed), OPTIONS.get((int) Math.floorMod(seed, 3L)), true)) {
                lendAcrossAFullCompaction(e, seed, seed % 2 == 1);
            }
        }
    }

    /**
     * As {@link #aFullCompactionFinishingWhileACursorLendsChangesNothingItLends}, on files of a real directory
     * with uncompressed tables read in place from their mappings ({@link MemVfs} maps nothing): the values lent
     * after the compaction lie in mappings of tables the compaction retired, which the cursor keeps mapped.
     */
    @Test
    void aFullCompactionFinishingWhileACursorLendsFromRealMappingsChangesNothingItLends(@TempDir Path dir)
            throws IOException {
        for (boolean reverse : new boolean[] {false, true}) {
            long seed = seeds(reverse ? 21 : 20)[0];
            Path d = Files.createDirectories(dir.resolve(reverse ? "reverse" : "forward"));
            try (LsmEngine e = LsmEngine.open("lsm-lend-mapped", NioVfs.at(d), MAPPED, true)) {
                lendAcrossAFullCompaction(e, seed, reverse);
            }
        }
    }

    /**
     * Fills the store, lends half of it, then compacts everything, writes over every structure and compacts
     * again, and lends the rest: all of it is what the model held when the cursor opened.
     */
    private static void lendAcrossAFullCompaction(LsmEngine e, long seed, boolean reverse) {
        Random rnd = new Random(seed);
        EngineKeyspace s = e.keyspace(Store.DEFAULT_KEYSPACE);
        TreeMap<String, String> model = new TreeMap<>();
        fill(e, s, rnd, model);
        List<String> want = expected(model, null, null, reverse);
        List<String> got = new ArrayList<>();
        try (EngineCursor c = e.cursor(s, ScanSpec.all().reverse(reverse))) {
            int[] taken = {0};
            int half = want.size() / 2;
            assertThat(c.lend((k, v) -> {
                got.add(lentEntry(k, v));
                return ++taken[0] < half;
            })).isTrue();
            // Every table the cursor reads is replaced, and newer writes land everywhere.
            long compactions = e.stats().get("lsm.compactions");
            e.compact();
            round(e, s, rnd, model, 300, "later");
            e.seal();
            e.backgroundFlush();
            e.compact();
            assertThat(e.stats().get("lsm.compactions")).as("seed %d: compactions", seed)
                    .isGreaterThan(compactions);
            assertThat(c.lend((k, v) -> {
                got.add(lentEntry(k, v));
                return true;
            })).isFalse();
        }
        assertThat(got).as("seed %d reverse %s", seed, reverse).isEqualTo(want);
        assertThat(e.verify()).as("seed %d: verify", seed).isEmpty();
    }

    /**
     * A sink that throws half way through a lending: the entry it threw on counts as lent, so {@code next()}
     * lands on the one after it, and a lending or a {@code seek} after that goes on as on any cursor. On a
     * real directory with tables read in place from their mappings, in both directions.
     */
    @Test
    void aSinkThatThrowsLeavesTheCursorAfterTheEntryItThrewOn(@TempDir Path dir) {
        long seed = seeds(30)[0];
        Random rnd = new Random(seed);
        try (LsmEngine e = LsmEngine.open("lsm-lend-throw", NioVfs.at(dir), MAPPED, true)) {
            EngineKeyspace s = e.keyspace(Store.DEFAULT_KEYSPACE);
            TreeMap<String, String> model = new TreeMap<>();
            fill(e, s, rnd, model);
            for (boolean reverse : new boolean[] {false, true}) {
                String what = "seed " + seed + " reverse " + reverse;
                List<String> want = expected(model, null, null, reverse);
                try (EngineCursor c = e.cursor(s, ScanSpec.all().reverse(reverse))) {
                    int[] taken = {0};
                    assertThatThrownBy(() -> c.lend((k, v) -> {
                        if (++taken[0] == 50) {
                            throw new IllegalStateException("the sink failed on " + str(k));
                        }
                        return true;
                    })).as(what).hasMessage("the sink failed on " + want.get(49).substring(0, 7));
                    assertThat(c.next()).as(what).isTrue();
                    assertThat(str(c.key()) + "=" + str(c.value())).as(what + " after the throw").isEqualTo(want.get(50));
                    List<String> more = new ArrayList<>();
                    assertThat(c.lend((k, v) -> {
                        more.add(str(k) + "=" + str(v));
                        return more.size() < 5;
                    })).isTrue();
                    assertThat(more).as(what + " lent after the throw").isEqualTo(want.subList(51, 56));

                    // A throw, then a seek: the cursor lends from the key sought.
                    assertThatThrownBy(() -> c.lend((k, v) -> {
                        throw new IllegalStateException("the sink failed again");
                    })).hasMessage("the sink failed again");
                    int mid = want.size() / 2;
                    assertThat(mid).as(what + ": entries").isGreaterThan(100);
                    String target = want.get(mid).substring(0, 7);
                    c.seek(target.getBytes(StandardCharsets.US_ASCII));
                    List<String> sought = new ArrayList<>();
                    assertThat(c.lend((k, v) -> {
                        sought.add(str(k) + "=" + str(v));
                        return sought.size() < 5;
                    })).isTrue();
                    assertThat(sought).as(what + " lent after a throw and a seek").isEqualTo(want.subList(mid, mid + 5));
                    c.seek(target.getBytes(StandardCharsets.US_ASCII));
                    assertThat(c.next()).isTrue();
                    assertThat(str(c.key()) + "=" + str(c.value())).as(what + " stepped after a seek")
                            .isEqualTo(want.get(mid));
                }
            }
        }
    }
}
