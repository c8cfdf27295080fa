package dev.plinth.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one measured run of a workload on one store saw. Made by {@link PhaseRunner} after every thread
 * of the run ended; not changed afterwards.
 *
 * @param ops operations done by the measured threads
 * @param nanos the measured interval: from the common start to the end of the last measured thread
 * @param latency per-operation latency in nanoseconds, merged from every measured thread
 * @param errors wrong data and failed operations
 * @param misses keys that must exist and were not found
 * @param firstProblem the first error or miss, or {@code null}
 * @param counters counts the workers kept (retries, inserts), summed
 * @param backgroundOps operations of the unmeasured background thread, if any
 */
record Measurement(long ops, long nanos, Histogram latency, long errors, long misses, String firstProblem,
                   Map<String, Long> counters, long backgroundOps) {
    Measurement {
        counters = new LinkedHashMap<>(counters);
    }
}
