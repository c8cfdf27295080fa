package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.EntrySink;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The core's check of the keys an engine's cursor returns ({@code CheckedEngine}): every key inside the cursor's
 * range and strictly after the one before, in both directions, stepped and lent. The check compares a key with
 * the far bound only when where it differs from the previous key cannot tell; these runs feed it scripted walks
 * of keys that share long prefixes with each other and with the bounds (so that differences fall in every byte
 * of an eight-byte word and past it), and that turn bad at a random step: a key at or past the far bound that
 * agrees with the previous key as long as it can, one equal to it, one before it. Each run must hand out exactly
 * the keys before the bad one, then throw {@link CorruptionException}. Seeded: the seed is printed, and
 * {@code -Dplinth.seed=N} replays it.
 */
class CursorKeyCheckTest {
    private static final byte[] ALPHABET = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};

    private static long seed() {
        String fixed = System.getProperty("plinth.seed", "").trim();
        return fixed.matches("-?\\d+") ? Long.parseLong(fixed) : System.nanoTime(); // unset, or an unfilled ${...}
    }

    /** An engine whose cursors walk {@link #script}, whatever they were asked for, stepped or lent. */
    static final class ScriptedEngine extends ForwardingEngine {
        volatile List<byte[]> script = List.of();
        private final boolean lends;

        ScriptedEngine(Engine delegate, boolean lends) {
            super(delegate);
            this.lends = lends;
        }

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            return new ScriptedCursor(script, lends);
        }

        @Override
        public EngineSnapshot snapshot() {
            EngineSnapshot s = super.snapshot();
            return new ReadReplacingSnapshot(s, s::get, (ks, scan) -> new ScriptedCursor(script, lends));
        }
    }

    /** Walks a list of keys, each with a plain stored value; lends them from one direct buffer, at an offset. */
    static final class ScriptedCursor implements EngineCursor {
        private static final byte[] VALUE = ValueCodec.encode(new byte[] {42}, 0);
        private final List<byte[]> keys;
        private final boolean lends;
        private int at = -1;

        ScriptedCursor(List<byte[]> keys, boolean lends) {
            this.keys = keys;
            this.lends = lends;
        }

        @Override
        public boolean next() {
            return ++at < keys.size();
        }

        @Override
        public byte[] key() {
            return keys.get(at).clone();
        }

        @Override
        public byte[] value() {
            return VALUE.clone();
        }

        @Override
        public void seek(byte[] key) {
            throw new UnsupportedOperationException("not scripted");
        }

        @Override
        public boolean lendsEntries() {
            return lends;
        }

        @Override
        public boolean lend(EntrySink sink) {
            ByteBuffer k = ByteBuffer.allocateDirect(64);
            ByteBuffer v = ByteBuffer.wrap(VALUE).asReadOnlyBuffer();
            while (next()) {
                byte[] key = keys.get(at);
                k.clear();
                k.put(new byte[] {0x7F, 0x7F}).put(key).put((byte) 0xFF);
                k.limit(2 + key.length).position(2);
                if (!sink.entry(k, v)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void scriptedWalksEndAtTheirFirstBadKeyInBothDirectionsSteppedAndLent() {
        long seed = seed();
        System.out.println("CursorKeyCheckTest seed " + seed + " (replay with -Dplinth.seed=" + seed + ")");
        Random random = new Random(seed);
        for (boolean lends : new boolean[] {false, true}) {
            ScriptedEngine[] engine = new ScriptedEngine[1];
            UnaryOperator<Engine> decorator = e -> engine[0] = new ScriptedEngine(e, lends);
            try (Store store = Plinth.open(StoreOptions.builder("mem:").decorate(decorator).build())) {
                for (int run = 0; run < 1500; run++) {
                    walk(store, engine[0], random, lends, run);
                }
            }
        }
    }

    /** Keys that agree with the previous one up to the byte where it differs from the end bound go unchecked ... */
    @Test
    void aKeyPastTheEndThatSharesThePreviousKeysDifferenceFromTheBoundIsCaught() {
        byte[] prefix = new byte[11]; // the difference past the first eight-byte word
        Arrays.fill(prefix, (byte) 0x80);
        byte[] end = cat(prefix, 0x02);
        for (boolean lends : new boolean[] {false, true}) {
            ScriptedEngine[] engine = new ScriptedEngine[1];
            UnaryOperator<Engine> decorator = e -> engine[0] = new ScriptedEngine(e, lends);
            try (Store store = Plinth.open(StoreOptions.builder("mem:").decorate(decorator).build())) {
                // ... so these must never be: equal to the bound, past it where the previous key was below it,
                // and the bound as a prefix
                for (byte[] bad : new byte[][] {end, cat(prefix, 0x03), cat(prefix, 0x02, 0x00)}) {
                    List<byte[]> script = List.of(cat(prefix, 0x01), cat(prefix, 0x01, 0xFF), bad);
                    engine[0].script = script;
                    assertWalk(store, script, Range.of(null, end), false, 2, lends + " " + Bytes.hex(bad));
                }
            }
        }
    }

    private static void walk(Store store, ScriptedEngine engine, Random random, boolean lends, int run) {
        byte[] prefix = new byte[random.nextInt(12)];
        for (int i = 0; i < prefix.length; i++) {
            prefix[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        byte[] start = random.nextInt(4) == 0 ? null : key(random, prefix);
        byte[] end = random.nextInt(4) == 0 ? null : key(random, prefix);
        if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
            byte[] t = start;
            start = end;
            end = t;
        }
        boolean reverse = random.nextBoolean();
        TreeSet<byte[]> inRange = new TreeSet<>(Arrays::compareUnsigned);
        for (int i = random.nextInt(40); i > 0; i--) {
            byte[] k = key(random, prefix);
            if ((start == null || Arrays.compareUnsigned(k, start) >= 0)
                    && (end == null || Arrays.compareUnsigned(k, end) < 0)) {
                inRange.add(k);
            }
        }
        List<byte[]> script = new ArrayList<>(reverse ? inRange.descendingSet() : inRange);
        int bad = -1;
        if (random.nextInt(10) < 7) {
            bad = random.nextInt(script.size() + 1);
            byte[] before = bad == 0 ? null : script.get(bad - 1);
            byte[] far = reverse ? start : end;
            byte[] wrong = switch (random.nextInt(3)) {
                case 0 -> far == null ? null : pastFar(random, far, before, reverse);
                case 1 -> before;
                default -> before == null ? null : behind(random, before, reverse);
            };
            if (wrong == null) {
                bad = -1;
            } else {
                script.add(bad, wrong);
            }
        }
        engine.script = List.copyOf(script);
        assertWalk(store, script, Range.of(start, end), reverse, bad,
                "run " + run + (lends ? " lent" : " stepped") + (reverse ? " reverse" : " forward") + " over "
                        + Bytes.hex(start) + " to " + Bytes.hex(end));
    }

    /** Walks a scripted store cursor: the keys before {@code bad} come out, then (if {@code bad >= 0}) damage. */
    private static void assertWalk(Store store, List<byte[]> script, Range range, boolean reverse, int bad,
                                   String what) {
        List<String> seen = new ArrayList<>();
        try (Cursor c = store.defaultKeyspace().cursor(range, reverse ? ScanOptions.reverse() : ScanOptions.forward())) {
            while (c.next()) {
                seen.add(Bytes.hex(c.key()));
            }
            if (bad >= 0) {
                fail(what + ": the bad key " + Bytes.hex(script.get(bad)) + " at step " + bad + " was returned; walked "
                        + seen);
            }
        } catch (CorruptionException e) {
            assertThat(bad).as(what + ": damage reported where there was none: " + e.getMessage()).isNotNegative();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < (bad < 0 ? script.size() : bad); i++) {
            expected.add(Bytes.hex(script.get(i)));
        }
        assertThat(seen).as(what).isEqualTo(expected);
    }

    /** A key at or past the far bound (at or after the end forward, before the start in reverse), near {@code before}. */
    private static byte[] pastFar(Random random, byte[] far, byte[] before, boolean reverse) {
        if (!reverse) {
            return switch (random.nextInt(3)) {
                case 0 -> far.clone();
                case 1 -> cat(far, ALPHABET[random.nextInt(ALPHABET.length)]);
                default -> {
                    // the previous key, or the bound, with one byte raised where it can be
                    byte[] base = before != null && random.nextBoolean() ? before : far;
                    yield raise(random, base, far);
                }
            };
        }
        if (far.length == 0) {
            return null;
        }
        // before the start: the start cut short, or with its last byte lowered
        byte[] k = Arrays.copyOf(far, far.length - 1);
        if (far[far.length - 1] != 0 && random.nextBoolean()) {
            k = far.clone();
            k[k.length - 1]--;
            if (random.nextBoolean()) {
                k = cat(k, 0xFF);
            }
        }
        return k.length == 0 ? null : k;
    }

    /** {@code base} with a byte raised, at or after the far bound; {@code null} if none comes out so. */
    private static byte[] raise(Random random, byte[] base, byte[] far) {
        for (int tries = 0; tries < 8 && base.length > 0; tries++) {
            byte[] k = base.clone();
            int i = random.nextInt(k.length);
            if (k[i] != (byte) 0xFF) {
                k[i]++;
                if (Arrays.compareUnsigned(k, far) >= 0) {
                    return k;
                }
            }
        }
        return Arrays.compareUnsigned(base, far) >= 0 ? base : far.clone();
    }

    /** A key before {@code before} in the walk's direction (or equal, when none can be made). */
    private static byte[] behind(Random random, byte[] before, boolean reverse) {
        if (!reverse) {
            if (before.length > 1 && random.nextBoolean()) {
                return Arrays.copyOf(before, before.length - 1); // a proper prefix sorts before
            }
            byte[] k = before.clone();
            int i = k.length - 1;
            if (k[i] != 0) {
                k[i]--;
            }
            return k;
        }
        return cat(before, ALPHABET[random.nextInt(ALPHABET.length)]); // an extension sorts after
    }

    private static byte[] key(Random random, byte[] prefix) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 1 + random.nextInt(4));
        for (int i = prefix.length; i < k.length; i++) {
            k[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        if (random.nextInt(4) == 0) {
            k[random.nextInt(k.length)] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return k;
    }

    private static byte[] cat(byte[] a, int... more) {
        byte[] k = Arrays.copyOf(a, a.length + more.length);
        for (int i = 0; i < more.length; i++) {
            k[a.length + i] = (byte) more[i];
        }
        return k;
    }
}
