package dev.plinth.cli.bench;

import dev.plinth.Durability;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plinth raftlog bench}: the Raft log workload of issue 13 on the logs of {@code plinth-raftlog} side by
 * side: entries of {@code --entry-size} bytes appended in batches, one append call per batch at the chosen
 * durability (an fsync per batch at {@code sync}), from one thread per group; then {@code entry()} at random
 * indexes, {@code lastIndex} and purges of 10,000 entries. Prints entries per second (and the ratio to the first
 * log) and latency percentiles. See {@code docs/raftlog.md}.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Benchmark Raft logs side by side: entries appended in batches with one append call (and, "
                + "at --durability sync, one fsync) per batch from one thread per group, then entry() at random "
                + "indexes, lastIndex and purges of 10,000 entries. Every entry read is checked; wrong data fails "
                + "the run (exit 1).",
            "A LOG is shared:[dir] (the shared log), segmented:[dir] (the per-group segmented log), either with "
                + "?compression=lz4, or any Plinth store URI (the log on that store, such as lsm: or rocksdb:). A "
                + "bare scheme gets a temporary directory, deleted afterwards; an explicit path must be new or an "
                + "empty directory and keeps one log per cell (g<groups>-b<batch>)."},
        footer = {"", "Example: PLINTH_JAVA_OPTS=\"" + Environment.RECOMMENDED_OPTS + "\" bin/plinth raftlog bench "
                + "shared: segmented: lsm: rocksdb: --groups 1,8 --batch 64,256 -d 5s"})
public final class RaftLogBenchCommand implements Callable<Integer> {
    /** The logs benchmarked when none is given. */
    public static final List<String> DEFAULT_LOGS = List.of("shared:", "segmented:", "lsm:");

    @Parameters(paramLabel = "LOG", arity = "0..*",
            description = "Logs to benchmark, the first being the reference for ratios (default: shared: "
                    + "segmented: lsm:).")
    List<String> logs = new ArrayList<>();

    @Option(names = "--groups", paramLabel = "LIST", defaultValue = "1,8",
            description = "Comma-separated numbers of groups, each appended to by its own thread (default: "
                    + "${DEFAULT-VALUE}).")
    String groups;

    @Option(names = "--batch", paramLabel = "LIST", defaultValue = "64,256",
            description = "Comma-separated entries per append call (default: ${DEFAULT-VALUE}).")
    String batches;

    @Option(names = "--entry-size", paramLabel = "BYTES", defaultValue = "128",
            description = "Bytes per entry payload, at least 16 (default: ${DEFAULT-VALUE}).")
    int entrySize;

    @Option(names = "--durability", paramLabel = "LEVEL", defaultValue = "sync",
            description = "Durability of appends and purges: sync, process or none (default: ${DEFAULT-VALUE}).")
    String durability;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "0",
            description = "Pipelined appends: appendAsync with up to N batches in flight per group, each counted "
                    + "once a force covers it (needs --durability sync); 0 for one append call at a time (default: "
                    + "${DEFAULT-VALUE}).")
    int depth;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", defaultValue = "2s",
            description = "Measured append time per cell, such as 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--batches", paramLabel = "N",
            description = "Append calls per group instead of a duration.")
    Long batchesPerGroup;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "500ms",
            description = "Unmeasured appends before the measured ones; 0 for none (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--reads", paramLabel = "N", defaultValue = "100000",
            description = "entry() and lastIndex calls measured per cell (default: ${DEFAULT-VALUE}).")
    int reads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seeds payloads and read indexes (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int self = args.lastIndexOf(spec.name());
        String command = ("plinth raftlog bench " + String.join(" ", args.subList(self + 1, args.size()))).trim();
        List<RaftLogBench.LogTarget> targets = new ArrayList<>();
        List<Integer> groupCounts;
        List<Integer> batchSizes;
        RaftLogBench.Settings settings;
        try {
            groupCounts = counts("--groups", groups, 1024);
            batchSizes = counts("--batch", batches, 1 << 20);
            if (entrySize < 16 || entrySize > (16 << 20)) {
                throw new IllegalArgumentException("--entry-size must be 16 to " + (16 << 20) + ", got " + entrySize);
            }
            if (reads < 0) {
                throw new IllegalArgumentException("--reads must not be negative, got " + reads);
            }
            if (batchesPerGroup != null && batchesPerGroup < 1) {
                throw new IllegalArgumentException("--batches must be at least 1, got " + batchesPerGroup);
            }
            if (depth < 0 || depth > 1024) {
                throw new IllegalArgumentException("--depth must be 0 to 1024, got " + depth);
            }
            if (depth > 0 && level(durability) != Durability.SYNC) {
                throw new IllegalArgumentException("--depth " + depth + " pipelines durable appends (appendAsync); "
                        + "it needs --durability sync, got " + durability);
            }
            settings = new RaftLogBench.Settings(entrySize, level(durability),
                    BenchCommand.parseDuration("--duration", duration),
                    batchesPerGroup == null ? 0 : batchesPerGroup, BenchCommand.parseDuration("--warmup", warmup),
                    reads, seed, depth);
            for (String l : logs.isEmpty() ? DEFAULT_LOGS : logs) {
                targets.add(new RaftLogBench.LogTarget(l));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Environment env = Environment.current();
        out.println("date:           " + env.date());
        out.println("machine:        " + env.os() + ", " + env.cores() + " cores");
        out.println("java:           " + env.java());
        out.println("heap:           " + env.heap());
        out.println("AlwaysPreTouch: " + (env.alwaysPreTouch() ? "on" : "off"));
        out.println("gc:             " + env.gc());
        if (!env.tuned()) {
            out.println("advice:         for steadier numbers fix and pre-touch the heap: PLINTH_JAVA_OPTS=\""
                    + Environment.RECOMMENDED_OPTS + "\"");
        }
        out.println("command:        " + command);
        out.println("entries:        " + entrySize + " bytes, appends and purges at " + settings.durability()
                + (depth > 0 ? "; appends pipelined with appendAsync, " + depth + " batches in flight per group "
                        + "(latency: from the call until the pipeline, full, takes its acknowledgement: an upper bound)" : ""));
        out.flush();
        List<RaftLogBench.Result> results = new ArrayList<>();
        RaftLogBench bench = new RaftLogBench(settings);
        try {
            for (int g : groupCounts) {
                for (int b : batchSizes) {
                    for (RaftLogBench.LogTarget t : targets) {
                        results.add(bench.run(t, g, b));
                    }
                }
            }
        } finally {
            targets.forEach(RaftLogBench.LogTarget::close);
        }
        print(out, results);
        out.flush();
        long errors = results.stream().mapToLong(RaftLogBench.Result::errors).sum();
        if (errors > 0) {
            PrintWriter err = spec.commandLine().getErr();
            for (RaftLogBench.Result r : results) {
                if (r.errors() > 0) {
                    err.println("plinth raftlog bench: " + r.log() + " returned wrong entries: " + r.errors()
                            + " of the entry() reads with " + r.groups() + " groups, batch " + r.batch());
                }
            }
            err.flush();
            return 1;
        }
        return 0;
    }

    private static void print(PrintWriter out, List<RaftLogBench.Result> results) {
        int w = Math.max(4, results.stream().mapToInt(r -> r.log().length()).max().orElse(4));
        out.println();
        out.println("append (all groups together; latency of one append call):");
        out.printf(Locale.ROOT, "  %-" + w + "s %6s %6s %12s %7s %10s %10s %10s%n", "log", "groups", "batch",
                "entries/s", "ratio", "p50", "p99", "p999");
        for (RaftLogBench.Result r : results) {
            RaftLogBench.Result ref = results.stream().filter(x -> x.groups() == r.groups() && x.batch() == r.batch())
                    .findFirst().orElse(r);
            double ratio = ref.entriesPerSecond() == 0 ? 0 : r.entriesPerSecond() / ref.entriesPerSecond();
            out.printf(Locale.ROOT, "  %-" + w + "s %6d %6d %,12.0f %7.2f %10s %10s %10s%n", r.log(), r.groups(),
                    r.batch(), r.entriesPerSecond(), ratio, p(r.append(), 50), p(r.append(), 99),
                    p(r.append(), 99.9));
        }
        out.println();
        out.println("reads and purges (after the appends, one thread; purge of " + String.format(Locale.ROOT, "%,d",
                RaftLogBench.PURGE_STEP) + " entries of group 1 at a time):");
        out.printf(Locale.ROOT, "  %-" + w + "s %6s %6s %11s %10s %10s %10s %10s %10s %10s %10s %10s %6s%n", "log",
                "groups", "batch", "entries", "entry p50", "entry p99", "entry p999", "last p50", "last p99",
                "last p999", "purge p50", "purge max", "purges");
        for (RaftLogBench.Result r : results) {
            out.printf(Locale.ROOT, "  %-" + w + "s %6d %6d %,11d %10s %10s %10s %10s %10s %10s %10s %10s %6d%n",
                    r.log(), r.groups(), r.batch(), r.entries(), p(r.entry(), 50), p(r.entry(), 99),
                    p(r.entry(), 99.9), p(r.lastIndex(), 50), p(r.lastIndex(), 99), p(r.lastIndex(), 99.9),
                    p(r.purge(), 50), r.purge().getTotalCount() == 0 ? "-" : time(r.purge().getMaxValue()),
                    r.purge().getTotalCount());
        }
    }

    private static String p(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : time(h.getValueAtPercentile(percentile));
    }

    /** A time in nanoseconds with a unit that keeps three figures: 812 ns, 12.3 us, 1.25 ms, 2.00 s. */
    static String time(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        } else if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        } else if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static Durability level(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "sync" -> Durability.SYNC;
            case "process" -> Durability.PROCESS;
            case "none" -> Durability.NONE;
            default -> throw new IllegalArgumentException("--durability '" + text
                    + "' is not one of sync, process, none");
        };
    }

    private static List<Integer> counts(String option, String text, int max) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " '" + text + "' is not a comma-separated list of "
                        + "numbers");
            }
            if (n < 1 || n > max) {
                throw new IllegalArgumentException(option + " values must be 1 to " + max + ", got " + n);
            }
            out.add(n);
        }
        return out;
    }
}
