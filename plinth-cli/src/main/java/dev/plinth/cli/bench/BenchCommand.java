package dev.plinth.cli.bench;

import dev.plinth.cli.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plinth bench}: runs LevelDB-style and YCSB workloads on one or more stores side by side and
 * reports throughput, latency percentiles, bytes on disk and the ratio to the first store. See
 * {@code docs/bench.md}.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Benchmark stores side by side: db_bench-style workloads and the YCSB core mixes A to F, "
                + "interleaved across the URIs so that machine drift hits them alike. Every read is checked; wrong "
                + "data or missing keys fail the run (exit 1).",
            "With no URI, benchmarks the default embedded engine (" + BenchCommand.DEFAULT_URI + "). A bare scheme "
                + "such as rocksdb: gets a temporary directory, deleted afterwards; an explicit path must be new or "
                + "an empty directory. A URI may name decorators, measured beside the bare engine: "
                + "rocksdb: rocksdb:?cache=64m."},
        footer = {"", "Workloads: %n  " + "fillseq, fillrandom, overwrite, readrandom, readseq, readwhilewriting, "
                + "deleterandom, syncwrite, ycsb-a .. ycsb-f (or a .. f); groups: all, dbbench, ycsb.",
            "", "Example: PLINTH_JAVA_OPTS=\"" + Environment.RECOMMENDED_OPTS + "\" bin/plinth bench mem: rocksdb: lmdb: "
                + "--workloads readrandom,a,c --report target/bench"})
public final class BenchCommand implements Callable<Integer> {
    /** The store benchmarked when no URI is given: the embedded default engine. */
    public static final String DEFAULT_URI = "lsm:";

    @Parameters(paramLabel = "URI", arity = "0..*",
            description = "Stores to benchmark, the first being the reference for ratios (default: " + BenchCommand.DEFAULT_URI + ").")
    List<String> uris = new ArrayList<>();

    @Option(names = {"-w", "--workloads"}, paramLabel = "LIST", defaultValue = "all",
            description = "Comma-separated workloads or groups, run in the canonical order (default: ${DEFAULT-VALUE}).")
    String workloads;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "100000",
            description = "Records loaded, and written by the fills (default: ${DEFAULT-VALUE}).")
    long keys;

    @Option(names = "--key-size", paramLabel = "BYTES", defaultValue = "16",
            description = "Bytes per key, at least " + Records.MIN_KEY_SIZE + " (default: ${DEFAULT-VALUE}).")
    int keySize;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "100",
            description = "Bytes per value, at least " + Records.HEADER + " (default: ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Measured threads per workload (default: the number of cores).")
    Integer threads;

    @Option(names = "--durability", paramLabel = "LEVEL", defaultValue = "weakest",
            description = "Default durability of the stores: weakest (the weakest level each engine honours), "
                    + "engine (each engine's own default), none, process or sync (default: ${DEFAULT-VALUE}). "
                    + "syncwrite always writes with SYNC.")
    String durability;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", defaultValue = "2s",
            description = "Measured time per workload and URI, such as 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--ops", paramLabel = "N",
            description = "Operations per workload and URI instead of a duration.")
    Long ops;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s",
            description = "Unmeasured run of each workload before its measured run; 0 for none (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
            description = "Repeat the whole plan, rotating the URI order, and merge (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seeds data and requests, the same for every URI (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write report.md, results.csv, ops.png and latency.png into DIR.")
    Path report;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int self = args.indexOf(spec.name());
        String command = "plinth bench " + String.join(" ", args.subList(self + 1, args.size()));
        BenchSettings settings;
        BenchRunner runner;
        try {
            settings = settings();
            runner = new BenchRunner(settings, Environment.current(), command.trim(), out);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        BenchReport result = runner.run();
        if (settings.report() != null) {
            BenchRunner.writeReport(result, settings.report(), out);
        }
        out.flush();
        List<Result> failures = result.failures();
        if (!failures.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            for (Result r : failures) {
                err.println("plinth bench: " + r.uri() + " returned wrong data in " + r.workload() + ": "
                        + r.errors() + " errors, " + r.misses() + " misses; " + r.note());
            }
            err.flush();
            return 1;
        }
        return 0;
    }

    BenchSettings settings() {
        List<String> targets = uris.isEmpty() ? List.of(DEFAULT_URI) : uris;
        Duration d = ops == null ? parseDuration("--duration", duration) : null;
        DurabilityChoice level = DurabilityChoice.parse(durability);
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (report != null) {
            requireWritableDirectory(report);
        }
        return new BenchSettings(targets, Workload.parse(workloads), keys, keySize, valueSize, t, level, d,
                ops == null ? 0 : ops, parseDuration("--warmup", warmup), rounds, seed, report);
    }

    /** Checks (making it if missing) the report directory before anything is measured. */
    private static void requireWritableDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--report " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("--report " + dir + ": cannot create the directory: "
                    + Text.ioProblem(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("--report " + dir + ": the directory is not writable");
        }
    }

    /**
     * Makes repeated URIs distinct (an A/A run of {@code mem: mem:} shows the noise), since reports name
     * results by URI.
     */
    static List<String> labels(List<String> given) {
        return labels(given, DurabilityChoice.WEAKEST);
    }

    /**
     * The labels of the URIs under a durability choice: each URI, made distinct, and flagged where the store
     * gives far more durability than the run asks for, so that its row is not read as the engine's speed at
     * that level. Today that is {@code lmdb:} without {@code noSync=true}, which syncs its pages on every
     * commit whatever a write asks.
     */
    static List<String> labels(List<String> given, DurabilityChoice durability) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String given1 : given) {
            String u = given1;
            if (syncsEveryCommit(u) && durability != DurabilityChoice.SYNC && durability != DurabilityChoice.ENGINE) {
                u = u + " [fsyncs every commit]";
            }
            String label = u;
            for (int n = 2; !seen.add(label); n++) {
                label = u + "#" + n;
            }
            out.add(label);
        }
        return out;
    }

    private static boolean syncsEveryCommit(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        return u.startsWith("lmdb:") && !u.replace(" ", "").contains("nosync=true");
    }

    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

    /**
     * Parses a duration such as {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m} or ISO-8601 {@code PT2S};
     * a bare number is seconds.
     */
    static Duration parseDuration(String option, String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = TIME.matcher(s);
        if (m.matches()) {
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double ms = switch (unit) {
                case "ms" -> v;
                case "s" -> v * 1000;
                default -> v * 60_000;
            };
            return Duration.ofNanos(Math.round(ms * 1e6));
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration; use 500ms, 2s or 1m");
        }
    }
}
