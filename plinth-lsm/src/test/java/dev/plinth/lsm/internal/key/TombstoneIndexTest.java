package dev.plinth.lsm.internal.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.lsm.internal.memtable.Memtable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TombstoneIndex} and the memtable's index over its range deletes answer exactly as a look at every
 * delete does: seeded random deletes (nested, overlapping, unbounded, several keyspaces, reclaims) against
 * random keys and sequence windows. A failure names its seed; {@code -Dplinth.seed=N} replays one.
 */
class TombstoneIndexTest {
    private static final int SEEDS = 200;

    private static byte[] key(Random rnd) {
        byte[] k = new byte[rnd.nextInt(3)];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (rnd.nextInt(6) * 50); // few distinct bytes, so ranges meet and nest; 0xFA included
        }
        return k;
    }

    private static RangeTombstone tombstone(Random rnd, long seq) {
        byte[] a = rnd.nextInt(8) == 0 ? null : key(rnd);
        byte[] b = rnd.nextInt(8) == 0 ? null : key(rnd);
        if (a != null && b != null && java.util.Arrays.compareUnsigned(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
        }
        return new RangeTombstone(rnd.nextInt(3), a, b, seq, rnd.nextInt(4) == 0);
    }

    private static boolean bruteCovers(List<RangeTombstone> all, int ks, byte[] key, long after, long upTo, boolean skip) {
        for (RangeTombstone t : all) {
            if (t.seq() > after && t.seq() <= upTo && !(skip && t.reclaim()) && t.covers(ks, key)) {
                return true;
            }
        }
        return false;
    }

    private static List<RangeTombstone> bruteOverlapping(List<RangeTombstone> all, int ks, byte[] lo, byte[] hi, long upTo) {
        List<RangeTombstone> out = new ArrayList<>();
        for (RangeTombstone t : all) {
            if (t.seq() <= upTo && t.overlaps(ks, lo, hi)) {
                out.add(t);
            }
        }
        return out;
    }

    private static List<Long> seqs(List<RangeTombstone> ts) {
        return ts.stream().map(RangeTombstone::seq).sorted(Comparator.naturalOrder()).toList();
    }

    @Test
    void everyLookupAgreesWithALookAtEveryDelete() {
        String replay = System.getProperty("plinth.seed", "");
        long first = replay.isEmpty() ? 0 : Long.parseLong(replay);
        long last = replay.isEmpty() ? SEEDS : first + 1;
        for (long seed = first; seed < last; seed++) {
            Random rnd = new Random(seed);
            List<RangeTombstone> all = new ArrayList<>();
            TombstoneIndex index = TombstoneIndex.EMPTY;
            Memtable mem = new Memtable();
            int n = rnd.nextInt(seed % 10 == 0 ? 300 : 60);
            for (int i = 0; i < n; i++) {
                RangeTombstone t = tombstone(rnd, i + 1);
                all.add(t);
                mem.add(t);
                if (rnd.nextInt(5) == 0) {
                    index = index.with(all.subList(index.size(), all.size()));
                }
            }
            index = index.with(all.subList(index.size(), all.size()));
            TombstoneIndex whole = TombstoneIndex.of(all);
            assertThat(seqs(index.all())).as("seed %d", seed).isEqualTo(seqs(whole.all()));
            for (int q = 0; q < 200; q++) {
                int ks = rnd.nextInt(3);
                byte[] k = key(rnd);
                long after = rnd.nextInt(n + 2) - 1;
                long upTo = rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextInt(n + 2);
                boolean skip = rnd.nextBoolean();
                boolean expected = bruteCovers(all, ks, k, after, upTo, skip);
                assertThat(whole.covers(ks, k, after, upTo, skip)).as("seed %d query %d (of)", seed, q).isEqualTo(expected);
                assertThat(index.covers(ks, k, after, upTo, skip)).as("seed %d query %d (with)", seed, q).isEqualTo(expected);
                assertThat(mem.covers(ks, k, after, upTo, skip)).as("seed %d query %d (memtable)", seed, q).isEqualTo(expected);

                byte[] lo = rnd.nextInt(4) == 0 ? null : key(rnd);
                byte[] hi = rnd.nextInt(4) == 0 ? null : key(rnd);
                if (lo != null && hi != null && java.util.Arrays.compareUnsigned(lo, hi) > 0) {
                    byte[] t = lo;
                    lo = hi;
                    hi = t;
                }
                List<Long> want = seqs(bruteOverlapping(all, ks, lo, hi, upTo));
                List<RangeTombstone> got = new ArrayList<>();
                whole.overlapping(ks, lo, hi, upTo, got);
                assertThat(seqs(got)).as("seed %d overlap %d (of)", seed, q).isEqualTo(want);
                got.clear();
                mem.overlapping(ks, lo, hi, upTo, got);
                assertThat(seqs(got)).as("seed %d overlap %d (memtable)", seed, q).isEqualTo(want);
            }
        }
    }

    @Test
    void disjointDeletesAreFoundByKeyAmongThousands() {
        List<RangeTombstone> all = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            all.add(new RangeTombstone(0, new byte[] {(byte) (i >> 8), (byte) i, 0}, new byte[] {(byte) (i >> 8), (byte) i, 9},
                    i + 1, false));
        }
        TombstoneIndex index = TombstoneIndex.of(all);
        assertThat(index.covers(0, new byte[] {0x12, 0x34, 5}, 0, Long.MAX_VALUE, false)).isTrue();
        assertThat(index.covers(0, new byte[] {0x12, 0x34, 9}, 0, Long.MAX_VALUE, false)).isFalse();
        assertThat(index.covers(1, new byte[] {0x12, 0x34, 5}, 0, Long.MAX_VALUE, false)).isFalse();
        int seq = (0x12 << 8 | 0x34) + 1;
        assertThat(index.covers(0, new byte[] {0x12, 0x34, 5}, seq, Long.MAX_VALUE, false)).isFalse();
        assertThat(index.covers(0, new byte[] {0x12, 0x34, 5}, seq - 1, seq, false)).isTrue();
    }
}
