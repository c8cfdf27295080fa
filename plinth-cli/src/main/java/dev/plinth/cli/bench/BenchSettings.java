package dev.plinth.cli.bench;

import java.util.Objects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of one {@code plinth bench} run, checked. Immutable.
 *
 * @param uris the URIs under test, in the order given; the first is the reference for ratios
 * @param workloads the workloads, in run order
 * @param keys records loaded (and written by the fills)
 * @param keySize bytes per key
 * @param valueSize bytes per value
 * @param threads measured threads per workload
 * @param durability how each store's default durability is chosen
 * @param duration how long each measured run lasts, or {@code null} when {@code ops} bounds it
 * @param ops operations per measured run, or 0 when {@code duration} bounds it
 * @param warmup unmeasured run before each measured run on the shared store; zero for none
 * @param rounds how many times the whole plan runs; results are merged over rounds
 * @param seed seeds data and requests; the same for every URI
 * @param report where to write report.md, results.csv and charts, or {@code null}
 */
record BenchSettings(List<String> uris, List<Workload> workloads, long keys, int keySize, int valueSize, int threads,
                     DurabilityChoice durability, Duration duration, long ops, Duration warmup, int rounds, long seed,
                     Path report) {
    /** The most records a run may load; the random orders are int arrays. */
    static final long MAX_KEYS = 100_000_000L;

    BenchSettings {
        uris = List.copyOf(uris);
        workloads = List.copyOf(workloads);
        Objects.requireNonNull(durability, "durability");
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no URI to benchmark");
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("no workload to run");
        }
        if (keys < 1 || keys > MAX_KEYS) {
            throw new IllegalArgumentException("--keys must be 1 to " + MAX_KEYS + ", got " + keys);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be 1 to 1024, got " + threads);
        }
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("--rounds must be 1 to 100, got " + rounds);
        }
        if ((duration == null) == (ops <= 0)) {
            throw new IllegalArgumentException("give a positive --duration or --ops (one of them)");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration);
        }
        if (warmup == null || warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup must be zero or positive, got " + warmup);
        }
        if (keySize < Records.MIN_KEY_SIZE) {
            throw new IllegalArgumentException("--key-size must be at least " + Records.MIN_KEY_SIZE + ", got " + keySize);
        }
        if (valueSize < Records.HEADER) {
            throw new IllegalArgumentException("--value-size must be at least " + Records.HEADER
                    + " (the record id and version), got " + valueSize);
        }
    }
}
