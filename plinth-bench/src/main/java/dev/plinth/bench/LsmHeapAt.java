package dev.plinth.bench;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The heap an open {@code lsm:} store holds with N distinct keys of {@link BenchData} (16 B keys, 100 B values)
 * written in random order: right after the fill, 20 s later (background compaction going on), and after 2M
 * random gets (the block cache filled), each measured after full collections against the heap left once the
 * store is closed (the data set's arrays), so that only what the store holds is counted. Arguments: the key
 * count, and optionally the lsm URI parameters. Run it under the benchmark lock, with {@code -Xms} equal to
 * {@code -Xmx} large enough for the data set (6g at 10M keys).
 */
public final class LsmHeapAt {
    private LsmHeapAt() {
    }

    private static long used() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    /**
     * Runs one fill and the measurements.
     *
     * @param a key count, then optionally the URI parameters
     * @throws Exception if the store cannot be made
     */
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        String params = a.length > 1 ? a[1] : "";
        BenchData data = new BenchData(n, 100);
        Path dir = Files.createTempDirectory("heapat-");
        String uri = "lsm:" + dir + (params.isEmpty() ? "" : "?" + params);
        long afterFill, afterGets, afterSettle;
        Store s = Plinth.open(uri);
        Keyspace ks = s.defaultKeyspace();
        WriteOptions fast = WriteOptions.durability(Durability.NONE);
        SplittableRandom r = new SplittableRandom(42);
        long t0 = System.nanoTime();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = order[i]; order[i] = order[j]; order[j] = t; }
        for (int i : order) ks.put(data.keyAt(i), data.value(i), fast);
        order = null;
        System.out.printf("fill %.1f s%n", (System.nanoTime() - t0) / 1e9);
        afterFill = used();
        Thread.sleep(20000); // let background compaction go on
        afterSettle = used();
        long hits = 0;
        t0 = System.nanoTime();
        for (int i = 0; i < 2_000_000; i++) if (ks.get(data.keyAt(r.nextInt(n))) != null) hits++;
        System.out.printf("2M gets %.1f s, %d found%n", (System.nanoTime() - t0) / 1e9, hits);
        afterGets = used();
        Map<String, Long> c = new TreeMap<>(s.stats().counters());
        c.forEach((k, v) -> { if (k.matches("lsm\\.(level.*tables|blockCache.*|.*[Bb]ytes.*)") && v != 0) System.out.println("  " + k + " = " + v); });
        s.close();
        long closed = used();
        System.out.printf("heap held by the open store: after fill %.1f MB, 20 s later %.1f MB, after 2M gets %.1f MB (baseline after close %.1f MB)%n",
                (afterFill - closed) / 1e6, (afterSettle - closed) / 1e6, (afterGets - closed) / 1e6, closed / 1e6);
        try (var w = Files.walk(dir)) { w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }
}
