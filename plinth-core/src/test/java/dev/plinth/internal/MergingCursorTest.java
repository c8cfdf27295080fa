package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.EngineKeyspace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MergingCursorTest {
    private static final EngineKeyspace KS = () -> "ks";

    /** A raw cursor over a sorted map, with the engine cursor's seek rules. */
    static final class MapCursor implements RawCursor {
        private final NavigableMap<byte[], byte[]> map;
        private byte[] pos;
        private boolean inclusive = true;
        private Map.Entry<byte[], byte[]> cur;

        MapCursor(NavigableMap<byte[], byte[]> map, boolean reverse) {
            this.map = reverse ? map.descendingMap() : map;
        }

        @Override
        public boolean next() {
            cur = pos == null ? map.firstEntry() : inclusive ? map.ceilingEntry(pos) : map.higherEntry(pos);
            if (cur == null) {
                pos = map.isEmpty() ? null : map.lastKey();
                inclusive = false;
                if (pos == null) {
                    return false;
                }
                return false;
            }
            pos = cur.getKey();
            inclusive = false;
            return true;
        }

        @Override
        public byte[] key() {
            return cur.getKey();
        }

        @Override
        public byte[] raw() {
            return cur.getValue();
        }

        @Override
        public void seek(byte[] key) {
            pos = key;
            inclusive = true;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] v(String s) {
        return ValueCodec.encode(b(s), 0);
    }

    private static List<String> drain(RawCursor c) {
        List<String> out = new ArrayList<>();
        while (c.next()) {
            out.add(new String(c.key(), StandardCharsets.UTF_8) + "=" + new String(ValueCodec.decode(c.raw()), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void ownWritesWinHideDeletesAndRangeDeletes() {
        NavigableMap<byte[], byte[]> base = new TreeMap<>(Bytes.ORDER);
        for (String k : new String[] {"a", "c", "d", "e", "g"}) {
            base.put(b(k), v(k.toUpperCase()));
        }
        WriteBuffer buf = new WriteBuffer();
        buf.put(KS, b("b"), v("own-b"));
        buf.delete(KS, b("c"));
        buf.deleteRange(KS, b("d"), b("f"));
        buf.put(KS, b("e"), v("own-e"));
        buf.put(KS, b("a"), v("own-a"));
        WriteBuffer.Pending p = buf.pendingOrNull(KS);

        assertThat(drain(new MergingCursor(new MapCursor(base, false), p, null, null, false, 0)))
                .containsExactly("a=own-a", "b=own-b", "e=own-e", "g=G");
        assertThat(drain(new MergingCursor(new MapCursor(base, true), p, null, null, true, 0)))
                .containsExactly("g=G", "e=own-e", "b=own-b", "a=own-a");
        assertThat(drain(new MergingCursor(new MapCursor(base.subMap(b("b"), true, b("f"), false), false), p,
                b("b"), b("f"), false, 0))).containsExactly("b=own-b", "e=own-e");
    }

    @Test
    void seekRepositionsBothSources() {
        NavigableMap<byte[], byte[]> base = new TreeMap<>(Bytes.ORDER);
        base.put(b("a"), v("A"));
        base.put(b("d"), v("D"));
        WriteBuffer buf = new WriteBuffer();
        buf.put(KS, b("b"), v("B"));
        buf.put(KS, b("e"), v("E"));
        MergingCursor c = new MergingCursor(new MapCursor(base, false), buf.pendingOrNull(KS), null, null, false, 0);
        assertThat(c.next()).isTrue();
        c.seek(b("c"));
        assertThat(drain(c)).containsExactly("d=D", "e=E");
        c.seek(b("b"));
        assertThat(drain(c)).containsExactly("b=B", "d=D", "e=E");

        MergingCursor r = new MergingCursor(new MapCursor(base, true), buf.pendingOrNull(KS), null, null, true, 0);
        r.seek(b("c"));
        assertThat(drain(r)).containsExactly("b=B", "a=A");
    }

    @Test
    void expiredOwnWritesHideTheSnapshotValue() {
        NavigableMap<byte[], byte[]> base = new TreeMap<>(Bytes.ORDER);
        base.put(b("a"), v("A"));
        WriteBuffer buf = new WriteBuffer();
        buf.put(KS, b("a"), ValueCodec.encode(b("short"), 100));
        assertThat(drain(new MergingCursor(new MapCursor(base, false), buf.pendingOrNull(KS), null, null, false, 99)))
                .containsExactly("a=short");
        assertThat(drain(new MergingCursor(new MapCursor(base, false), buf.pendingOrNull(KS), null, null, false, 100)))
                .isEmpty();
    }

    @Test
    void matchesAMapModelOnRandomOverlays() {
        long seed = Long.getLong("plinth.seed", 7L);
        Random rnd = new Random(seed);
        for (int round = 0; round < 500; round++) {
            NavigableMap<byte[], byte[]> base = new TreeMap<>(Bytes.ORDER);
            NavigableMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
            for (int i = 0; i < 12; i++) {
                if (rnd.nextBoolean()) {
                    byte[] k = {(byte) i};
                    base.put(k, v("base" + i));
                    model.put(k, v("base" + i));
                }
            }
            WriteBuffer buf = new WriteBuffer();
            for (int op = 0; op < 8; op++) {
                byte[] k = {(byte) rnd.nextInt(12)};
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        buf.put(KS, k, v("own" + op));
                        model.put(k, v("own" + op));
                    }
                    case 1 -> {
                        buf.delete(KS, k);
                        model.remove(k);
                    }
                    default -> {
                        byte[] end = {(byte) (k[0] + rnd.nextInt(4))};
                        buf.deleteRange(KS, k, end);
                        model.subMap(k, true, end, false).clear();
                    }
                }
            }
            WriteBuffer.Pending p = buf.pendingOrNull(KS);
            List<String> want = new ArrayList<>();
            model.forEach((k, val) -> want.add(k[0] + "=" + new String(ValueCodec.decode(val), StandardCharsets.UTF_8)));
            List<String> got = new ArrayList<>();
            MergingCursor c = new MergingCursor(new MapCursor(base, false), p, null, null, false, 0);
            while (c.next()) {
                got.add(c.key()[0] + "=" + new String(ValueCodec.decode(c.raw()), StandardCharsets.UTF_8));
            }
            assertThat(got).as("seed %d round %d", seed, round).isEqualTo(want);
            List<String> gotReverse = new ArrayList<>();
            MergingCursor r = new MergingCursor(new MapCursor(base, true), p, null, null, true, 0);
            while (r.next()) {
                gotReverse.add(r.key()[0] + "=" + new String(ValueCodec.decode(r.raw()), StandardCharsets.UTF_8));
            }
            java.util.Collections.reverse(gotReverse);
            assertThat(gotReverse).as("reverse, seed %d round %d", seed, round).isEqualTo(want);
        }
    }
}
