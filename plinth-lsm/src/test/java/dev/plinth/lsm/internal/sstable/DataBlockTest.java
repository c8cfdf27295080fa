package dev.plinth.lsm.internal.sstable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Blocks read in place: seeks, moves and walks in both directions give what a sorted list of the same
 * entries gives, over many seeded random blocks; a block whose bytes are whole but whose entries are not
 * (out of order, unknown kind, a restart point inside an entry's shared prefix) is refused when parsed.
 */
class DataBlockTest {
    private static final long SEED = Long.getLong("plinth.seed", 20261205L);

    /** Sorted entries with shared prefixes, several versions of some keys, deletes among them. */
    private static List<Entry> entries(Random rnd, int n) {
        return entries(rnd, n, false);
    }

    /**
     * Sorted entries; with {@code longLengths} some keys' unshared parts and some values are 128 bytes or more,
     * so that their lengths take two varint bytes, beside others of one.
     */
    private static List<Entry> entries(Random rnd, int n, boolean longLengths) {
        TreeSet<Entry> set = new TreeSet<>(Entry.ORDER);
        long seq = 1;
        while (set.size() < n) {
            int ks = rnd.nextInt(3);
            String suffix = rnd.nextBoolean() ? "" : "-long-suffix-" + rnd.nextInt(9);
            if (longLengths && rnd.nextInt(3) == 0) {
                suffix += "x".repeat(100 + rnd.nextInt(200));
            }
            byte[] key = ("k" + rnd.nextInt(4 * n) + suffix).getBytes();
            boolean delete = rnd.nextInt(6) == 0;
            byte[] value = new byte[longLengths && rnd.nextInt(3) == 0 ? 100 + rnd.nextInt(400) : rnd.nextInt(40)];
            rnd.nextBytes(value);
            set.add(new Entry(ks, key, seq++, delete ? Kind.DELETE : Kind.PUT, delete ? null : value));
        }
        return new ArrayList<>(set);
    }

    private static byte[] encode(List<Entry> es) {
        BlockCodec c = new BlockCodec();
        for (Entry e : es) {
            c.add(TableFormat.internalKey(e.keyspace(), e.key()), e.seq(), e.kind(), e.value());
        }
        return c.finish();
    }

    private static void assertSameEntry(Entry got, Entry want, String what) {
        assertThat(Entry.ORDER.compare(got, want)).as(what).isZero();
        assertThat(got.kind()).as(what).isEqualTo(want.kind());
        assertThat(got.value()).as(what).isEqualTo(want.value());
    }

    @Test
    void seeksMovesAndWalksMatchASortedList() {
        for (int round = 0; round < 200; round++) {
            long seed = SEED + round;
            Random rnd = new Random(seed);
            List<Entry> es = entries(rnd, rnd.nextInt(80));
            // Odd rounds parse the block where a table read puts it: in an array with the trailer after it.
            DataBlock d = round % 2 == 0 ? DataBlock.parse(encode(es)) : DataBlock.parse(withTrailer(encode(es), rnd),
                    encode(es).length);
            assertThat(d.size()).as("seed %d", seed).isEqualTo(es.size());
            DataBlock.Walker w = d.walker();
            for (int i = 0; i < es.size(); i++) {
                w.next();
                assertSameEntry(w.entry(), es.get(i), "seed " + seed + " forward " + i);
            }
            w.next();
            assertThat(w.valid()).isFalse();
            for (int i = es.size() - 1; i >= 0; i--) {
                w.prev();
                assertSameEntry(w.entry(), es.get(i), "seed " + seed + " reverse " + i);
            }
            w.prev();
            assertThat(w.valid()).isFalse();
            for (int probe = 0; probe < 30; probe++) {
                Entry target = probe % 2 == 0 && !es.isEmpty() ? es.get(rnd.nextInt(es.size()))
                        : new Entry(rnd.nextInt(3), ("k" + rnd.nextInt(400)).getBytes(), rnd.nextInt(100), (byte) 0, null);
                long seq = probe % 3 == 0 ? Long.MAX_VALUE : target.seq();
                Entry position = new Entry(target.keyspace(), target.key(), seq, (byte) 0, null);
                int want = 0;
                while (want < es.size() && Entry.ORDER.compare(es.get(want), position) < 0) {
                    want++;
                }
                w.seek(TableFormat.internalKey(target.keyspace(), target.key()), seq);
                assertThat(w.index()).as("seed %d seek %s", seed, position).isEqualTo(want);
                if (want < es.size()) {
                    assertSameEntry(w.entry(), es.get(want), "seed " + seed + " seek");
                }
                int to = rnd.nextInt(es.size() + 1);
                w.moveTo(to);
                if (to < es.size()) {
                    assertSameEntry(w.entry(), es.get(to), "seed " + seed + " moveTo " + to);
                }
            }
        }
    }

    @Test
    void aWalkInPlaceOverAMappedViewSeeksAndWalksAsTheIndexedBlock() {
        for (int round = 0; round < 400; round++) {
            long seed = SEED + round;
            Random rnd = new Random(seed);
            // Half the rounds mix lengths of two varint bytes with those of one (the walk reads three one-byte
            // lengths at once, and the others byte by byte).
            List<Entry> es = entries(rnd, 1 + rnd.nextInt(80), round % 2 == 1);
            byte[] block = encode(es);
            DataBlock d = DataBlock.parse(block);
            assertThat(d.restartsExact()).as("seed %d: the writer's restart points", seed).isTrue();
            // A direct buffer at an offset inside a larger one, as a block lies in a mapped file.
            ByteBuffer file = ByteBuffer.allocateDirect(block.length + 17);
            file.put(7, block);
            ByteBuffer view = file.slice(7, block.length).order(ByteOrder.LITTLE_ENDIAN);
            InPlaceWalker w = new InPlaceWalker();
            w.reset(view);
            for (int i = 0; i < es.size(); i++) {
                w.next();
                assertThat(w.valid()).isTrue();
                assertSameEntry(w.entry(), es.get(i), "seed " + seed + " in place " + i);
            }
            w.next();
            assertThat(w.valid()).isFalse();
            for (int probe = 0; probe < 30; probe++) {
                Entry target = probe % 2 == 0 ? es.get(rnd.nextInt(es.size()))
                        : new Entry(rnd.nextInt(3), ("k" + rnd.nextInt(400)).getBytes(), rnd.nextInt(100), (byte) 0, null);
                long seq = probe % 3 == 0 ? Long.MAX_VALUE : target.seq();
                Entry position = new Entry(target.keyspace(), target.key(), seq, (byte) 0, null);
                int want = 0;
                while (want < es.size() && Entry.ORDER.compare(es.get(want), position) < 0) {
                    want++;
                }
                w.reset(view);
                w.seek(TableFormat.internalKey(target.keyspace(), target.key()), seq);
                assertThat(w.valid()).as("seed %d seek %s", seed, position).isEqualTo(want < es.size());
                if (want < es.size()) {
                    assertSameEntry(w.entry(), es.get(want), "seed " + seed + " seek in place");
                    if (want + 1 < es.size()) {
                        w.next();
                        assertSameEntry(w.entry(), es.get(want + 1), "seed " + seed + " after the seek");
                    }
                }
            }
        }
    }

    @Test
    void restartPointsThatAreNotExactlyTheWholeKeyEntriesAreNotWalkedInPlace() {
        List<Entry> es = entries(new Random(SEED + 5), 40);
        byte[] b = encode(es);
        int n = TableFormat.le(b).getInt(b.length - 4);
        assertThat(n).isGreaterThan(1);
        // Swapped restart offsets: parsed (they are sorted), but not in the order an in-place search needs.
        byte[] swapped = b.clone();
        int first = TableFormat.le(b).getInt(b.length - 4 - 4 * n);
        int second = TableFormat.le(b).getInt(b.length - 4 - 4 * n + 4);
        TableFormat.le(swapped).putInt(b.length - 4 - 4 * n, second).putInt(b.length - 4 - 4 * n + 4, first);
        assertThat(DataBlock.parse(swapped).restartsExact()).isFalse();
        // A restart offset that is no entry's start is ignored by the indexed block; not exact either.
        byte[] inside = b.clone();
        TableFormat.le(inside).putInt(b.length - 4 - 4 * n + 4, second + 1);
        assertThat(DataBlock.parse(inside).size()).isEqualTo(es.size());
        assertThat(DataBlock.parse(inside).restartsExact()).isFalse();
        assertThat(DataBlock.parse(encode(List.of())).restartsExact()).as("an empty block").isFalse();
    }

    /** The block followed by a five-byte trailer of random bytes, as a table read leaves it. */
    private static byte[] withTrailer(byte[] block, Random rnd) {
        byte[] b = java.util.Arrays.copyOf(block, block.length + TableFormat.BLOCK_TRAILER);
        for (int i = block.length; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    @Test
    void aBlockInsideALargerArrayIsReadOnlyUpToItsLength() {
        Random rnd = new Random(SEED + 4);
        byte[] block = encode(entries(rnd, 30));
        byte[] b = withTrailer(block, rnd);
        DataBlock d = DataBlock.parse(b, block.length);
        assertThat(d.size()).isEqualTo(30);
        // The restart count is read at the block's end, never at the array's: a bad count there is refused.
        byte[] badCount = b.clone();
        TableFormat.le(badCount).putInt(block.length - 4, 1 << 20);
        assertThatThrownBy(() -> DataBlock.parse(badCount, block.length)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("restart points");
        // Cut one byte short, the last entry runs past the block.
        assertThatThrownBy(() -> DataBlock.parse(b, block.length - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataBlock.parse(block, block.length + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in an array of");
    }

    @Test
    void entriesOutOfOrderAreRefused() {
        List<Entry> es = new ArrayList<>(entries(new Random(SEED), 40));
        Entry moved = es.remove(3);
        es.add(20, moved);
        assertThatThrownBy(() -> DataBlock.parse(encode(es))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of order");
    }

    @Test
    void anUnknownKindIsRefused() {
        List<Entry> es = entries(new Random(SEED + 1), 10);
        BlockCodec c = new BlockCodec();
        for (int i = 0; i < es.size(); i++) {
            Entry e = es.get(i);
            c.add(TableFormat.internalKey(e.keyspace(), e.key()), e.seq(), i == 5 ? (byte) 9 : e.kind(), e.value());
        }
        assertThatThrownBy(() -> DataBlock.parse(c.finish())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 5 is malformed");
    }

    @Test
    void aRestartPointOnAnEntryThatSharesAPrefixIsRefused() {
        List<Entry> es = entries(new Random(SEED + 2), 40);
        byte[] b = encode(es);
        // Point the second restart offset at the entry after it, which shares a prefix with its predecessor.
        int n = TableFormat.le(b).getInt(b.length - 4);
        assertThat(n).isGreaterThan(1);
        int second = TableFormat.le(b).getInt(b.length - 4 - 4 * n + 4);
        DataBlock clean = DataBlock.parse(b);
        DataBlock.Walker w = clean.walker();
        int following = -1;
        for (w.next(); w.valid(); w.next()) {
            if (w.index() == TableFormat.RESTART_INTERVAL + 1) {
                following = offsetOf(b, w.index());
            }
        }
        assertThat(second).isLessThan(following);
        TableFormat.le(b).putInt(b.length - 4 - 4 * n + 4, following);
        assertThatThrownBy(() -> DataBlock.parse(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shares a prefix");
    }

    @Test
    void aNegativeSharedPrefixLengthIsRefused() {
        byte[] b = encode(entries(new Random(SEED + 3), 3));
        int second = offsetOf(b, 1);
        assertThat(b[second] & 0x80).as("a one-byte shared length to replace").isZero();
        // The second entry's shared length becomes the five-byte varint of -1; the rest follows unchanged.
        byte[] damaged = new byte[b.length + 4];
        System.arraycopy(b, 0, damaged, 0, second);
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, 0, damaged, second, 5);
        System.arraycopy(b, second + 1, damaged, second + 5, b.length - second - 1);
        assertThatThrownBy(() -> DataBlock.parse(damaged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs past the block");
    }

    /**
     * Bytes of a mapped block that change after the reader checked them (a page read again from a disk that lost
     * it) never make the in-place walk hand out an entry reaching past the block's entries: a length field of the
     * second entry made 16,383 is reported as damage, for each of the three length fields.
     */
    @Test
    void anInPlaceWalkOverBytesChangedAfterTheChecksReportsDamageInsteadOfReadingPastTheEntries() {
        List<Entry> es = entries(new Random(SEED), 20);
        byte[] block = encode(es);
        int second = offsetOf(block, 1);
        for (int field = 0; field < 3; field++) {
            ByteBuffer view = ByteBuffer.allocate(block.length).put(0, block)
                    .order(ByteOrder.LITTLE_ENDIAN);
            InPlaceWalker w = new InPlaceWalker();
            w.reset(view);
            w.next();
            assertSameEntry(w.entry(), es.get(0), "the first entry, before the damage");
            // Each earlier length field is one byte (keys and values here are under 128 bytes).
            view.put(second + field, (byte) 0xFF).put(second + field + 1, (byte) 0x7F);
            assertThatThrownBy(w::next).as("length field %d", field).isInstanceOf(InPlaceWalker.Damaged.class)
                    .hasMessageContaining("reaches past the block");
        }
    }

    /**
     * Entries as a Raft log on a store writes them (16-byte big-endian keys, values of 128 to 16,383 bytes: two
     * varint bytes of value length after one of shared and one of unshared key length, which the in-place walk
     * decodes from its one four-byte read), several versions of some keys among them: walked in place they are
     * the entries written. A second byte of such a length changed after the checks (a value of 16,256 bytes and
     * more) is reported as damage.
     */
    @Test
    void anInPlaceWalkDecodesTwoByteValueLengthsFromItsOneReadAndReportsThemDamaged() {
        Random rnd = new Random(SEED + 7);
        List<Entry> es = new ArrayList<>();
        long seq = 1000;
        for (long index = 1_000_000; es.size() < 25; index++) {
            byte[] key = ByteBuffer.allocate(16).putLong(1).putLong(index).array();
            for (int versions = rnd.nextInt(4) == 0 ? 2 : 1; versions > 0 && es.size() < 25; versions--) {
                // Up to 327 bytes, and one of 8,000 last: the block stays under the 16,256 bytes the damage claims.
                byte[] value = new byte[es.size() == 24 ? 8_000 : 128 + rnd.nextInt(200)];
                rnd.nextBytes(value);
                es.add(new Entry(0, key, seq--, Kind.PUT, value));
            }
        }
        byte[] block = encode(es);
        ByteBuffer view = assertWalkedInPlace(block, es);

        assertThat(block.length).isLessThan(16_256);
        InPlaceWalker w = new InPlaceWalker();
        int second = offsetOf(block, 1);
        assertThat(block[second + 2] & 0x80).as("the second entry's value length takes two bytes").isNotZero();
        w.reset(view);
        w.next();
        view.put(second + 3, (byte) 0x7F);
        assertThatThrownBy(w::next).isInstanceOf(InPlaceWalker.Damaged.class).hasMessageContaining("reaches past the block");
    }

    /**
     * Value lengths at the edges of the in-place walk's two-byte path: 127 (one byte), 128 and 16,383 (two bytes),
     * 16,384 and 70,000 (three bytes, which must not take the two-byte path), between 16-byte keys that share
     * prefixes: walked in place they are the entries written. (A walk that ignored the second length byte's
     * continuation bit took a three-byte length for a two-byte one and misread what follows.)
     */
    @Test
    void anInPlaceWalkReadsValueLengthsAtEveryVarintEdgeAroundItsTwoBytePath() {
        int[] lengths = {127, 128, 16_383, 16_384, 70_000, 16_383, 127, 16_385};
        Random rnd = new Random(SEED + 11);
        List<Entry> es = new ArrayList<>();
        long seq = 100;
        for (int i = 0; i < lengths.length; i++) {
            byte[] key = ByteBuffer.allocate(16).putLong(1).putLong(1_000_000 + i).array();
            byte[] value = new byte[lengths[i]];
            rnd.nextBytes(value);
            es.add(new Entry(0, key, seq--, Kind.PUT, value));
        }
        assertWalkedInPlace(encode(es), es);
    }

    /** Walks {@code block} in place from a direct buffer and checks it holds {@code es}; returns the buffer. */
    private static ByteBuffer assertWalkedInPlace(byte[] block, List<Entry> es) {
        ByteBuffer view = ByteBuffer.allocateDirect(block.length).put(0, block).order(ByteOrder.LITTLE_ENDIAN);
        InPlaceWalker w = new InPlaceWalker();
        w.reset(view);
        for (int i = 0; i < es.size(); i++) {
            w.next();
            assertSameEntry(w.entry(), es.get(i), "entry " + i + " of " + es.get(i).value().length + " value bytes");
        }
        w.next();
        assertThat(w.valid()).isFalse();
        return view;
    }

    /** The offset of entry {@code index}, found by walking the headers. */
    private static int offsetOf(byte[] b, int index) {
        int pos = 0;
        for (int i = 0; i < index; i++) {
            int[] at = {pos};
            int shared = varint(b, at);
            int unshared = varint(b, at);
            int vlen = varint(b, at);
            assertThat(shared).isGreaterThanOrEqualTo(0);
            pos = at[0] + unshared + 9 + vlen;
        }
        return pos;
    }

    private static int varint(byte[] b, int[] at) {
        int v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xFF;
            v |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }
}
