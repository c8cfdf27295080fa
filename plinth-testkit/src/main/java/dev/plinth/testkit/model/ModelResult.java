package dev.plinth.testkit.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one seeded model run: whether the store matched the model at every step and, if not,
 * where it first differed and a shortened list of steps that still fails the same way. Immutable and
 * thread-safe.
 *
 * @param seed the seed the steps were generated from
 * @param ops how many steps were generated
 * @param passed whether every step matched
 * @param failedStep the index of the first failing step; {@code ops} if only the checks after the last step
 *     failed; {@code -1} if the run passed or the store failed to open
 * @param signature the kind of failure (the failing step's kind and what differed), or {@code null}
 * @param message what differed, or {@code null} if the run passed
 * @param reproduction the shortened failing run, one step per line, each with its index in the full run;
 *     empty if the run passed
 * @param shrinkRuns how many runs shrinking took
 * @param trace the shortened run replayed once more, each step with what the store answered; empty if the
 *     run passed
 * @param events how often each kind of step and notable outcome (batch rejected, conflict, clock landing
 *     on an expiry instant, ...) happened in the full run, up to its failure; shows what it exercised
 */
public record ModelResult(long seed, int ops, boolean passed, int failedStep, String signature, String message,
                          List<String> reproduction, int shrinkRuns, List<String> trace, Map<String, Integer> events) {
    /** Copies the collections. */
    public ModelResult {
        reproduction = List.copyOf(reproduction);
        trace = List.copyOf(trace);
        events = Collections.unmodifiableMap(new TreeMap<>(events));
    }

    /**
     * Whether the run found a difference.
     *
     * @return {@code true} if the store did not match the model
     */
    public boolean failed() {
        return !passed;
    }

    /**
     * A report for people: the seed, the step, what differed, the shortened reproduction and how to replay.
     *
     * @return a multi-line report, or a one-line one for a passing run
     */
    public String report() {
        if (passed) {
            return "seed " + seed + ": " + ops + " steps passed";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("seed ").append(seed).append(" failed at step ").append(failedStep).append(" of ").append(ops)
                .append(" [").append(signature).append("]: ").append(message).append('\n');
        sb.append("shortened reproduction (").append(reproduction.size()).append(" steps, found in ").append(shrinkRuns)
                .append(" re-runs; the last step fails):\n");
        for (String line : reproduction) {
            sb.append("  ").append(line).append('\n');
        }
        if (!trace.isEmpty()) {
            sb.append("the shortened run replayed, with what the store answered:\n");
            for (String line : trace) {
                sb.append("  ").append(line).append('\n');
            }
        }
        sb.append("replay with -Dplinth.seed=").append(seed);
        return sb.toString();
    }
}
