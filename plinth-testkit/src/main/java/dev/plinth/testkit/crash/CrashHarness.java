package dev.plinth.testkit.crash;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.testkit.crash.CrashViolation.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The kill -9 crash harness: runs a write workload against a persistent engine in a child JVM, kills the
 * child with SIGKILL at a random moment, reopens the store in this JVM and checks the crash-level
 * promises (docs/reliability.md), cycle after cycle on the same, aging store.
 *
 * <p>Each cycle: start a child JVM running {@link CrashWorkload} from the first write not yet present;
 * wait until it says it is writing (or, in {@link #killDuringStartup(int) some cycles}, not even that);
 * wait a seeded random time (a child that ends by itself meanwhile fails the cycle at once); kill it with
 * SIGKILL and check that SIGKILL is what ended it; open the store
 * here and check that it opens, that every write acknowledged with {@code SYNC} or {@code PROCESS} is
 * present, that every batch is all or nothing, that what is present is a prefix of what was written with
 * no hole and nothing the child never started, that every value is exactly what was written, and that
 * writes verified after earlier kills are still there. The run stops at the first cycle with a violation,
 * since later cycles would only repeat it.
 *
 * <pre>{@code
 * CrashReport r = CrashHarness.forUri("rocksdb:" + dir).cycles(50).seed(42).run();
 * System.out.println(r.summary());
 * r.assertClean();
 * }</pre>
 *
 * <p>The seed fixes the content of every write and the kill schedule; where in the workload a kill lands
 * depends on timing, so a seed reproduces the conditions of a failure, not its exact moment. The store
 * must be empty (or absent) when the run starts. No child outlives {@link #run()}: each is killed in a
 * {@code finally}, a shutdown hook kills any left if this JVM exits, and a child whose standard input
 * closes (its parent died) halts itself.
 *
 * <p>Not thread-safe: configure, then call {@link #run()} from one thread.
 */
public final class CrashHarness {
    /** The shortest wait between the child's ready line and the kill. */
    public static final Duration DEFAULT_MIN_KILL_DELAY = Duration.ofMillis(20);
    /** The longest wait between the child's ready line and the kill. */
    public static final Duration DEFAULT_MAX_KILL_DELAY = Duration.ofMillis(400);
    /** The percentage of cycles whose kill lands while the child is starting or opening the store. */
    public static final int DEFAULT_STARTUP_KILL_PERCENT = 10;
    /** The most earlier writes read again per cycle; beyond that, a rotating slice of this size. */
    public static final long DEFAULT_RECHECK_LIMIT = 200_000;
    /** How long a child may take to open the store and print its ready line. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    /** The cycles {@link #cyclesProperty(int)} falls back to. */
    public static final int DEFAULT_CYCLES = 50;
    /**
     * JVM options of every child, before {@link #jvmArgs(String...)}: small and quick to start, and without
     * the {@code hsperfdata} file a killed JVM would leave behind.
     */
    public static final List<String> CHILD_JVM_ARGS = List.of("-ea", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx128m");
    /** The exit status the JDK reports for a process ended by SIGKILL (128 + 9). */
    static final int SIGKILL_STATUS = 137;

    private static final Duration DEATH_TIMEOUT = Duration.ofSeconds(30);
    private static final int STDERR_KEPT_CHARS = 4000;
    private static final Set<Process> LIVE_CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE_CHILDREN.forEach(Process::destroyForcibly),
                "crash-harness-reaper"));
    }

    private final String uri;
    private final List<String> jvmArgs = new ArrayList<>();
    private int cycles = DEFAULT_CYCLES;
    private long seed = seedProperty();
    private Path workDir;
    private Duration minKillDelay = DEFAULT_MIN_KILL_DELAY;
    private Duration maxKillDelay = DEFAULT_MAX_KILL_DELAY;
    private int startupKillPercent = DEFAULT_STARTUP_KILL_PERCENT;
    private long recheckLimit = DEFAULT_RECHECK_LIMIT;
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private Consumer<String> progress;
    private int progressEvery;

    private CrashHarness(String uri) {
        this.uri = uri;
    }

    /**
     * A harness for the store at {@code uri}, which must name a persistent engine on the class path and
     * be empty or absent.
     *
     * @param uri the store's URI, e.g. {@code rocksdb:/tmp/x}
     * @return a new harness with the defaults
     * @throws NullPointerException if {@code uri} is null
     */
    public static CrashHarness forUri(String uri) {
        return new CrashHarness(Objects.requireNonNull(uri, "uri"));
    }

    /**
     * Adds JVM options for the child, after {@link #CHILD_JVM_ARGS} (so a later {@code -Xmx} wins), e.g.
     * LMDB's {@code --add-opens java.base/java.nio=ALL-UNNAMED}.
     *
     * @param args the options
     * @return this harness
     */
    public CrashHarness jvmArgs(String... args) {
        for (String a : args) {
            jvmArgs.add(Objects.requireNonNull(a, "jvm arg"));
        }
        return this;
    }

    /**
     * Sets the number of kill cycles.
     *
     * @param n 1 or more; default {@link #DEFAULT_CYCLES}
     * @return this harness
     */
    public CrashHarness cycles(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("cycles must be >= 1, got " + n);
        }
        this.cycles = n;
        return this;
    }

    /**
     * Sets the seed of the write contents and the kill schedule.
     *
     * @param seed the seed; default {@link #seedProperty()}
     * @return this harness
     */
    public CrashHarness seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Sets where expected-state files, the child's stderr and its temporary files go. Files of clean
     * cycles are deleted; those of a failing cycle are kept.
     *
     * @param dir a directory, created if absent; default a new temporary directory, deleted after a clean
     *     run
     * @return this harness
     */
    public CrashHarness workDir(Path dir) {
        this.workDir = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * Sets the range of the seeded random wait between the child's ready line and the kill.
     *
     * @param min the shortest wait
     * @param max the longest wait, at least {@code min}
     * @return this harness
     */
    public CrashHarness killDelay(Duration min, Duration max) {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("bad kill delay range " + min + ".." + max);
        }
        this.minKillDelay = min;
        this.maxKillDelay = max;
        return this;
    }

    /**
     * Sets the percentage of cycles killed at a random moment before the child's ready line (while the
     * JVM starts or the engine opens and recovers the store), timed from how long the last child took to
     * get ready.
     *
     * @param percent 0 to 100; default {@link #DEFAULT_STARTUP_KILL_PERCENT}
     * @return this harness
     */
    public CrashHarness killDuringStartup(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100, got " + percent);
        }
        this.startupKillPercent = percent;
        return this;
    }

    /**
     * Sets how many writes of earlier cycles are read again after each kill: all of them while there are
     * at most this many, else a slice of this many that rotates through the store.
     *
     * @param writes 0 or more; default {@link #DEFAULT_RECHECK_LIMIT}
     * @return this harness
     */
    public CrashHarness recheckLimit(long writes) {
        if (writes < 0) {
            throw new IllegalArgumentException("recheck limit must be >= 0, got " + writes);
        }
        this.recheckLimit = writes;
        return this;
    }

    /**
     * Sets how long a child may take to print its ready line.
     *
     * @param timeout the timeout; default {@link #DEFAULT_READY_TIMEOUT}
     * @return this harness
     */
    public CrashHarness readyTimeout(Duration timeout) {
        this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Reports progress: one line every {@code everyCycles} cycles.
     *
     * @param sink where lines go, e.g. {@code System.out::println}
     * @param everyCycles 1 or more
     * @return this harness
     */
    public CrashHarness progress(Consumer<String> sink, int everyCycles) {
        if (everyCycles < 1) {
            throw new IllegalArgumentException("everyCycles must be >= 1, got " + everyCycles);
        }
        this.progress = Objects.requireNonNull(sink, "sink");
        this.progressEvery = everyCycles;
        return this;
    }

    /**
     * The cycle count asked for with {@code -Dplinth.crashCycles=N}. The build passes the property even
     * when unset, so an empty, unresolved or invalid value means the default.
     *
     * @param defaultCycles the count when the property gives none
     * @return the count, 1 or more
     */
    public static int cyclesProperty(int defaultCycles) {
        String v = System.getProperty("plinth.crashCycles");
        if (v != null) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // empty or "${plinth.crashCycles}": the default
            }
        }
        return defaultCycles;
    }

    /**
     * The seed asked for with {@code -Dplinth.seed=N}, or a fresh random one when the property is unset,
     * empty or invalid.
     *
     * @return the seed
     */
    public static long seedProperty() {
        String v = System.getProperty("plinth.seed");
        if (v != null) {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                // empty or "${plinth.seed}": a fresh seed
            }
        }
        return new SplittableRandom().nextLong();
    }

    /**
     * Runs the cycles.
     *
     * @return the report; check {@link CrashReport#clean()} or call {@link CrashReport#assertClean()}
     * @throws IllegalArgumentException if the engine is not persistent or honours neither {@code SYNC} nor
     *     {@code PROCESS}
     * @throws IllegalStateException if the store already holds workload keys
     * @throws UncheckedIOException if the work directory cannot be used or a child cannot be started
     */
    public CrashReport run() {
        long t0 = System.nanoTime();
        List<Durability> levels = prepareStore();
        Path work;
        try {
            work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("plinth-crash-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory", e);
        }
        Path childTmp = work.resolve("child-tmp");
        Run r = new Run(levels, work, childTmp);
        try {
            r.cycles();
        } finally {
            deleteRecursively(childTmp);
        }
        CrashReport report = new CrashReport(uri, seed, levels, cycles, r.cyclesDone, r.startupKills, r.sync,
                r.process, r.batches, r.inFlightPresent, r.inFlightAbsent, r.rechecked, r.high + 1, r.violations,
                work, Duration.ofNanos(System.nanoTime() - t0));
        if (workDir == null && report.violations().isEmpty()) {
            deleteRecursively(work);
        }
        return report;
    }

    /** Checks the engine and the store, creates the keyspaces, and picks the durability levels. */
    private List<Durability> prepareStore() {
        try (Store store = Plinth.open(uri)) {
            Capabilities caps = store.capabilities();
            if (!caps.persistent()) {
                throw new IllegalArgumentException(uri + " is not persistent; the crash harness needs a store that "
                        + "survives its process: " + caps);
            }
            List<Durability> levels = CrashWorkload.levels(caps);
            if (levels.isEmpty()) {
                throw new IllegalArgumentException(uri + " honours neither SYNC nor PROCESS: " + caps);
            }
            for (String name : List.of(WriteSpec.KEYSPACE_A, WriteSpec.KEYSPACE_B)) {
                Keyspace ks = store.createKeyspace(name);
                if (!ks.scan(Range.all(), ScanOptions.forward().withLimit(1).withKeysOnly(true)).isEmpty()) {
                    throw new IllegalStateException("keyspace " + name + " of " + uri
                            + " is not empty; the crash harness needs a fresh store");
                }
            }
            return levels;
        }
    }

    /** The state of one {@link #run()}. */
    private final class Run {
        private final List<Durability> levels;
        private final Path work;
        private final Path childTmp;
        private final CrashChecker checker;
        private final Random schedule = new Random(seed);
        private final List<CrashViolation> violations = new ArrayList<>();
        private long high = -1;
        private long recheckNext;
        private long lastReadyNanos;
        private int cyclesDone;
        private int startupKills;
        private long sync;
        private long process;
        private long batches;
        private long inFlightPresent;
        private long inFlightAbsent;
        private long rechecked;

        Run(List<Durability> levels, Path work, Path childTmp) {
            this.levels = levels;
            this.work = work;
            this.childTmp = childTmp;
            this.checker = new CrashChecker(seed, levels);
        }

        void cycles() {
            for (int cycle = 0; cycle < cycles; cycle++) {
                if (!cycle(cycle)) {
                    return;
                }
                cyclesDone++;
                if (progress != null && (cycle + 1) % progressEvery == 0) {
                    progress.accept("crash: " + uri + " cycle " + (cycle + 1) + "/" + cycles + ", "
                            + (sync + process) + " writes verified, " + (high + 1) + " in the store");
                }
            }
        }

        /** Runs and checks one cycle; {@code false} if it found violations. */
        private boolean cycle(int cycle) {
            long startSeq = high + 1;
            // Both draws happen every cycle, so the schedule of later cycles depends only on the seed.
            boolean startupKill = schedule.nextInt(100) < startupKillPercent && lastReadyNanos > 0;
            double draw = schedule.nextDouble();
            long delayNanos = minKillDelay.toNanos() + (long) (draw * (maxKillDelay.toNanos() - minKillDelay.toNanos()));
            Path acks = work.resolve(String.format("cycle-%05d.acks", cycle));
            Path stderr = work.resolve(String.format("cycle-%05d.stderr", cycle));
            ChildRun child = runChild(startSeq, acks, stderr, startupKill ? (long) (draw * lastReadyNanos) : -1,
                    delayNanos);
            String childErr = readTail(stderr);
            if (child.failure != null) {
                violations.add(new CrashViolation(cycle, seed, Kind.CHILD_FAILED, child.failure, childErr));
                return false;
            }
            if (child.readyNanos > 0) {
                lastReadyNanos = child.readyNanos;
            }
            if (!child.gotReady) {
                startupKills++;
            }
            ExpectedStateFile.Contents expected = ExpectedStateFile.read(acks);
            long from;
            long to;
            if (startSeq <= recheckLimit) {
                from = 0;
                to = startSeq;
            } else {
                from = recheckNext >= startSeq ? 0 : recheckNext;
                to = Math.min(startSeq, from + recheckLimit);
                recheckNext = to;
            }
            CrashChecker.CycleCheck result;
            Store store;
            try {
                store = Plinth.open(uri);
            } catch (RuntimeException e) {
                violations.add(new CrashViolation(cycle, seed, Kind.OPEN_FAILED,
                        "the store did not open after the kill: " + stackTrace(e), childErr));
                return false;
            }
            try {
                result = checker.check(store, cycle, startSeq, expected, from, to);
            } catch (RuntimeException e) {
                violations.add(new CrashViolation(cycle, seed, Kind.READ_FAILED,
                        "reading the store after the kill failed: " + stackTrace(e), childErr));
                store.close();
                return false;
            }
            store.close();
            sync += result.verified.getOrDefault(Durability.SYNC, 0L);
            process += result.verified.getOrDefault(Durability.PROCESS, 0L);
            batches += result.batchesVerified;
            rechecked += result.rechecked;
            if (result.inFlightPresent != null && child.gotReady) {
                if (result.inFlightPresent) {
                    inFlightPresent++;
                } else {
                    inFlightAbsent++;
                }
            }
            if (!result.clean()) {
                for (int i = 0; i < result.violations.size(); i++) {
                    CrashViolation v = result.violations.get(i);
                    String extra = (expected.tornTail() == null ? "" : " [torn last record ignored: "
                            + expected.tornTail() + "]");
                    violations.add(new CrashViolation(v.cycle(), v.seed(), v.kind(),
                            v.description() + (i == 0 ? extra : ""), i == 0 ? childErr : ""));
                }
                return false;
            }
            high = result.highestPresent;
            deleteQuietly(acks);
            deleteQuietly(stderr);
            return true;
        }

        /**
         * What happened to one child.
         *
         * @param gotReady whether it printed its ready line before the kill
         * @param readyNanos how long it took to get ready, or -1 if not measured
         * @param failure why the cycle failed, or {@code null}
         */
        private record ChildRun(boolean gotReady, long readyNanos, String failure) {
        }

        /**
         * Starts a child, waits for its ready line (unless {@code startupKillNanos >= 0}: then kills it that
         * long after its start, ready or not) plus {@code delayNanos}, kills it with SIGKILL and waits for
         * its death.
         */
        private ChildRun runChild(long startSeq, Path acks, Path stderr, long startupKillNanos, long delayNanos) {
            deleteRecursively(childTmp);
            deleteQuietly(acks);
            try {
                Files.createDirectories(childTmp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + childTmp, e);
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(ChildJvm.javaBinary());
            cmd.addAll(CHILD_JVM_ARGS);
            cmd.addAll(jvmArgs);
            // Native libraries an engine extracts (rocksdbjni, lmdbjava) land here and are deleted after the
            // kill: a killed JVM never runs its deleteOnExit.
            cmd.add("-Djava.io.tmpdir=" + childTmp);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(CrashWorkload.class.getName());
            cmd.addAll(List.of(uri, Long.toString(seed), Long.toString(startSeq), CrashWorkload.formatLevels(levels),
                    acks.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectError(stderr.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            long started = System.nanoTime();
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the child JVM: " + cmd, e);
            }
            LIVE_CHILDREN.add(p);
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = readStdout(p, ready);
            try {
                long readyNanos = -1;
                if (startupKillNanos >= 0) {
                    // Waiting on the process, not sleeping, so a child that dies by itself is reported at once.
                    p.waitFor(startupKillNanos, TimeUnit.NANOSECONDS);
                } else {
                    long deadline = started + readyTimeout.toNanos();
                    while (ready.getCount() > 0 && p.isAlive() && System.nanoTime() < deadline) {
                        ready.await(20, TimeUnit.MILLISECONDS);
                    }
                    if (ready.getCount() > 0 && p.isAlive()) {
                        return new ChildRun(false, -1, "the child did not get ready within " + readyTimeout);
                    }
                    if (!sawReady(p, ready, reader)) {
                        return new ChildRun(false, -1, "the child exited with status " + p.exitValue()
                                + " before it got ready");
                    }
                    readyNanos = System.nanoTime() - started;
                    p.waitFor(delayNanos, TimeUnit.NANOSECONDS);
                }
                if (!p.isAlive()) {
                    boolean gotReady = sawReady(p, ready, reader);
                    return new ChildRun(gotReady, readyNanos, "the child exited by itself with status " + p.exitValue()
                            + " before the kill, " + (gotReady ? "after" : "before") + " its ready line");
                }
                boolean gotReady = ready.getCount() == 0;
                long pid = p.pid();
                p.destroyForcibly();
                boolean ended = p.waitFor(DEATH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                String failure = notKilledBySigkill(pid, ended, ended ? p.exitValue() : -1,
                        ended && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                return new ChildRun(gotReady, readyNanos, failure);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running a crash child", e);
            } finally {
                kill(p);
                LIVE_CHILDREN.remove(p);
                try {
                    reader.join(DEATH_TIMEOUT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Whether the child printed its ready line. For a dead child, waits for the reader to reach the end of
     * its stdout first: a child that printed the line and died at once may leave the line in the pipe
     * after {@link Process#isAlive()} turns false.
     */
    private static boolean sawReady(Process p, CountDownLatch ready, Thread reader) throws InterruptedException {
        if (ready.getCount() > 0 && !p.isAlive()) {
            reader.join(DEATH_TIMEOUT.toMillis());
        }
        return ready.getCount() == 0;
    }

    /**
     * Why a child's end after {@code destroyForcibly()} does not show that SIGKILL ended it, or {@code null}
     * if it does. A status other than {@link #SIGKILL_STATUS} means the child ended by itself (for example
     * it exited between the liveness check and the kill), so whatever the check finds was not left by a
     * kill.
     *
     * @param pid the child's process id
     * @param ended whether it ended within the wait
     * @param status its exit status, if it ended
     * @param pidAlive whether a process with its pid is still alive after it was reaped
     * @return the failure, or {@code null}
     */
    static String notKilledBySigkill(long pid, boolean ended, int status, boolean pidAlive) {
        if (!ended) {
            return "the child " + pid + " was still alive " + DEATH_TIMEOUT + " after SIGKILL";
        }
        if (status != SIGKILL_STATUS) {
            return "the child " + pid + " ended with status " + status + ", not by SIGKILL (status " + SIGKILL_STATUS
                    + ")";
        }
        if (pidAlive) {
            return "the child " + pid + " was reaped with status " + status + " but a process with its pid is still "
                    + "alive";
        }
        return null;
    }

    /** Reads the child's stdout on a daemon thread, counting down {@code ready} at the ready line. */
    private static Thread readStdout(Process p, CountDownLatch ready) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(CrashWorkload.READY_LINE)) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the child died; its exit status tells the rest
            }
        }, "crash-child-stdout-" + p.pid());
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Kills a child and whatever it started, and waits for it; closes its stdin. Safe on a dead one. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(DEATH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // the pipe of a dead process
        }
    }

    private static String readTail(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.length() <= STDERR_KEPT_CHARS ? s : "..." + s.substring(s.length() - STDERR_KEPT_CHARS);
        } catch (IOException e) {
            return "";
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().strip();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover file in the work directory is harmless
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(CrashHarness::deleteQuietly);
        } catch (IOException e) {
            // best effort: what is left is in a temporary directory
        }
    }
}
