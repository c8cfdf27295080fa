package dev.plinth.bench;

import com.sun.management.OperatingSystemMXBean;
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
 * after the other would credit the change to whichever ran during it. Single-threaded, like {@link KvBenchmark};
 * the same data, key picker and operations.
 *
 * <p>Each operation is reported three times, as operations per second of:
 * <ul>
 * <li>wall-clock time (the op's plain name);
 * <li>the benchmark thread's own CPU time, user and system ({@code (cpu)}), which leaves out the time the thread
 *     waited for a core while other processes had them, and also everything the thread did not do itself: garbage
 *     collection, the JIT compiler, RocksDB's and {@code lsm:}'s background flushes and compactions, and the time
 *     it blocked on a read from disk. A target that moves work to other threads looks cheaper by it than it is;
 * <li>the whole process's CPU time ({@code (process cpu)}), which counts those threads too. The targets run one
 *     after the other, but a target's background work may still be running (or be triggered by a load) while
 *     the other is measured, and is then charged to it; and it still leaves out waits for the disk.
 * </ul>
 * A CPU-time row is left out when the JVM cannot measure it.
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
    /** Measures the process's CPU time, or {@code null} if this JVM cannot. */
    private static final OperatingSystemMXBean PROCESS = processCpu();
    /** Whether the benchmark thread's CPU time can be measured. */
    private static final boolean THREAD_CPU = threadCpu();
    /** The rates {@link #run} returns, by index, as their rows' suffixes. */
    private static final String[] MEASURES = {"", " (cpu)", " (process cpu)"};

    /** Keeps results alive so that no read can be dropped as unused. */
    private static volatile long sink;

    private InterleavedRun() {
    }

    /**
     * Runs the pairs given as {@code name=value} arguments: {@code keys}, {@code value} (bytes),
     * {@code pairs} (comma-separated {@code plinth/peer}), {@code ops} ({@code get}, {@code put},
     * {@code scan}, {@code scanLending}: the scan through lent views, {@link KvTarget#scanLending}),
     * {@code rounds}, {@code seconds} per side and round, {@code settle} (flush and compact after loading).
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
                    double[][] ra = new double[MEASURES.length][rounds];
                    double[][] rb = new double[MEASURES.length][rounds];
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
                        for (int m = 0; m < MEASURES.length; m++) {
                            ra[m][r] = x[m];
                            rb[m][r] = y[m];
                        }
                    }
                    for (int m = 0; m < MEASURES.length; m++) {
                        if (!Double.isNaN(ra[m][0])) {
                            report(pair, op + MEASURES[m], ra[m], rb[m]);
                        }
                    }
                }
                printNativeMemory(pair[0], a, "at the end");
                printNativeMemory(pair[1], b, "at the end");
            }
        }
    }

    private static OperatingSystemMXBean processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            return os;
        }
        System.err.println("# this JVM cannot measure the process's CPU time: no (process cpu) rows");
        return null;
    }

    private static boolean threadCpu() {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            System.err.println("# this JVM cannot measure a thread's CPU time: no (cpu) rows");
            return false;
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        return true;
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
     * Runs {@code op} on the fixture for about {@code seconds}; returns operations per second of wall-clock time,
     * of this thread's CPU time and of the process's CPU time, in the order of {@link #MEASURES} ({@code NaN} for
     * one the JVM cannot measure). What each leaves out: the class comment.
     */
    private static double[] run(String op, TargetFixture f, double seconds) {
        KvTarget t = f.target();
        int keyCount = f.data().keyCount();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        long acc = 0;
        long start = System.nanoTime();
        long cpuStart = THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : 0;
        long processStart = PROCESS != null ? PROCESS.getProcessCpuTime() : 0;
        long now;
        long[] touched = new long[1];
        KvTarget.Sink consume = (k, v) -> touched[0] += k[k.length - 1] + (v.length == 0 ? 0 : v[v.length - 1]);
        KvTarget.ViewSink view = (k, v) -> touched[0] += k.get(k.limit() - 1)
                + (v.hasRemaining() ? v.get(v.limit() - 1) : 0);
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
        double cpu = THREAD_CPU ? count / ((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9) : Double.NaN;
        double process = PROCESS != null ? count / ((PROCESS.getProcessCpuTime() - processStart) / 1e9) : Double.NaN;
        sink += acc + touched[0];
        return new double[] {count / ((now - start) / 1e9), cpu, process};
    }
}
