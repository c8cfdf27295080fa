package dev.plinth.lsm.internal.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Memtable#approximateBytes} is the heap the memtable holds (within 15%), so that {@code memtableSize},
 * the writer's stall and {@code lsm.memtableBytes} mean heap: measured as the least heap in use after several
 * full collections, before and after adding 200,000 entries of 16-byte keys and 100-byte values. With the
 * 64 bytes per entry counted before, the count was 70% of the heap.
 */
class MemtableHeapCountTest {
    private static long heapInUse() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, rt.totalMemory() - rt.freeMemory());
        }
        return least;
    }

    @Test
    void theCountIsTheHeapTheEntriesTake() throws Exception {
        int n = 200_000;
        Random rnd = new Random(17);
        long before = heapInUse();
        Memtable mem = new Memtable();
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[16];
            rnd.nextBytes(k);
            mem.add(new Entry(0, k, i + 1, Kind.PUT, new byte[100]));
        }
        long heap = heapInUse() - before;
        assertThat((double) mem.approximateBytes() / heap).as("counted %d bytes, the heap grew by %d",
                mem.approximateBytes(), heap).isBetween(0.85, 1.15);
        assertThat(mem.isEmpty()).isFalse(); // keeps the memtable reachable until the heap was measured
    }
}
