package dev.plinth.quadstore.internal;

/**
 * Sorts tuples of four {@code long}s held one after the other in one array, in place, by their first element, then
 * their second, and so on (signed order, the order of their keys in the shared key encoding). A quicksort with a
 * three-way partition (runs of equal tuples, a quad repeated in the input, are gathered once and left out of the
 * recursion), the median of three tuples at pseudo-random places as pivot, insertion sort for short ranges, and
 * recursion on the smaller side only, so the stack stays within about 31 frames; no tuple is boxed and no key array
 * is made.
 */
final class TupleSort {
    /** Ranges of at most this many tuples are sorted by insertion. */
    private static final int INSERTION_TUPLES = 12;

    private TupleSort() {
    }

    /**
     * Sorts the first {@code n} tuples of {@code a}.
     *
     * @param a tuples of four longs, at least {@code 4 * n} long
     * @param n how many tuples
     */
    static void sort(long[] a, int n) {
        sort(a, 0, n - 1);
    }

    /** Whether tuples {@code i} and {@code j} are equal. */
    static boolean equal(long[] a, int i, int j) {
        int x = i * 4;
        int y = j * 4;
        return a[x] == a[y] && a[x + 1] == a[y + 1] && a[x + 2] == a[y + 2] && a[x + 3] == a[y + 3];
    }

    /** Compares tuple {@code i} with tuple {@code j}. */
    static int compare(long[] a, int i, int j) {
        return compareAt(a, i * 4, a, j * 4);
    }

    /** Compares the four longs of {@code a} from {@code x} with those of {@code b} from {@code y}. */
    private static int compareAt(long[] a, int x, long[] b, int y) {
        for (int k = 0; k < 4; k++) {
            int c = Long.compare(a[x + k], b[y + k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static void sort(long[] a, int lo, int hi) {
        long[] pivot = new long[4];
        long seed = 0x9E3779B97F4A7C15L ^ hi;
        while (hi - lo >= INSERTION_TUPLES) {
            // The median of three tuples at pseudo-random places: a fixed choice (first, middle, last) degrades on
            // the nearly sorted runs a load gives (a subject's quads together), as the partition reorders them.
            int span = hi - lo + 1;
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int x = lo + (int) ((seed >>> 33) % span);
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int mid = lo + (int) ((seed >>> 33) % span);
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int y = lo + (int) ((seed >>> 33) % span);
            int median = compare(a, x, mid) < 0
                    ? (compare(a, mid, y) < 0 ? mid : compare(a, x, y) < 0 ? y : x)
                    : (compare(a, x, y) < 0 ? x : compare(a, mid, y) < 0 ? y : mid);
            System.arraycopy(a, median * 4, pivot, 0, 4);
            // Dijkstra's three-way partition: [lo, lt) below the pivot, [lt, i) equal, (gt, hi] above.
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                int c = compareAt(a, i * 4, pivot, 0);
                if (c < 0) {
                    swap(a, lt++, i++);
                } else if (c > 0) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (lt - lo < hi - gt) {
                sort(a, lo, lt - 1);
                lo = gt + 1;
            } else {
                sort(a, gt + 1, hi);
                hi = lt - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && compare(a, j - 1, j) > 0; j--) {
                swap(a, j - 1, j);
            }
        }
    }

    private static void swap(long[] a, int i, int j) {
        int x = i * 4;
        int y = j * 4;
        for (int k = 0; k < 4; k++) {
            long t = a[x + k];
            a[x + k] = a[y + k];
            a[y + k] = t;
        }
    }
}
