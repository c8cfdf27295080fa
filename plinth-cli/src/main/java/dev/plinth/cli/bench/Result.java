package dev.plinth.cli.bench;

/**
 * One line of a report: a workload on one URI, merged over rounds. Immutable.
 *
 * @param workload the workload's name
 * @param uri the URI as given
 * @param ops operations measured
 * @param nanos measured time
 * @param p50 median latency, nanoseconds
 * @param p99 99th percentile latency, nanoseconds
 * @param p999 99.9th percentile latency, nanoseconds
 * @param max the largest latency, nanoseconds
 * @param diskBytes bytes on disk after the run, or -1 for a store that keeps nothing on disk
 * @param errors wrong data and failed operations
 * @param misses keys that must exist and were not found
 * @param note remarks: skips, retries, the background writer's rate, the first problem
 * @param skipped whether the workload did not run on this URI
 */
record Result(String workload, String uri, long ops, long nanos, long p50, long p99, long p999, long max,
              long diskBytes, long errors, long misses, String note, boolean skipped) {
    /**
     * A workload that did not run on a URI.
     *
     * @param workload the workload's name
     * @param uri the URI
     * @param reason why
     * @return a skipped result
     */
    static Result skipped(String workload, String uri, String reason) {
        return new Result(workload, uri, 0, 0, 0, 0, 0, 0, -1, 0, 0, reason, true);
    }

    /**
     * Operations per second over the measured time.
     *
     * @return the throughput, 0 if nothing was measured
     */
    double opsPerSec() {
        return nanos <= 0 ? 0 : ops * 1e9 / nanos;
    }

    /**
     * Whether the engine returned wrong data or lost keys.
     *
     * @return {@code true} if there were errors or misses
     */
    boolean failed() {
        return errors > 0 || misses > 0;
    }
}
