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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seek re-positions the walk a cursor has open ({@link LsmCursor#seek}) instead of opening a new one: many
 * random seeks on one cursor (forward and backward, both directions, with and without bounds, after
 * exhaustion, within one data block and across tables) each give exactly what a fresh cursor sought to the
 * same key gives, over a store with a memtable, several overlapping tables, a run of tables written in key
 * order, deletes, range deletes in tables and in the memtable, and entries with a TTL. Seeded; a failure
 * names its seed.
 */
class LsmCursorSeekTest {
    /** Tiny memtables; level 0 compacted only past 100 tables, so that the tables flushed stay as they are. */
    private static final LsmOptions SMALL = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE,
            LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, true, new CompactionOptions(100, 100, 100, 1 << 20, 10, 1 << 20, 1L << 30));
    private static final int KEYS = 1500;

    private static byte[] key(int i) {
        return String.format("k%06d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.US_ASCII);
    }

    /** A key at, between or outside the written ones. */
    private static byte[] target(Random rnd) {
        switch (rnd.nextInt(8)) {
            case 0:
                return new byte[0];
            case 1:
                return "z".getBytes(StandardCharsets.US_ASCII);
            case 2:
                return (str(key(rnd.nextInt(KEYS + 100))) + "!").getBytes(StandardCharsets.US_ASCII);
            default:
                return key(rnd.nextInt(KEYS + 100));
        }
    }

    private static void apply(LsmEngine e, EngineBatch.Builder b) {
        e.apply(b.build());
    }

    @Test
    void manySeeksOnOneCursorAgreeWithAFreshCursorPerSeek() {
        for (long seed = 0; seed < 4; seed++) {
            Random rnd = new Random(seed);
            try (LsmEngine e = LsmEngine.open("lsm-seek", new MemVfs(seed), SMALL, true)) {
                EngineKeyspace a = e.keyspace(Store.DEFAULT_KEYSPACE);
                EngineKeyspace b = e.createKeyspace("b");
                List<EngineKeyspace> spaces = List.of(a, b);
                // Keys in order, one keyspace after the other: a run of tables.
                for (int ks = 0; ks < 2; ks++) {
                    for (int i = 0; i < KEYS; i += ks + 1) {
                        String v = "v" + seed + "-" + i + "-" + "x".repeat(rnd.nextInt(40));
                        apply(e, EngineBatch.builder(Durability.NONE).put(spaces.get(ks), key(i),
                                v.getBytes(StandardCharsets.US_ASCII)));
                    }
                }
                e.seal();
                e.backgroundFlush();
                // Then rounds of random writes, each flushed to a table of its own, the last left in the memtable.
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < 250; i++) {
                        EngineKeyspace s = spaces.get(rnd.nextInt(2));
                        byte[] k = key(rnd.nextInt(KEYS + 50));
                        int op = rnd.nextInt(12);
                        EngineBatch.Builder bb = EngineBatch.builder(Durability.NONE);
                        if (op < 2) {
                            bb.delete(s, k);
                        } else if (op == 2) {
                            int lo = rnd.nextInt(KEYS);
                            bb.deleteRange(s, key(lo), key(lo + 1 + rnd.nextInt(40)));
                        } else if (op == 3) {
                            long at = rnd.nextBoolean() ? 1L : Long.MAX_VALUE / 2; // long expired, or far ahead
                            bb.put(s, k, ("t" + round + "-" + i).getBytes(StandardCharsets.US_ASCII), at);
                        } else {
                            bb.put(s, k, ("w" + round + "-" + i).getBytes(StandardCharsets.US_ASCII));
                        }
                        apply(e, bb);
                    }
                    if (round < 3) {
                        e.seal();
                        e.backgroundFlush();
                    }
                }
                // The last round's last write may have filled a memtable (sealed, flushed): one more write, far
                // below memtableSize, leaves the memtable non-empty whatever an entry counts.
                apply(e, EngineBatch.builder(Durability.NONE).put(a, key(KEYS + 60),
                        "last".getBytes(StandardCharsets.US_ASCII)));
                ReadView view = e.reads().acquire();
                try {
                    int tables = view.tables().size();
                    assertThat(tables).as("seed %d: tables", seed).isGreaterThan(6);
                    assertThat(TableRuns.of(view.tables()).size()).as("seed %d: runs of %d tables", seed, tables)
                            .isLessThan(tables - 2);
                    assertThat(view.memtables().get(0).isEmpty()).as("seed %d: memtable empty", seed).isFalse();
                } finally {
                    view.release();
                }
                for (int c = 0; c < 12; c++) {
                    EngineKeyspace s = spaces.get(rnd.nextInt(2));
                    byte[] lo = rnd.nextInt(3) == 0 ? null : key(rnd.nextInt(KEYS));
                    byte[] hi = rnd.nextInt(3) == 0 ? null : key(rnd.nextInt(KEYS));
                    if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
                        byte[] t = lo;
                        lo = hi;
                        hi = t;
                    }
                    ScanSpec spec = ScanSpec.of(lo, hi).reverse(rnd.nextBoolean());
                    String where = "seed " + seed + " cursor " + c + " [" + str(lo) + ", " + str(hi) + ") reverse "
                            + spec.reverse();
                    try (EngineCursor one = e.cursor(s, spec)) {
                        // Some entries before the first seek, as a join reads before it re-seeks.
                        int first = rnd.nextInt(5);
                        assertThat(read(one, first)).as(where + " before seeking")
                                .isEqualTo(read(e, s, spec, null, first));
                        byte[] prev = null;
                        for (int q = 0; q < 150; q++) {
                            byte[] t;
                            int how = rnd.nextInt(6);
                            if (how == 0 && prev != null) {
                                t = prev; // the same key again
                            } else if (how == 1 && prev != null) {
                                // a nearby key: usually in the same data block
                                String p = str(prev);
                                int n = p.startsWith("k") && p.length() == 7 ? Integer.parseInt(p.substring(1)) : 0;
                                t = key(Math.max(0, n + rnd.nextInt(7) - 3));
                            } else {
                                t = target(rnd);
                            }
                            prev = t;
                            // 0 entries, a few, or to exhaustion (the next seek then starts from an exhausted walk).
                            int n = rnd.nextInt(4) == 0 ? Integer.MAX_VALUE : rnd.nextInt(12);
                            one.seek(t);
                            assertThat(read(one, n)).as(where + " seek " + q + " to " + str(t))
                                    .isEqualTo(read(e, s, spec, t, n));
                        }
                    }
                }
            }
        }
    }

    /** Up to {@code n} entries from where the cursor is. */
    private static List<String> read(EngineCursor c, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n && c.next(); i++) {
            out.add(str(c.key()) + "=" + str(c.value()));
        }
        return out;
    }

    /** What a fresh cursor gives: opened, sought to {@code t} unless it is {@code null}, up to {@code n} entries. */
    private static List<String> read(LsmEngine e, EngineKeyspace s, ScanSpec spec, byte[] t, int n) {
        try (EngineCursor fresh = e.cursor(s, spec)) {
            if (t != null) {
                fresh.seek(t);
            }
            return read(fresh, n);
        }
    }
}
