package dev.plinth.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Merging of half-open key intervals {@code {start, end}} whose null bounds are unbounded. Stateless. */
final class Intervals {
    private Intervals() {
    }

    private static final Comparator<byte[][]> BY_START = (a, b) -> {
        if (a[0] == null || b[0] == null) {
            return a[0] == null ? (b[0] == null ? 0 : -1) : 1;
        }
        return Bytes.compare(a[0], b[0]);
    };

    /** Sorted, non-overlapping intervals covering exactly the union of the given ones (touching ones join). */
    static List<byte[][]> merge(List<byte[][]> intervals) {
        List<byte[][]> sorted = new ArrayList<>(intervals);
        sorted.sort(BY_START);
        List<byte[][]> out = new ArrayList<>();
        byte[][] cur = null;
        for (byte[][] r : sorted) {
            if (r[0] != null && r[1] != null && Bytes.compare(r[0], r[1]) >= 0) {
                continue; // empty
            }
            if (cur == null) {
                cur = new byte[][] {r[0], r[1]};
            } else if (cur[1] == null || (r[0] != null && Bytes.compare(r[0], cur[1]) > 0)) {
                if (cur[1] == null) {
                    continue; // cur already reaches the end
                }
                out.add(cur);
                cur = new byte[][] {r[0], r[1]};
            } else if (r[1] == null || Bytes.compare(r[1], cur[1]) > 0) {
                cur[1] = r[1];
            }
        }
        if (cur != null) {
            out.add(cur);
        }
        return out;
    }
}
