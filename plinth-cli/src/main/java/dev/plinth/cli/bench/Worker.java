package dev.plinth.cli.bench;

import java.util.Map;

/**
 * One thread's share of a workload run. {@link #step()} does one operation (or a few, for scans) and is
 * timed by the caller; the worker counts what it found wrong. Not thread-safe: a worker is made on the
 * coordinating thread, used by one worker thread, then read again by the coordinating thread after that
 * thread ended (the join orders the accesses).
 */
abstract class Worker implements AutoCloseable {
    private long errors;
    private long misses;
    private String firstProblem;

    /**
     * Does the next unit of work.
     *
     * @return the number of operations done, 1 or more; 0 when this worker's share is done
     * @throws RuntimeException an engine error, which the caller counts as an error and which ends the worker
     */
    abstract int step();

    /** Checks the effect of the run after every thread stopped (for example, deleted keys are gone). */
    void verify() {
    }

    /**
     * Counts worth a note in the report, such as retries or inserted records; summed over threads.
     *
     * @return counts by what they count
     */
    Map<String, Long> counters() {
        return Map.of();
    }

    /** Releases what the worker holds open (a cursor); called on the worker's thread. */
    @Override
    public void close() {
    }

    /**
     * Counts wrong data or a failed operation.
     *
     * @param what what went wrong, kept if it is the first problem
     */
    final void error(String what) {
        errors++;
        if (firstProblem == null) {
            firstProblem = what;
        }
    }

    /**
     * Counts a key that must exist but was not found.
     *
     * @param what which key, kept if it is the first problem
     */
    final void miss(String what) {
        miss(1, what);
    }

    /**
     * Counts keys that must exist but were not found.
     *
     * @param count how many
     * @param what which keys, kept if it is the first problem
     */
    final void miss(long count, String what) {
        misses += count;
        if (firstProblem == null) {
            firstProblem = what;
        }
    }

    final long errors() {
        return errors;
    }

    final long misses() {
        return misses;
    }

    final String firstProblem() {
        return firstProblem;
    }
}
