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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Tables written from keys in ascending order (one keyspace after the other) form runs that a cursor walks one table after the other
 * ({@link TableRuns}); tables written from random keys overlap and stay apart. Either way every cursor
 * (forward and reverse, any bounds, two keyspaces side by side, overwrites and deletes in later tables)
 * returns exactly what a sorted map holds. Seeded; a failure names its seed.
 */
class LsmTableRunsTest {
    /** Tiny memtables; level 0 compacted only past 100 tables, so that the tables flushed stay as they are. */
    private static final LsmOptions SMALL = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE,
            LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, true, new CompactionOptions(100, 100, 100, 1 << 20, 10, 1 << 20, 1L << 30));

    private static byte[] key(int i) {
        return String.format("k%06d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void cursorsOverRunsOfTablesAgreeWithASortedMap() {
        for (long seed = 0; seed < 6; seed++) {
            Random rnd = new Random(seed);
            try (LsmEngine e = LsmEngine.open("lsm-runs", new MemVfs(seed), SMALL, true)) {
                EngineKeyspace a = e.keyspace(Store.DEFAULT_KEYSPACE);
                EngineKeyspace b = e.createKeyspace("b");
                List<NavigableMap<String, String>> model = List.of(new TreeMap<>(), new TreeMap<>());
                List<EngineKeyspace> spaces = List.of(a, b);
                // Ascending keys, one keyspace after the other: tables that follow one another.
                for (int i = 0; i < 1200; i++) {
                    int s = i < 600 ? 0 : 1;
                    String v = "v" + seed + "-" + i + "-" + "x".repeat(rnd.nextInt(40));
                    e.apply(EngineBatch.builder(Durability.NONE).put(spaces.get(s), key(i), v.getBytes(StandardCharsets.US_ASCII)).build());
                    model.get(s).put(str(key(i)), v);
                }
                // Then random overwrites and deletes (overlapping tables), in odd seeds only.
                for (int i = 0; i < (seed % 2 == 0 ? 0 : 300); i++) {
                    int s = rnd.nextInt(2);
                    int k = rnd.nextInt(1300);
                    if (rnd.nextInt(4) == 0) {
                        e.apply(EngineBatch.builder(Durability.NONE).delete(spaces.get(s), key(k)).build());
                        model.get(s).remove(str(key(k)));
                    } else {
                        String v = "w" + i;
                        e.apply(EngineBatch.builder(Durability.NONE).put(spaces.get(s), key(k), v.getBytes(StandardCharsets.US_ASCII)).build());
                        model.get(s).put(str(key(k)), v);
                    }
                }
                e.seal();
                e.backgroundFlush();
                ReadView view = e.reads().acquire();
                try {
                    int tables = view.tables().size();
                    assertThat(tables).as("seed %d: tables", seed).isGreaterThan(4);
                    if (seed % 2 == 0) {
                        assertThat(TableRuns.of(view.tables()).size()).as("seed %d: runs of %d tables", seed, tables)
                                .isLessThan(tables / 2);
                    }
                } finally {
                    view.release();
                }
                for (int q = 0; q < 200; q++) {
                    int s = rnd.nextInt(2);
                    byte[] lo = rnd.nextInt(5) == 0 ? null : key(rnd.nextInt(1400));
                    byte[] hi = rnd.nextInt(5) == 0 ? null : key(rnd.nextInt(1400));
                    if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
                        byte[] t = lo;
                        lo = hi;
                        hi = t;
                    }
                    boolean reverse = rnd.nextBoolean();
                    NavigableMap<String, String> m = model.get(s);
                    NavigableMap<String, String> part = lo == null && hi == null ? m
                            : lo == null ? m.headMap(str(hi), false)
                            : hi == null ? m.tailMap(str(lo), true) : m.subMap(str(lo), true, str(hi), false);
                    List<String> want = new ArrayList<>();
                    for (Map.Entry<String, String> en : (reverse ? part.descendingMap() : part).entrySet()) {
                        want.add(en.getKey() + "=" + en.getValue());
                    }
                    List<String> got = new ArrayList<>();
                    try (EngineCursor c = e.cursor(spaces.get(s), ScanSpec.of(lo, hi).reverse(reverse))) {
                        while (c.next()) {
                            got.add(str(c.key()) + "=" + str(c.value()));
                        }
                    }
                    assertThat(got).as("seed %d query %d: keyspace %d [%s, %s) reverse %s", seed, q, s,
                            lo == null ? null : str(lo), hi == null ? null : str(hi), reverse).isEqualTo(want);
                }
            }
        }
    }
}
