package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import dev.plinth.testkit.io.MemVfs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A seeded model run of leveled compaction with tiny memtables, tables and levels, so that flushes and
 * compactions (moves, merges into every level, full compactions, reopens) run all the time in the background:
 * after every few steps the levels keep their rules (no overlap in level 1 and below, every table in exactly
 * one level, the manifest naming exactly the files present: {@code verify()}), and the store, the snapshots
 * and the cursors held across compactions all agree with a sorted map. Runs {@code -Dplinth.lsmLevelSeeds}
 * seeds from {@code -Dplinth.seed} (by default a fiftieth of {@code -Dplinth.modelSeeds}, at least 4: 4 in the
 * default run, 100 under {@code -Psoak}); a failure names its seed and step.
 */
class LsmLeveledCompactionTest {
    /** Level 0 compacted at 2 tables; levels of 8 KiB, 24 KiB, 72 KiB...; output tables of 2 KiB. */
    static final CompactionOptions TINY = new CompactionOptions(2, 4, 8, 8 * 1024, 3, 2 * 1024, 1L << 30);
    /** Uncompressed, so that the tables' sizes follow what was written. */
    static final LsmOptions OPTIONS = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, 1 << 20, false, TINY);
    private static final int STEPS = 1500;
    private static final int KEYS = 300;
    private static final List<String> SPACES = List.of(Store.DEFAULT_KEYSPACE, "b");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A snapshot held across compactions, with the model at the moment it was taken. */
    private record HeldSnapshot(EngineSnapshot snapshot, Map<String, TreeMap<String, String>> model) {
    }

    /** A cursor held across compactions, with what it has still to return. */
    private record HeldCursor(EngineCursor cursor, Iterator<Map.Entry<String, String>> expected, String what) {
    }

    @Test
    void aSeededModelRunKeepsTheLevelsRulesAndAgreesWithAMapAcrossCompactions() {
        long base = Long.getLong("plinth.seed", 0);
        int seeds = Integer.getInteger("plinth.lsmLevelSeeds", Math.max(4, Integer.getInteger("plinth.modelSeeds", 200) / 50));
        long compactions = 0;
        int deepest = 0;
        for (long seed = base; seed < base + seeds; seed++) {
            long[] counts = run(seed);
            compactions += counts[0];
            deepest = Math.max(deepest, (int) counts[1]);
        }
        System.out.println("lsm leveled compaction model: " + seeds + " seeds of " + STEPS + " steps, " + compactions
                + " merging compactions, background compactions down to level " + deepest);
        assertThat(compactions).as("merging compactions").isGreaterThan(10);
        assertThat(deepest).as("the deepest level above the last that held tables").isGreaterThanOrEqualTo(2);
    }

    /** One seed; returns the merging compactions and the deepest level seen holding tables. */
    private static long[] run(long seed) {
        Random rnd = new Random(seed);
        MemVfs vfs = new MemVfs(seed);
        Map<String, TreeMap<String, String>> model = new TreeMap<>();
        for (String s : SPACES) {
            model.put(s, new TreeMap<>());
        }
        List<HeldSnapshot> snapshots = new ArrayList<>();
        List<HeldCursor> cursors = new ArrayList<>();
        long compactions = 0;
        int deepest = 0;
        LsmEngine e = LsmEngine.open("lsm-levels", vfs, OPTIONS, true);
        try {
            e.createKeyspace("b");
            for (int step = 1; step <= STEPS; step++) {
                String where = "seed " + seed + " step " + step;
                int r = rnd.nextInt(1000);
                if (r < 5) {
                    release(snapshots, cursors);
                    compactions += e.compactor().compactions();
                    e.close();
                    e = LsmEngine.open("lsm-levels", vfs, OPTIONS, false);
                } else if (r < 8) {
                    e.compact();
                    assertThat(e.levels().level(0)).as(where).isEmpty();
                } else if (r < 45) {
                    if (snapshots.size() < 3) {
                        snapshots.add(new HeldSnapshot(e.snapshot(), Workload.copy(model)));
                    } else {
                        snapshots.remove(rnd.nextInt(snapshots.size())).snapshot().close();
                    }
                } else if (r < 70) {
                    if (cursors.size() < 3) {
                        String ks = SPACES.get(rnd.nextInt(SPACES.size()));
                        boolean reverse = rnd.nextBoolean();
                        TreeMap<String, String> m = model.get(ks);
                        List<Map.Entry<String, String>> copy = new ArrayList<>();
                        for (Map.Entry<String, String> en : (reverse ? m.descendingMap() : m).entrySet()) {
                            copy.add(Map.entry(en.getKey(), en.getValue())); // the map's own entries change
                        }
                        Iterator<Map.Entry<String, String>> expected = copy.iterator();
                        cursors.add(new HeldCursor(e.cursor(e.keyspace(ks), ScanSpec.all().reverse(reverse)), expected,
                                where + " cursor over " + ks + (reverse ? " reverse" : "")));
                    } else {
                        cursors.remove(rnd.nextInt(cursors.size())).cursor().close();
                    }
                } else {
                    EngineBatch.Builder batch = EngineBatch.builder(Durability.NONE);
                    int ops = 1 + rnd.nextInt(3);
                    for (int j = 0; j < ops; j++) {
                        String ks = SPACES.get(rnd.nextInt(SPACES.size()));
                        TreeMap<String, String> m = model.get(ks);
                        String key = String.format("k%03d", rnd.nextInt(KEYS));
                        int kind = rnd.nextInt(100);
                        if (kind < 3) {
                            String end = String.format("k%03d", rnd.nextInt(KEYS));
                            if (end.compareTo(key) < 0) {
                                String t = end;
                                end = key;
                                key = t;
                            }
                            batch.deleteRange(e.keyspace(ks), b(key), b(end));
                            m.subMap(key, end).clear();
                        } else if (kind < 18) {
                            batch.delete(e.keyspace(ks), b(key));
                            m.remove(key);
                        } else {
                            String value = "v" + step + "-" + j + "-" + "x".repeat(rnd.nextInt(120));
                            batch.put(e.keyspace(ks), b(key), b(value));
                            m.put(key, value);
                        }
                    }
                    e.apply(batch.build());
                }
                if (step % 25 == 0 || step == STEPS) {
                    deepest = Math.max(deepest, check(e, model, snapshots, cursors, rnd, where));
                }
            }
            release(snapshots, cursors);
            compactions += e.compactor().compactions();
        } finally {
            release(snapshots, cursors);
            e.close();
        }
        return new long[] {compactions, deepest};
    }

    private static void release(List<HeldSnapshot> snapshots, List<HeldCursor> cursors) {
        snapshots.forEach(s -> s.snapshot().close());
        snapshots.clear();
        cursors.forEach(c -> c.cursor().close());
        cursors.clear();
    }

    /** Checks the levels' rules and every read against the model; returns the deepest level holding tables. */
    private static int check(LsmEngine e, Map<String, TreeMap<String, String>> model, List<HeldSnapshot> snapshots,
                             List<HeldCursor> cursors, Random rnd, String where) {
        LevelSet levels = e.levels();
        assertThat(levels.problems()).as("%s: %s", where, levels).isEmpty();
        assertThat(e.verify()).as("%s: %s", where, levels).isEmpty();
        int deepest = 0;
        for (int i = 0; i < CompactionOptions.LEVELS - 1; i++) { // the last level is where compact() writes
            if (!levels.level(i).isEmpty()) {
                deepest = i;
            }
        }
        assertThat(contents(e, e)).as("%s: the store", where).isEqualTo(model);
        for (String ks : SPACES) {
            for (int q = 0; q < 20; q++) {
                String key = String.format("k%03d", rnd.nextInt(KEYS));
                byte[] got = e.get(e.keyspace(ks), b(key));
                assertThat(got == null ? null : str(got)).as("%s: get %s/%s", where, ks, key)
                        .isEqualTo(model.get(ks).get(key));
            }
        }
        for (HeldSnapshot s : snapshots) {
            assertThat(contents(e, s.snapshot())).as("%s: a snapshot held across compactions", where)
                    .isEqualTo(s.model());
        }
        for (HeldCursor c : cursors) {
            for (int n = 0; n < 15; n++) {
                boolean more = c.expected().hasNext();
                assertThat(c.cursor().next()).as("%s (checked at %s): has a next entry", c.what(), where).isEqualTo(more);
                if (!more) {
                    break;
                }
                Map.Entry<String, String> want = c.expected().next();
                assertThat(str(c.cursor().key()) + "=" + str(c.cursor().value())).as("%s (checked at %s)", c.what(), where)
                        .isEqualTo(want.getKey() + "=" + want.getValue());
            }
        }
        return deepest;
    }

    private static Map<String, TreeMap<String, String>> contents(LsmEngine e, EngineReader reader) {
        Map<String, TreeMap<String, String>> out = new TreeMap<>();
        for (String name : SPACES) {
            EngineKeyspace ks = e.keyspace(name);
            if (ks == null) {
                continue;
            }
            TreeMap<String, String> m = new TreeMap<>();
            try (EngineCursor c = reader.cursor(ks, ScanSpec.all())) {
                while (c.next()) {
                    m.put(str(c.key()), str(c.value()));
                }
            }
            out.put(name, m);
        }
        return out;
    }

    /** Compaction only past 100 level-0 tables: what is opened stays where the manifest put it. */
    private static final LsmOptions NO_COMPACTION = OPTIONS.withCompaction(
            new CompactionOptions(100, 100, 100, 8 * 1024, 3, 2 * 1024, 1L << 30));

    @Test
    void aStoreWhoseManifestHasNoLevelsOpensWithEveryTableInLevelZeroAndCompactsFromThere() {
        MemVfs vfs = new MemVfs(7);
        Random rnd = new Random(7);
        TreeMap<String, String> model = new TreeMap<>();
        try (LsmEngine e = LsmEngine.open("lsm-legacy", vfs, NO_COMPACTION, true)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 400; i++) {
                    String key = String.format("k%03d", rnd.nextInt(KEYS));
                    String value = "r" + round + "-" + i + "x".repeat(rnd.nextInt(60));
                    e.apply(EngineBatch.builder(Durability.NONE).put(ks, b(key), b(value)).build());
                    model.put(key, value);
                }
                if (round == 0) {
                    e.compact(); // one table under everything, as the old full compaction left it
                }
            }
            e.seal();
            e.backgroundFlush();
        }
        dev.plinth.lsm.internal.manifest.LegacyManifest.rewrite(vfs, "lsm-legacy");
        int tables;
        try (LsmEngine e = LsmEngine.open("lsm-legacy", vfs, NO_COMPACTION, false)) {
            LevelSet levels = e.levels();
            tables = levels.tables().size();
            assertThat(tables).isGreaterThan(3);
            assertThat(levels.level(0)).as("every table of a manifest without levels is in level 0").hasSize(tables);
            assertThat(contents(e, e).get(Store.DEFAULT_KEYSPACE)).isEqualTo(model);
            assertThat(e.verify()).isEmpty();
        }
        try (LsmEngine e = LsmEngine.open("lsm-legacy", vfs, OPTIONS, false)) {
            e.compact();
            assertThat(e.levels().level(0)).isEmpty();
            assertThat(contents(e, e).get(Store.DEFAULT_KEYSPACE)).isEqualTo(model);
        }
        dev.plinth.lsm.internal.manifest.VersionState state =
                dev.plinth.lsm.internal.manifest.Manifest.read(vfs, "lsm-legacy");
        assertThat(state.levels()).as("the manifest now records levels").isNotEmpty()
                .allSatisfy(l -> assertThat(l).isEqualTo(CompactionOptions.LEVELS - 1));
        try (LsmEngine e = LsmEngine.open("lsm-legacy", vfs, OPTIONS, false)) {
            assertThat(e.levels().level(CompactionOptions.LEVELS - 1)).hasSize(state.tables().size());
            assertThat(contents(e, e).get(Store.DEFAULT_KEYSPACE)).isEqualTo(model);
            assertThat(e.verify()).isEmpty();
        }
    }
}
