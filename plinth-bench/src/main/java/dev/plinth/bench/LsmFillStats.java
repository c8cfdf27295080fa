package dev.plinth.bench;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link FillBenchmark}'s fillrandom on {@code lsm:} outside JMH (same data, same order), printing what JMH
 * does not: the engine's counters after the fill (write slowdowns and stops and the time writers were held,
 * compactions, level sizes, write amplification), the CPU time of the writer and of the engine's threads,
 * and the heap (the data set's, after the fill, and the old generation after each GC during it). Arguments:
 * the key count, and optionally the lsm URI parameters ({@code memtableSize=16m&compression=none}). Run it
 * under the benchmark lock, with {@code -Xms} equal to {@code -Xmx}.
 */
public final class LsmFillStats {
    private LsmFillStats() {
    }

    /**
     * Runs one fill.
     *
     * @param a key count, then optionally the URI parameters
     * @throws Exception if the store cannot be made
     */
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        String params = a.length > 1 ? a[1] : "";
        BenchData data = new BenchData(n, 100);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        long x = 0x2545F4914F6CDD1DL;
        for (int i = n - 1; i > 0; i--) {
            x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
            int j = (int) Long.remainderUnsigned(x, i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        System.gc(); System.gc();
        long baseHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long[] maxAfterGc = new long[1];
        Thread sampler = new Thread(() -> {
            while (true) {
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    MemoryUsage u = p.getCollectionUsage();
                    if (u != null && p.getName().contains("Old")) maxAfterGc[0] = Math.max(maxAfterGc[0], u.getUsed());
                }
                try { Thread.sleep(200); } catch (InterruptedException e) { return; }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        Path dir = Files.createTempDirectory("fillstats-");
        String uri = "lsm:" + dir + (params.isEmpty() ? "" : "?" + params);
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Store s = Plinth.open(uri)) {
            Keyspace ks = s.defaultKeyspace();
            long t0 = System.nanoTime();
            long cpu0 = mx.getCurrentThreadCpuTime();
            WriteOptions fast = WriteOptions.durability(Durability.NONE);
            for (int i : order) {
                ks.put(data.keyAt(i), data.value(i), fast);
            }
            long t1 = System.nanoTime();
            long writerCpu = mx.getCurrentThreadCpuTime() - cpu0;
            Map<String, Long> c = new TreeMap<>(s.stats().counters());
            System.out.printf("uri params [%s] keys %d: fill %.2f s, writer thread CPU %.2f s%n", params, n, (t1 - t0) / 1e9, writerCpu / 1e9);
            for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (ti != null && ti.getThreadName().startsWith("plinth-lsm")) {
                    System.out.printf("  thread %s CPU %.2f s%n", ti.getThreadName().replaceAll(" .*", ""), mx.getThreadCpuTime(ti.getThreadId()) / 1e9);
                }
            }
            for (var e : c.entrySet()) {
                if (e.getKey().matches("lsm\\.(write.*|compactions|compactionMoves|level[0-6]\\.(tables|bytes)|.*[Aa]mp.*)") && e.getValue() != 0) {
                    System.out.println("  " + e.getKey() + " = " + e.getValue());
                }
            }
            System.gc(); System.gc();
            MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.printf("  heap: data set %.1f MB; after fill and GC %.1f MB (%.1f MB above the data set); old gen after a GC, highest during the fill %.1f MB%n",
                    baseHeap / 1e6, h.getUsed() / 1e6, (h.getUsed() - baseHeap) / 1e6, maxAfterGc[0] / 1e6);
        }
        try (var w = Files.walk(dir)) { w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }
}
