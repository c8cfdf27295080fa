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
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Leveled compaction with no reader holding anything back: no snapshot, cursor or {@code compact()}, so every
 * background compaction's horizon is the latest sequence number and deletes, range deletes and the versions they
 * hide are really dropped wherever a compaction is the bottom for its range. After every 20 steps the level
 * rules hold and a full scan and a get of every key agree with a map (a dropped delete that let an older value
 * come back would show here).
 */
class LsmCompactionWithoutReadersTest {
    static final CompactionOptions TINY = new CompactionOptions(2, 6, 12, 4 * 1024, 2, 1024, 1L << 30);
    static final LsmOptions OPTIONS = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, 1 << 20, false, TINY);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void deletesDroppedByBackgroundCompactionsNeverBringOldValuesBack() throws Exception {
        long base = Long.getLong("plinth.seed", 0);
        for (long seed = base; seed < base + 4; seed++) {
            run(seed);
        }
    }

    private static void run(long seed) throws Exception {
        Random rnd = new Random(seed);
        MemVfs vfs = new MemVfs(seed);
        TreeMap<String, String> model = new TreeMap<>();
        LsmEngine e = LsmEngine.open("lsm-no-readers", vfs, OPTIONS, true);
        long merges = 0;
        try {
            for (int step = 1; step <= 3000; step++) {
                String where = "seed " + seed + " step " + step + " " + e.levels();
                int r = rnd.nextInt(1000);
                if (r < 3) {
                    merges += e.compactor().backgroundMerges();
                    e.close();
                    e = LsmEngine.open("lsm-no-readers", vfs, OPTIONS, false);
                } else {
                    EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
                    EngineBatch.Builder batch = EngineBatch.builder(Durability.NONE);
                    int ops = 1 + rnd.nextInt(3);
                    for (int j = 0; j < ops; j++) {
                        String key = String.format("k%03d", rnd.nextInt(200));
                        int kind = rnd.nextInt(100);
                        if (kind < 4) {
                            String end = String.format("k%03d", rnd.nextInt(200));
                            if (end.compareTo(key) < 0) {
                                String t = end;
                                end = key;
                                key = t;
                            }
                            batch.deleteRange(ks, b(key), b(end));
                            model.subMap(key, end).clear();
                        } else if (kind < 30) {
                            batch.delete(ks, b(key));
                            model.remove(key);
                        } else {
                            String value = "v" + step + "-" + j + "x".repeat(rnd.nextInt(80));
                            batch.put(ks, b(key), b(value));
                            model.put(key, value);
                        }
                    }
                    e.apply(batch.build());
                }
                if (step % 20 == 0) {
                    if (rnd.nextInt(4) == 0) {
                        Thread.sleep(2); // let the background compaction catch up now and then
                    }
                    assertThat(e.levels().problems()).as(where).isEmpty();
                    EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
                    TreeMap<String, String> got = new TreeMap<>();
                    try (EngineCursor c = e.cursor(ks, ScanSpec.all())) {
                        while (c.next()) {
                            got.put(str(c.key()), str(c.value()));
                        }
                    }
                    assertThat(got).as(where).isEqualTo(model);
                    for (int q = 0; q < 200; q++) {
                        String key = String.format("k%03d", q);
                        assertThat(str(e.get(ks, b(key)))).as("%s get %s", where, key).isEqualTo(model.get(key));
                    }
                }
            }
            merges += e.compactor().backgroundMerges();
            System.out.println("lsm compaction without readers, seed " + seed + ": " + merges + " background merges, " + e.levels());
            assertThat(merges).as("background merges in seed %d", seed).isPositive();
        } finally {
            e.close();
        }
    }
}
