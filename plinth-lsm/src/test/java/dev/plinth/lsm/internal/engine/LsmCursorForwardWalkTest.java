package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import dev.plinth.testkit.io.MemVfs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forward lsm cursor compares each key the merged walk passes with the key it is on once, and from where
 * they differ tells another version of that key, and often that the key is still before the end bound,
 * without comparing it with the bound ({@code LsmCursor.advanceForward}). Over keys built to make that hard
 * (two long shared prefixes, then up to four bytes of 0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, so that keys and bounds
 * are often prefixes of one another and differ in their last bytes), with versions in the bottom level, in
 * level-0 tables and in the memtable (overwrites, deletes, range deletes), at the latest state and at a
 * snapshot taken before newer versions everywhere: every cursor over random bounds gives what a sorted map
 * of the writes holds, stepped and lent, forward and reverse, and after a seek inside its range; also with
 * keys that change source at every entry. On {@link MemVfs} (blocks through the cache) and on a directory
 * (blocks read in place from the mapping). Seeded; a failure names its seed, and {@code -Dplinth.seed=N} replays it
 * through the cache.
 */
class LsmCursorForwardWalkTest {
    /** Tiny memtables; level 0 compacted only past 100 tables; output tables of 4 KiB (a run of several). */
    private static final CompactionOptions KEEP_LEVEL_0 = new CompactionOptions(100, 100, 100, 1 << 20, 10, 4 * 1024, 1L << 30);
    /** Uncompressed tables: read in place from their mappings on a directory, through the cache on {@link MemVfs}. */
    private static final LsmOptions UNCOMPRESSED = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE,
            LsmOptions.DEFAULT_BLOCK_CACHE_SIZE, false, true, KEEP_LEVEL_0);
    private static final byte[] ALPHABET = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};
    /**
     * Two short prefixes, and two longer than a cursor's first key buffer (64 bytes) that share their first 50 bytes
     * with each other: a cursor's buffer grows while the key it holds shares a prefix with the next.
     */
    private static final byte[][] PREFIXES = {"group-00000001/".getBytes(), "group-00000002/".getBytes(),
        longPrefix(100, 'a'), longPrefix(200, 'b')};

    private static byte[] longPrefix(int length, char tail) {
        byte[] p = new byte[length];
        Arrays.fill(p, 0, 50, (byte) 'L');
        Arrays.fill(p, 50, length, (byte) tail);
        return p;
    }

    private static TreeMap<byte[], byte[]> newModel() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /** A key: one of two long prefixes (or a part of one), then up to four bytes of {@link #ALPHABET}. */
    private static byte[] key(Random rnd) {
        byte[] prefix = PREFIXES[rnd.nextInt(PREFIXES.length)];
        int cut = rnd.nextInt(8) == 0 ? rnd.nextInt(prefix.length) : prefix.length;
        int tail = rnd.nextInt(5);
        byte[] k = Arrays.copyOf(prefix, cut + tail);
        for (int i = 0; i < tail; i++) {
            k[cut + i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return k.length == 0 ? new byte[] {0x00} : k;
    }

    private static String hex(byte[] b) {
        return b == null ? "-" : HexFormat.of().formatHex(b);
    }

    private static String entry(byte[] k, byte[] v) {
        return hex(k) + "=" + hex(v);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(b.position(), a);
        return a;
    }

    /** A round of random puts (most over keys written before), deletes and range deletes, each in the model too. */
    private static void round(LsmEngine e, EngineKeyspace s, Random rnd, TreeMap<byte[], byte[]> model, int ops, String tag) {
        for (int i = 0; i < ops; i++) {
            byte[] k = key(rnd);
            int op = rnd.nextInt(10);
            EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
            if (op < 2) {
                b.delete(s, k);
                model.remove(k);
            } else if (op == 2) {
                byte[] hi = key(rnd);
                if (Arrays.compareUnsigned(k, hi) > 0) {
                    byte[] t = k;
                    k = hi;
                    hi = t;
                }
                if (Arrays.equals(k, hi)) {
                    continue;
                }
                b.deleteRange(s, k, hi);
                model.subMap(k, true, hi, false).clear();
            } else {
                byte[] v = (tag + "-" + i + "-" + "v".repeat(rnd.nextInt(rnd.nextInt(6) == 0 ? 300 : 30))).getBytes();
                b.put(s, k, v);
                model.put(k, v);
            }
            e.apply(b.build());
        }
    }

    /** Versions in the bottom level (a run of tables), in level-0 tables and in the memtable. */
    private static void fill(LsmEngine e, EngineKeyspace s, Random rnd, TreeMap<byte[], byte[]> model) {
        round(e, s, rnd, model, 900, "bottom");
        e.compact();
        for (int r = 0; r < 3; r++) {
            round(e, s, rnd, model, 200, "l0r" + r);
            e.seal();
            e.backgroundFlush();
        }
        round(e, s, rnd, model, 150, "mem");
    }

    /**
     * What the model holds in {@code [lo, hi)} in the cursor's order; after a seek to {@code target} (else
     * {@code null}) only from there: forward the keys at or after it, reverse those at or before it.
     */
    private static List<String> expected(NavigableMap<byte[], byte[]> model, byte[] lo, byte[] hi, boolean reverse,
                                         byte[] target) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> en : (reverse ? model.descendingMap() : model).entrySet()) {
            byte[] k = en.getKey();
            boolean in = (lo == null || Arrays.compareUnsigned(k, lo) >= 0) && (hi == null || Arrays.compareUnsigned(k, hi) < 0)
                    && (target == null || (reverse ? Arrays.compareUnsigned(k, target) <= 0 : Arrays.compareUnsigned(k, target) >= 0));
            if (in) {
                out.add(entry(k, en.getValue()));
            }
        }
        return out;
    }

    private static List<String> stepped(EngineCursor c) {
        List<String> out = new ArrayList<>();
        while (c.next()) {
            out.add(entry(c.key(), c.value()));
        }
        return out;
    }

    private static List<String> lent(EngineCursor c, Random rnd) {
        List<String> out = new ArrayList<>();
        while (true) {
            int want = 1 + rnd.nextInt(20);
            int[] taken = {0};
            if (!c.lend((k, v) -> {
                out.add(entry(bytes(k), bytes(v)));
                return ++taken[0] < want;
            })) {
                return out;
            }
        }
    }

    /** Cursors over random bounds, stepped and lent, and each sought once inside its range, agree with the model. */
    private static void agree(EngineReader r, EngineKeyspace s, TreeMap<byte[], byte[]> model, Random rnd, String where) {
        for (int c = 0; c < 40; c++) {
            byte[] lo = rnd.nextInt(4) == 0 ? null : key(rnd);
            byte[] hi = rnd.nextInt(4) == 0 ? null : key(rnd);
            if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
                byte[] t = lo;
                lo = hi;
                hi = t;
            }
            boolean reverse = rnd.nextInt(4) == 0;
            ScanSpec spec = ScanSpec.of(lo, hi).reverse(reverse);
            String what = where + " cursor " + c + " [" + hex(lo) + ", " + hex(hi) + ") reverse " + reverse;
            List<String> want = expected(model, lo, hi, reverse, null);
            try (EngineCursor cur = r.cursor(s, spec)) {
                assertThat(stepped(cur)).as(what + " stepped").isEqualTo(want);
            }
            try (EngineCursor cur = r.cursor(s, spec)) {
                assertThat(lent(cur, rnd)).as(what + " lent").isEqualTo(want);
            }
            // A few entries, then a seek to a random key: the rest is the model from there.
            try (EngineCursor cur = r.cursor(s, spec)) {
                for (int i = rnd.nextInt(5); i > 0 && cur.next(); i--) {
                    // stepping on before the seek
                }
                byte[] target = key(rnd);
                cur.seek(target);
                List<String> after = expected(model, lo, hi, reverse, target);
                assertThat(rnd.nextBoolean() ? stepped(cur) : lent(cur, rnd)).as(what + " after a seek to " + hex(target))
                        .isEqualTo(after);
            }
        }
    }

    private static void run(Vfs vfs, LsmOptions options, long seed) {
        Random rnd = new Random(seed);
        try (LsmEngine e = LsmEngine.open("lsm-forward", vfs, options, true)) {
            EngineKeyspace s = e.keyspace(Store.DEFAULT_KEYSPACE);
            TreeMap<byte[], byte[]> model = newModel();
            fill(e, s, rnd, model);
            agree(e, s, model, rnd, "seed " + seed + " latest");
            TreeMap<byte[], byte[]> before = newModel();
            before.putAll(model);
            try (EngineSnapshot snap = e.snapshot()) {
                // Newer versions over every structure: the snapshot must pass over them.
                round(e, s, rnd, model, 200, "after");
                e.seal();
                e.backgroundFlush();
                round(e, s, rnd, model, 100, "after-mem");
                agree(snap, s, before, rnd, "seed " + seed + " snapshot");
                agree(e, s, model, rnd, "seed " + seed + " after the snapshot");
            }
        }
    }

    @Test
    void forwardCursorsOverKeysThatShareLongPrefixesAgreeWithTheModelThroughTheCache() {
        Long replay = Long.getLong("plinth.seed");
        for (long seed = replay == null ? 0 : replay; seed < (replay == null ? 3 : replay + 1); seed++) {
            run(new MemVfs(seed), UNCOMPRESSED, seed);
        }
    }

    @Test
    void forwardCursorsOverKeysThatShareLongPrefixesAgreeWithTheModelInPlace(@TempDir Path dir) {
        run(NioVfs.at(dir), UNCOMPRESSED, 7);
    }

    /**
     * Keys 0 to 2,999 written so that consecutive keys lie in different structures (key i in the bottom level,
     * in a level-0 table or in the memtable by i mod 3): the merged walk's top source changes at every entry.
     * Every fifth key is deleted and every seventh overwritten in a newer structure than its first write.
     */
    @Test
    void aWalkWhoseTopSourceChangesAtEveryEntryAgreesWithTheModel() {
        try (LsmEngine e = LsmEngine.open("lsm-forward-interleaved", new MemVfs(3), UNCOMPRESSED, true)) {
            EngineKeyspace s = e.keyspace(Store.DEFAULT_KEYSPACE);
            TreeMap<byte[], byte[]> model = newModel();
            int n = 3000;
            for (int layer = 0; layer < 3; layer++) {
                for (int i = layer; i < n; i += 3) {
                    byte[] k = ("group-00000001/" + String.format("%08d", i)).getBytes();
                    byte[] v = ("v" + i + "-" + layer).getBytes();
                    EngineBatch.Builder b = EngineBatch.builder(Durability.NONE).put(s, k, v);
                    model.put(k, v);
                    // Overwrites and deletes of keys of older structures, from this one.
                    int older = i - 1;
                    if (layer > 0 && older >= 0) {
                        byte[] ok = ("group-00000001/" + String.format("%08d", older)).getBytes();
                        if (older % 5 == 0) {
                            b.delete(s, ok);
                            model.remove(ok);
                        } else if (older % 7 == 0) {
                            byte[] ov = ("over" + older).getBytes();
                            b.put(s, ok, ov);
                            model.put(ok, ov);
                        }
                    }
                    e.apply(b.build());
                }
                if (layer == 0) {
                    e.compact();
                } else if (layer == 1) {
                    e.seal();
                    e.backgroundFlush();
                }
            }
            ReadView view = e.reads().acquire();
            try {
                assertThat(view.levels().level(0)).as("level-0 tables").isNotEmpty();
                assertThat(view.levels().level(CompactionOptions.LEVELS - 1)).as("bottom tables").isNotEmpty();
                assertThat(view.memtables().get(0).isEmpty()).as("memtable empty").isFalse();
            } finally {
                view.release();
            }
            agree(e, s, model, new Random(3), "interleaved");
        }
    }
}
