package dev.plinth.testkit.crash;

/**
 * One broken promise (or a failure that kept a promise from being checked) found by the
 * {@link CrashHarness}. Immutable and thread-safe.
 *
 * @param cycle the kill cycle, counted from 0
 * @param seed the run's seed
 * @param kind what went wrong
 * @param description what was expected and what was found
 * @param childOutput what the child wrote to stderr in that cycle (trimmed), or an empty string
 */
public record CrashViolation(int cycle, long seed, Kind kind, String description, String childOutput) {
    /** The kinds of violation. */
    public enum Kind {
        /** The store did not open after the kill. */
        OPEN_FAILED,
        /** Reading the reopened store threw (a {@code CorruptionException}, for instance). */
        READ_FAILED,
        /** An acknowledged write (with {@code SYNC} or {@code PROCESS}) is absent after the kill. */
        MISSING_ACKNOWLEDGED,
        /** A write is absent while a later one is present: what survived is not a prefix. */
        HOLE,
        /** Some but not all parts of an atomic batch are present. */
        PARTIAL_BATCH,
        /** A key holds other bytes than were written to it. */
        WRONG_VALUE,
        /** A key the workload never writes is present, or a write's part sits in the wrong keyspace. */
        UNEXPECTED_KEY,
        /** A write is present that the child never started: it had not acknowledged the one before. */
        NEVER_WRITTEN,
        /** A write verified present after an earlier kill has since disappeared or changed. */
        LOST,
        /** The child failed to start, to open the store, or died before it was killed. */
        CHILD_FAILED,
        /** The expected-state file is damaged before its last line or does not match the workload. */
        EXPECTED_STATE
    }

    /**
     * One line for a report: {@code cycle 7 (seed 42): HOLE: ...}, then the child's stderr if any.
     *
     * @return the text
     */
    @Override
    public String toString() {
        String s = "cycle " + cycle + " (seed " + seed + "): " + kind + ": " + description;
        return childOutput.isEmpty() ? s : s + "\n  child stderr:\n    " + childOutput.replace("\n", "\n    ");
    }
}
