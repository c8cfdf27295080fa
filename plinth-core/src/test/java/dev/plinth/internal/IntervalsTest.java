package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntervalsTest {
    private static byte[] k(int v) {
        return v < 0 ? null : new byte[] {(byte) v};
    }

    /** Membership of every one-byte key and the empty-ish extremes, by brute force. */
    private static boolean covers(List<byte[][]> intervals, int key) {
        for (byte[][] r : intervals) {
            if (Bytes.inRange(new byte[] {(byte) key}, r[0], r[1])) {
                return true;
            }
        }
        return false;
    }

    @Test
    void mergeCoversExactlyTheUnion() {
        long seed = Long.getLong("plinth.seed", 42L);
        Random rnd = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            List<byte[][]> in = new ArrayList<>();
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                int a = rnd.nextInt(20) - 2;
                int b = rnd.nextInt(20) - 2;
                byte[] lo = a < 0 ? null : k(Math.min(a, b < 0 ? a : b));
                byte[] hi = b < 0 ? null : k(Math.max(b, a < 0 ? b : a));
                in.add(new byte[][] {lo, hi});
            }
            List<byte[][]> out = Intervals.merge(in);
            for (int key = 0; key < 20; key++) {
                assertThat(covers(out, key)).as("seed %d round %d key %d", seed, round, key).isEqualTo(covers(in, key));
            }
            for (int i = 1; i < out.size(); i++) {
                assertThat(out.get(i - 1)[1]).isNotNull();
                assertThat(Bytes.compare(out.get(i - 1)[1], out.get(i)[0])).isLessThan(0);
            }
        }
    }
}
