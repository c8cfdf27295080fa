package dev.plinth.cli.bench;

import dev.plinth.Capabilities;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.cli.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Runs a whole benchmark: opens and loads one shared store per URI, warms each up, then runs the plan
 * ({@link #plan(int, List, int)}): for each round, for each workload, each URI in turn, the order of URIs
 * rotating from round to round so that drift of the machine hits every URI alike. Results are merged
 * over rounds and printed per workload as soon as its last round is done.
 *
 * <p>Used by one thread; closes every store and deletes every temporary directory it made, also on failure.
 */
final class BenchRunner {
    /** Puts per batch while loading. */
    static final int LOAD_BATCH = 1000;

    private final BenchSettings settings;
    private final Environment environment;
    private final String command;
    private final PrintWriter out;
    private final Records records;
    private final Map<Long, int[]> permutations = new HashMap<>();
    private final List<String> labels;
    private final List<Target> targets = new ArrayList<>();
    private StepObserver observer = (workload, label, measurement, store) -> { };

    /** Sees each measured run and its store before the store is closed; a test hook. */
    @FunctionalInterface
    interface StepObserver {
        /**
         * Called on the coordinating thread after a measured run, while its store is still open.
         *
         * @param workload the workload
         * @param label the URI's label
         * @param measurement what the run measured
         * @param store the store it ran on
         */
        void measured(Workload workload, String label, Measurement measurement, Store store);
    }

    /**
     * Sets the test hook.
     *
     * @param observer sees every measured run
     * @return this runner
     */
    BenchRunner observe(StepObserver observer) {
        this.observer = observer;
        return this;
    }

    /**
     * Prepares a run.
     *
     * @param settings the checked settings
     * @param environment the machine and JVM, for the header
     * @param command the command line, for the header
     * @param out where tables go
     */
    BenchRunner(BenchSettings settings, Environment environment, String command, PrintWriter out) {
        this.settings = settings;
        this.environment = environment;
        this.command = command;
        this.out = out;
        this.records = new Records(settings.keySize(), settings.valueSize(), settings.seed());
        if (settings.keys() > records.idLimit() / 2) {
            throw new IllegalArgumentException("--keys " + settings.keys() + " needs a --key-size over "
                    + settings.keySize() + " (keys hold " + (settings.keySize() - 1)
                    + " digits, and inserts need room)");
        }
        this.labels = BenchCommand.labels(settings.uris(), settings.durability());
        Set<Path> paths = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            Target t = new Target(settings.uris().get(i), labels.get(i), settings.durability());
            if (t.explicitPath() != null && !paths.add(t.explicitPath())) {
                throw new IllegalArgumentException("two URIs name the same directory " + t.explicitPath());
            }
            targets.add(t);
        }
    }

    /** One run of a workload on one URI, in plan order. */
    record Step(int round, Workload workload, int target) {
    }

    /**
     * The order of runs: rounds, then workloads, then URIs, starting each round at the next URI.
     *
     * @param rounds rounds
     * @param workloads workloads in run order
     * @param targets number of URIs
     * @return the steps in order
     */
    static List<Step> plan(int rounds, List<Workload> workloads, int targets) {
        List<Step> steps = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (Workload w : workloads) {
                for (int i = 0; i < targets; i++) {
                    steps.add(new Step(r, w, (r + i) % targets));
                }
            }
        }
        return steps;
    }

    /**
     * Runs the benchmark.
     *
     * @return the report
     */
    BenchReport run() {
        List<Target.Opened> shared = new ArrayList<>();
        List<InsertCounter> counters = new ArrayList<>();
        List<LoadResult> loads = new ArrayList<>();
        Map<String, String> workloads = new LinkedHashMap<>();
        for (Workload w : settings.workloads()) {
            workloads.put(w.id(), w.description());
        }
        Map<String, Tally> tallies = new LinkedHashMap<>();
        List<Map.Entry<String, String>> header = header();
        out.print(ReportFormat.textHeader(header));
        out.println();
        out.flush();
        try {
            for (Target t : targets) {
                Target.Opened o = t.open("shared", true);
                shared.add(o);
                checkLimits(t, o.store().capabilities());
            }
            for (int i = 0; i < targets.size(); i++) {
                loads.add(loadShared(targets.get(i), shared.get(i)));
                counters.add(new InsertCounter(settings.keys()));
            }
            out.print(ReportFormat.textLoad(loads));
            out.println();
            out.flush();
            if (!settings.warmup().isZero()) {
                for (int i = 0; i < targets.size(); i++) {
                    warmUp(targets.get(i), shared.get(i), counters.get(i));
                }
            }
            List<Step> plan = plan(settings.rounds(), settings.workloads(), targets.size());
            for (int s = 0; s < plan.size(); s++) {
                Step step = plan.get(s);
                int t = step.target();
                Tally tally = tallies.computeIfAbsent(step.workload().id() + "\u0000" + labels.get(t),
                        k -> new Tally(step.workload().id(), labels.get(t)));
                runStep(step, targets.get(t), shared.get(t), counters.get(t), tally);
                boolean lastOfWorkload = s + 1 == plan.size() || plan.get(s + 1).workload() != step.workload()
                        || plan.get(s + 1).round() != step.round();
                if (lastOfWorkload && step.round() == settings.rounds() - 1) {
                    BenchReport partial = report(header, loads, workloads, tallies);
                    out.print(ReportFormat.textWorkload(partial, step.workload().id()));
                    out.println();
                    out.flush();
                }
            }
        } finally {
            RuntimeException failure = null;
            for (Target.Opened o : shared) {
                try {
                    o.close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            for (Target t : targets) {
                t.close();
            }
            if (failure != null) {
                throw failure;
            }
        }
        BenchReport report = report(header, loads, workloads, tallies);
        if (labels.size() > 1) {
            out.print(ReportFormat.textSummary(report));
            out.println();
        }
        out.flush();
        return report;
    }

    private BenchReport report(List<Map.Entry<String, String>> header, List<LoadResult> loads,
                               Map<String, String> workloads, Map<String, Tally> tallies) {
        List<Result> results = new ArrayList<>();
        for (Tally t : tallies.values()) {
            results.add(t.result());
        }
        return new BenchReport(header, labels, loads, workloads, results);
    }

    private void checkLimits(Target t, Capabilities caps) {
        if (settings.keySize() > caps.maxKeySize()) {
            throw new IllegalArgumentException("--key-size " + settings.keySize() + " is over the " + t.scheme()
                    + " engine's limit of " + caps.maxKeySize() + " bytes");
        }
        if (settings.valueSize() > caps.maxValueSize()) {
            throw new IllegalArgumentException("--value-size " + settings.valueSize() + " is over the "
                    + t.scheme() + " engine's limit of " + caps.maxValueSize() + " bytes");
        }
    }

    private LoadResult loadShared(Target t, Target.Opened o) {
        long nanos = load(o.store(), "load " + t.label());
        return new LoadResult(t.label(), t.durability().name(), settings.keys(), nanos, o.diskBytes());
    }

    /**
     * Writes every record in ascending order in batches, then flushes.
     *
     * @return the time it took
     */
    private long load(Store store, String label) {
        Keyspace ks = store.defaultKeyspace();
        Capabilities caps = store.capabilities();
        long perRecord = settings.keySize() + (long) settings.valueSize();
        int batchSize = (int) Math.max(1, Math.min(Math.min(LOAD_BATCH, caps.maxBatchOps()),
                caps.maxBatchBytes() / perRecord));
        long start = System.nanoTime();
        try (Progress bar = Progress.start(label, settings.keys())) {
            WriteBatch batch = new WriteBatch();
            for (long id = 0; id < settings.keys(); id++) {
                batch.put(ks, records.key(id), records.value(id, 0));
                if (batch.size() == batchSize || id == settings.keys() - 1) {
                    store.write(batch);
                    bar.advance(batch.size());
                    batch = new WriteBatch();
                }
            }
        }
        store.flush();
        return System.nanoTime() - start;
    }

    /** Overwrites, then reads, unmeasured, so that JIT compilation is done before the first measurement. */
    private void warmUp(Target t, Target.Opened o, InsertCounter counter) {
        long half = settings.warmup().toNanos() / 2;
        for (Workload w : List.of(Workload.OVERWRITE, Workload.READRANDOM)) {
            WorkloadContext c = context(o.store(), counter, settings.keys(), w, -1);
            Measurement m = PhaseRunner.run("warm-up " + t.label(), workers(w, c), null, Math.max(1, half), 0, -1);
            if (m.errors() + m.misses() > 0) {
                throw new IllegalStateException(t.label() + " returned wrong data while warming up: " + m.firstProblem());
            }
        }
    }

    private void runStep(Step step, Target target, Target.Opened sharedStore, InsertCounter sharedCounter,
                         Tally tally) {
        Workload w = step.workload();
        String skip = w.skipReason(sharedStore.store().capabilities());
        if (skip != null) {
            tally.skip(skip);
            return;
        }
        String label = w.id() + " " + target.label();
        long durationNanos = settings.duration() == null ? 0 : settings.duration().toNanos();
        switch (w.storeUse()) {
            case SHARED -> {
                if (!settings.warmup().isZero()) {
                    WorkloadContext wc = context(sharedStore.store(), sharedCounter, settings.keys(), w, step.round());
                    Measurement m = PhaseRunner.run("warm-up " + label, workers(w, wc), w.background(wc),
                            settings.warmup().toNanos(), 0, -1);
                    tally.addProblems(m);
                }
                WorkloadContext c = context(sharedStore.store(), sharedCounter, settings.keys(), w, step.round());
                Measurement m = measure(label, w, c, durationNanos, -1);
                observer.measured(w, target.label(), m, sharedStore.store());
                tally.add(m, sharedStore.diskBytes());
            }
            case EMPTY, LOADED -> {
                try (Target.Opened fresh = target.open(w.id(), false)) {
                    if (w.storeUse() == Workload.StoreUse.LOADED) {
                        load(fresh.store(), "load " + label);
                    }
                    long loaded = w.storeUse() == Workload.StoreUse.LOADED ? settings.keys() : 0;
                    WorkloadContext c = context(fresh.store(), new InsertCounter(loaded), settings.keys(), w,
                            step.round());
                    Measurement m = measure(label, w, c, durationNanos, settings.keys());
                    observer.measured(w, target.label(), m, fresh.store());
                    tally.add(m, fresh.diskBytes());
                }
            }
            default -> throw new AssertionError(w.storeUse());
        }
    }

    private Measurement measure(String label, Workload w, WorkloadContext c, long durationNanos, long bounded) {
        List<Worker> workers = workers(w, c);
        Worker background = w.background(c);
        // Garbage from the previous run (maybe another engine's) is collected now, not during this one.
        System.gc();
        long total = settings.ops() > 0 ? (bounded > 0 ? Math.min(bounded, settings.ops()) : settings.ops()) : bounded;
        return PhaseRunner.run(label, workers, background, durationNanos, settings.ops(), total);
    }

    private List<Worker> workers(Workload w, WorkloadContext c) {
        List<Worker> list = new ArrayList<>();
        for (int i = 0; i < settings.threads(); i++) {
            list.add(w.worker(c, i));
        }
        return list;
    }

    private WorkloadContext context(Store store, InsertCounter counter, long keys, Workload w, int round) {
        long seed = settings.seed() * 1_000_003L + w.ordinal() * 7919L + round;
        return new WorkloadContext(store.defaultKeyspace(), records, keys, counter, settings.threads(), seed,
                this::permutation);
    }

    /**
     * A seeded permutation of all record ids, the same for every URI.
     *
     * @param salt which permutation (fillrandom and deleterandom use different ones)
     * @return the shared array; not to be changed
     */
    private synchronized int[] permutation(long salt) {
        return permutations.computeIfAbsent(salt, s -> {
            int n = (int) settings.keys();
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            SplittableRandom rnd = new SplittableRandom(settings.seed() * 31 + s);
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int tmp = p[i];
                p[i] = p[j];
                p[j] = tmp;
            }
            return p;
        });
    }

    private List<Map.Entry<String, String>> header() {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(entry("date", environment.date()));
        h.add(entry("machine", environment.os() + ", " + environment.cores() + " cores"));
        h.add(entry("java", environment.java()));
        h.add(entry("heap", environment.heap()));
        h.add(entry("AlwaysPreTouch", environment.alwaysPreTouch() ? "on" : "off"));
        h.add(entry("gc", environment.gc()));
        if (!environment.tuned()) {
            h.add(entry("advice", "for steadier numbers fix and pre-touch the heap: PLINTH_JAVA_OPTS=\""
                    + Environment.RECOMMENDED_OPTS + "\" bin/plinth bench ..."));
        }
        h.add(entry("command", command));
        h.add(entry("uris", String.join(" ", settings.uris())));
        h.add(entry("workloads", workloadList()));
        h.add(entry("data", String.format(Locale.ROOT, "%,d keys of %d bytes, values of %d bytes, seed %d",
                settings.keys(), settings.keySize(), settings.valueSize(), settings.seed())));
        h.add(entry("run", settings.threads() + " threads; "
                + (settings.duration() != null ? human(settings.duration()) + " per workload and URI"
                        : String.format(Locale.ROOT, "%,d operations per workload and URI", settings.ops()))
                + "; warm-up " + human(settings.warmup()) + "; " + settings.rounds() + " round"
                + (settings.rounds() == 1 ? "" : "s")));
        h.add(entry("durability", settings.durability().flag() + switch (settings.durability()) {
            case WEAKEST -> " (the weakest level each engine honours; see the load table)";
            case ENGINE -> " (each engine's own default; see the load table)";
            default -> " (every store)";
        }));
        return h;
    }

    private String workloadList() {
        List<String> ids = new ArrayList<>();
        for (Workload w : settings.workloads()) {
            ids.add(w.id());
        }
        return String.join(",", ids);
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return ms + "ms";
    }

    private static Map.Entry<String, String> entry(String k, String v) {
        return new AbstractMap.SimpleImmutableEntry<>(k, v);
    }

    /**
     * Writes report.md, results.csv and the charts.
     *
     * @param report the report
     * @param dir the directory, created if needed
     * @param out where to say what was written
     */
    static void writeReport(BenchReport report, Path dir, PrintWriter out) {
        try {
            Files.createDirectories(dir);
            Map<String, String> charts = new LinkedHashMap<>();
            String chartProblem = null;
            try {
                Charts.write(report, dir);
                charts.put(Charts.OPS_FILE, "Operations per second, per workload and URI");
                charts.put(Charts.LATENCY_FILE, "Latency percentiles (microseconds, log scale), per workload and URI");
            } catch (IOException | RuntimeException | LinkageError e) {
                chartProblem = e.toString();
            }
            Files.writeString(dir.resolve("report.md"), ReportFormat.markdown(report, charts), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("results.csv"), ReportFormat.csv(report), StandardCharsets.UTF_8);
            out.println("report: " + dir.resolve("report.md") + ", " + dir.resolve("results.csv")
                    + (charts.isEmpty() ? "" : ", " + dir.resolve(Charts.OPS_FILE) + ", " + dir.resolve(Charts.LATENCY_FILE)));
            if (chartProblem != null) {
                throw new IllegalStateException("could not draw the charts: " + chartProblem);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Merges one workload's measurements on one URI over rounds. */
    static final class Tally {
        private final String workload;
        private final String uri;
        private final Histogram latency = new Histogram(3);
        private long ops;
        private long nanos;
        private long errors;
        private long misses;
        private String problem;
        private long diskBytes = -1;
        private long backgroundOps;
        private final Map<String, Long> counters = new LinkedHashMap<>();
        private String skip;

        Tally(String workload, String uri) {
            this.workload = workload;
            this.uri = uri;
        }

        void skip(String reason) {
            this.skip = reason;
        }

        void add(Measurement m, long disk) {
            ops += m.ops();
            nanos += m.nanos();
            latency.add(m.latency());
            backgroundOps += m.backgroundOps();
            diskBytes = disk;
            addProblems(m);
            m.counters().forEach((k, v) -> counters.merge(k, v, Long::sum));
        }

        void addProblems(Measurement m) {
            errors += m.errors();
            misses += m.misses();
            if (problem == null) {
                problem = m.firstProblem();
            }
        }

        Result result() {
            if (skip != null && ops == 0) {
                return Result.skipped(workload, uri, skip);
            }
            List<String> notes = new ArrayList<>();
            if (backgroundOps > 0 && nanos > 0) {
                notes.add(String.format(Locale.ROOT, "background writer: %,.0f puts/s", backgroundOps * 1e9 / nanos));
            }
            counters.forEach((k, v) -> notes.add(String.format(Locale.ROOT, "%s: %,d", k, v)));
            if (problem != null) {
                notes.add("first problem: " + problem);
            }
            return new Result(workload, uri, ops, nanos, latency.getValueAtPercentile(50),
                    latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9), latency.getMaxValue(),
                    diskBytes, errors, misses, notes.isEmpty() ? null : String.join("; ", notes), false);
        }
    }
}
