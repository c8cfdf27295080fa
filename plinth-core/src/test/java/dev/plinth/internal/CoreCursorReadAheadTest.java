package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cursor on the store reads ahead of its user (see {@link CoreCursor}): it must hand out exactly what
 * single steps would, through seeks, reverse walks, limits and keys-only reads; throw damage where the walk
 * reaches it and let the walk go on past it; read no further than its limit; and refuse every call once
 * the store is closed, even with entries left in its buffer.
 */
class CoreCursorReadAheadTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Counts the steps taken on the engine's own cursors (not on snapshots' cursors). */
    static final class CountingEngine extends ForwardingEngine {
        final AtomicLong steps = new AtomicLong();

        CountingEngine(Engine delegate) {
            super(delegate);
        }

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            EngineCursor c = super.cursor(keyspace, scan);
            return new EngineCursor() {
                @Override
                public boolean next() {
                    steps.incrementAndGet();
                    return c.next();
                }

                @Override
                public byte[] key() {
                    return c.key();
                }

                @Override
                public byte[] value() {
                    return c.value();
                }

                @Override
                public void seek(byte[] key) {
                    c.seek(key);
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }
    }

    private CountingEngine counting;

    private Store openCounting() {
        UnaryOperator<Engine> decorator = e -> counting = new CountingEngine(e);
        return Plinth.open(StoreOptions.builder("mem:").decorate(decorator).build());
    }

    /**
     * Random walks (bounds, direction, limit, keys-only, seeks at random moments) over a store cursor, which
     * reads ahead, and over a snapshot cursor on the same state, which steps one entry at a time, compared
     * with each other and with a {@code TreeMap} after every call.
     */
    @Test
    void readAheadHandsOutWhatSingleStepsWould() {
        long seed = Long.getLong("plinth.seed", System.nanoTime());
        System.out.println("CoreCursorReadAheadTest seed " + seed + " (replay with -Dplinth.seed=" + seed + ")");
        Random rnd = new Random(seed);
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Plinth.open("mem:")) {
            Keyspace ks = store.defaultKeyspace();
            for (int i = 0; i < 300; i++) {
                String k = String.format("k%04d", rnd.nextInt(1000));
                String v = "v" + rnd.nextInt();
                ks.put(b(k), b(v));
                model.put(k, v);
            }
            try (Snapshot snap = store.snapshot()) {
                for (int walk = 0; walk < 200; walk++) {
                    String lo = rnd.nextInt(4) == 0 ? null : String.format("k%04d", rnd.nextInt(1000));
                    String hi = rnd.nextInt(4) == 0 ? null : String.format("k%04d", rnd.nextInt(1000));
                    if (lo != null && hi != null && lo.compareTo(hi) > 0) {
                        String t = lo;
                        lo = hi;
                        hi = t;
                    }
                    boolean reverse = rnd.nextBoolean();
                    boolean keysOnly = rnd.nextInt(4) == 0;
                    long limit = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(70) : Long.MAX_VALUE;
                    ScanOptions options = (reverse ? ScanOptions.reverse() : ScanOptions.forward())
                            .withKeysOnly(keysOnly).withLimit(limit);
                    Range range = Range.of(lo == null ? null : b(lo), hi == null ? null : b(hi));
                    try (Cursor ahead = ks.cursor(range, options); Cursor single = snap.cursor(ks, range, options)) {
                        List<Map.Entry<String, String>> expected = expected(model, lo, hi, reverse, null);
                        int pos = 0;
                        long returned = 0;
                        for (int step = 0; step < 120; step++) {
                            if (rnd.nextInt(25) == 0) {
                                String target = String.format("k%04d", rnd.nextInt(1000));
                                ahead.seek(b(target));
                                single.seek(b(target));
                                expected = expected(model, lo, hi, reverse, target);
                                pos = 0;
                                continue;
                            }
                            boolean more = ahead.next();
                            String at = "seed " + seed + ", walk " + walk + ", step " + step;
                            assertThat(single.next()).as(at).isEqualTo(more);
                            boolean modelMore = pos < expected.size() && returned < limit;
                            assertThat(more).as(at).isEqualTo(modelMore);
                            if (!more) {
                                break;
                            }
                            Map.Entry<String, String> e = expected.get(pos++);
                            returned++;
                            assertThat(s(ahead.key())).as(at).isEqualTo(e.getKey()).isEqualTo(s(single.key()));
                            if (!keysOnly) {
                                assertThat(s(ahead.value())).as(at).isEqualTo(e.getValue());
                            }
                        }
                    }
                }
            }
        }
    }

    /** The model's entries a walk from {@code target} (or the range's edge) visits, in its order. */
    private static List<Map.Entry<String, String>> expected(TreeMap<String, String> model, String lo, String hi,
                                                            boolean reverse, String target) {
        var view = new TreeMap<>(model);
        if (lo != null) {
            view.headMap(lo, false).clear();
        }
        if (hi != null) {
            view.tailMap(hi, true).clear();
        }
        if (target != null) {
            if (reverse) {
                view.tailMap(target, false).clear();
            } else {
                view.headMap(target, false).clear();
            }
        }
        return new ArrayList<>((reverse ? view.descendingMap() : view).entrySet());
    }

    @Test
    void aLimitedCursorReadsNoFurtherThanItsLimit() {
        try (Store store = openCounting()) {
            Keyspace ks = store.defaultKeyspace();
            for (int i = 0; i < 100; i++) {
                ks.put(b(String.format("k%03d", i)), b("v"));
            }
            for (int limit : new int[] {1, 2, 5, 31, 64}) {
                counting.steps.set(0);
                int n = 0;
                try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward().withLimit(limit))) {
                    while (c.next()) {
                        n++;
                    }
                }
                assertThat(n).isEqualTo(limit);
                assertThat(counting.steps.get()).as("engine steps for limit " + limit).isEqualTo(limit);
            }
            // Unlimited, but left after 3 entries: the read-ahead (1, 2, then 4) took at most 7.
            counting.steps.set(0);
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward())) {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.next()).isTrue();
                }
            }
            assertThat(counting.steps.get()).isBetween(3L, 7L);
        }
    }

    /**
     * Damage to the value of {@code k3} is met while reading ahead (in the second batch, after {@code k2}):
     * the cursor still hands out {@code k2} first, throws when the walk reaches {@code k3}, and goes on with
     * {@code k4} when asked, as a cursor stepping one entry at a time does; also when the engine's cursor
     * lends its entries and the damage is found checking one in place.
     */
    @ParameterizedTest(name = "lending={0}")
    @ValueSource(booleans = {false, true})
    void damageMetWhileReadingAheadIsThrownWhereTheWalkReachesIt(boolean lending) {
        IntegrityCheckTest.DamagingEngine[] engine = new IntegrityCheckTest.DamagingEngine[1];
        UnaryOperator<Engine> decorator = e -> engine[0] = new IntegrityCheckTest.DamagingEngine(e, lending);
        try (Store store = Plinth.open(StoreOptions.builder("mem:").param("checksums", "true")
                .decorate(decorator).build())) {
            Keyspace ks = store.defaultKeyspace();
            for (int i = 1; i <= 9; i++) {
                ks.put(b("k" + i), b("value " + i));
            }
            engine[0].flipK3 = true;
            List<String> seen = new ArrayList<>();
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward())) {
                while (true) {
                    try {
                        if (!c.next()) {
                            break;
                        }
                        seen.add(s(c.key()) + "=" + s(c.value()));
                    } catch (CorruptionException e) {
                        assertThat(e).hasMessageContaining(Bytes.hex(b("k3")));
                        seen.add("damaged");
                    }
                }
            }
            assertThat(seen).containsExactly("k1=value 1", "k2=value 2", "damaged", "k4=value 4", "k5=value 5",
                    "k6=value 6", "k7=value 7", "k8=value 8", "k9=value 9");
        }
    }

    @Test
    void aClosedStoreRefusesEntriesLeftInTheBuffer() {
        Store store = Plinth.open("mem:");
        Keyspace ks = store.defaultKeyspace();
        for (int i = 0; i < 20; i++) {
            ks.put(b(String.format("k%02d", i)), b("v"));
        }
        Cursor c = ks.cursor(Range.all(), ScanOptions.forward());
        assertThat(c.next()).isTrue();
        assertThat(c.next()).isTrue(); // the second batch read k01 and k02; k02 waits in the buffer
        store.close();
        assertThatThrownBy(c::next).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(c::key).isInstanceOf(StoreClosedException.class);
        c.close();
        c.close();
    }
}
