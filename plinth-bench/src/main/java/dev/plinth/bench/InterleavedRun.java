package dev.plinth.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Plinth against a peer, measured in short interleaved rounds: both targets loaded side by side, then each
 * operation run for a few seconds on one and then on the other, the order alternating every round, and
 * the ratio of each round kept. The median ratio is what is reported: a machine whose load changes over
 * minutes (other builds, a background compaction) moves both sides of a round alike, where one JMH run
 * after the other would credit the change to whichever ran during it. Each operation is reported twice: per
 * second of wall-clock time, and (its op named with {@code (cpu)}) per second of the benchmark thread's own CPU
 * time, which does not count the time the thread waited for a core while other processes had them. Single-threaded, like
 * {@link KvBenchmark}; the same data, key picker and operations.
 *
 * <pre>
 * java -Xms12g -Xmx12g -XX:+AlwaysPreTouch --add-opens java.base/java.nio=ALL-UNNAMED \
 *      --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp plinth-bench/target/benchmarks.jar \
 *      dev.plinth.bench.InterleavedRun keys=1000000 pairs=plinth-mem/skiplist,plinth-lmdb/lmdb \
 *      ops=get,put,scan rounds=7 seconds=2
 * </pre>
 */
public final class InterleavedRun {
    /** Entries one scan reads, as in {@link KvBenchmark}. */
    private static final int SCAN_LENGTH = KvBenchmark.BATCH;

    /** Measures the benchmark thread's CPU time. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Keeps results alive so that no read can be dropped as unused. */
    private static volatile long sink;

    private InterleavedRun() {
    }

    /**
     * Runs the pairs given as {@code name=value} arguments: {@code keys}, {@code value} (bytes),
     * {@code pairs} (comma-separated {@code plinth/peer}), {@code ops} ({@code get}, {@code put},
     * {@code scan}, {@code scanLending}: the scan through lent views, {@link KvTarget#scanLending}), {@code rounds}, {@code seconds} per side and round, {@code settle} (flush and compact
     * after loading).
     *
     * @param args the settings
     */
    public static void main(String[] args) {
        int keys = 1_000_000;
        int valueSize = 100;
        List<String[]> pairs = new ArrayList<>();
        List<String> ops = List.of("get", "put", "scan");
        int rounds = 7;
        double seconds = 2;
        boolean settle = false;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are name=value, got '" + arg + "'");
            }
            switch (kv[0]) {
                case "keys" -> keys = Integer.parseInt(kv[1].replace("_", ""));
                case "value" -> valueSize = Integer.parseInt(kv[1]);
                case "pairs" -> {
                    for (String p : kv[1].split(",")) {
                        String[] two = p.split("/");
                        if (two.length != 2) {
                            throw new IllegalArgumentException("a pair is plinth/peer, got '" + p + "'");
                        }
                        pairs.add(two);
                    }
                }
                case "ops" -> ops = List.of(kv[1].split(","));
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                case "settle" -> settle = Boolean.parseBoolean(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument '" + kv[0] + "'");
            }
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("name at least one pair, e.g. pairs=plinth-mem/skiplist");
        }
        System.out.printf(Locale.ROOT, "# keys=%d value=%d rounds=%d seconds=%.1f settle=%s; median of per-round"
                + " ratios, ops/s are medians too%n", keys, valueSize, rounds, seconds, settle);
        System.out.println("| plinth | peer | op | plinth ops/s | peer ops/s | ratio (median) | ratio range |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String[] pair : pairs) {
            long t0 = System.nanoTime();
            try (TargetFixture a = TargetFixture.open(pair[0], keys, valueSize, KvTarget.Durable.FAST, settle);
                 TargetFixture b = TargetFixture.open(pair[1], keys, valueSize, KvTarget.Durable.FAST, settle)) {
                System.err.printf(Locale.ROOT, "# loaded %s and %s in %.0f s%n", pair[0], pair[1],
                        (System.nanoTime() - t0) / 1e9);
                printNativeMemory(pair[0], a, "after the load");
                printNativeMemory(pair[1], b, "after the load");
                for (String op : ops) {
                    run(op, a, seconds);
                    run(op, b, seconds); // warm-up of both
                    double[][] ra = new double[2][rounds];
                    double[][] rb = new double[2][rounds];
                    for (int r = 0; r < rounds; r++) {
                        double[] x;
                        double[] y;
                        if (r % 2 == 0) {
                            x = run(op, a, seconds);
                            y = run(op, b, seconds);
                        } else {
                            y = run(op, b, seconds);
                            x = run(op, a, seconds);
                        }
                        for (int m = 0; m < 2; m++) {
                            ra[m][r] = x[m];
                            rb[m][r] = y[m];
                        }
                    }
                    report(pair, op, ra[0], rb[0]);
                    report(pair, op + " (cpu)", ra[1], rb[1]);
                }
                printNativeMemory(pair[0], a, "at the end");
                printNativeMemory(pair[1], b, "at the end");
            }
        }
    }

    private static void printNativeMemory(String name, TargetFixture f, String when) {
        String memory = f.target().nativeMemory();
        if (!memory.isEmpty()) {
            System.err.printf(Locale.ROOT, "# %s %s: %s%n", name, when, memory);
        }
    }

    /** Prints one row of the table (medians, the ratios' range) and, on standard error, every round. */
    private static void report(String[] pair, String op, double[] ra, double[] rb) {
        int rounds = ra.length;
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = ra[r] / rb[r];
        }
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %,.0f | %,.0f | **%.2f** | %.2f to %.2f |%n",
                pair[0], pair[1], op, median(ra), median(rb), median(ratio), sorted[0], sorted[rounds - 1]);
        System.err.printf(Locale.ROOT, "# %s / %s %s, per round (plinth, peer, ratio):", pair[0], pair[1], op);
        for (int r = 0; r < rounds; r++) {
            System.err.printf(Locale.ROOT, " %.0f/%.0f=%.2f", ra[r], rb[r], ratio[r]);
        }
        System.err.println();
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Runs {@code op} on the fixture for about {@code seconds}; returns operations per second of wall-clock time
     * and per second of this thread's CPU time (user and system). The second leaves out the time the thread waited
     * for a core, which on a shared machine is the neighbours' load more than the code; it also leaves out work
     * done by other threads (RocksDB's flushes and compactions) and waits for the disk.
     */
    private static double[] run(String op, TargetFixture f, double seconds) {
        KvTarget t = f.target();
        int keyCount = f.data().keyCount();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        long acc = 0;
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long now;
        long[] touched = new long[1];
        KvTarget.Sink consume = (k, v) -> touched[0] += k[k.length - 1] + (v.length == 0 ? 0 : v[v.length - 1]);
        KvTarget.ViewSink view = (k, v) -> touched[0] += k.get(k.limit() - 1) + (v.hasRemaining() ? v.get(v.limit() - 1) : 0);
        do {
            for (int i = 0; i < 64; i++) {
                switch (op) {
                    case "get" -> {
                        byte[] v = t.get(f.randomKey());
                        acc += v == null ? 0 : v.length;
                    }
                    case "put" -> t.put(f.randomKey(), f.nextValue());
                    case "scan" -> acc += t.scan(f.data().keyAt(f.nextIndex(keyCount - SCAN_LENGTH)), SCAN_LENGTH,
                            consume);
                    case "scanLending" -> acc += t.scanLending(f.data().keyAt(f.nextIndex(keyCount - SCAN_LENGTH)),
                            SCAN_LENGTH, consume, view);
                    default -> throw new IllegalArgumentException("unknown op '" + op + "'");
                }
            }
            count += 64;
            now = System.nanoTime();
        } while (now < deadline);
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        sink += acc + touched[0];
        return new double[] {count / ((now - start) / 1e9), count / (cpu / 1e9)};
    }
}
