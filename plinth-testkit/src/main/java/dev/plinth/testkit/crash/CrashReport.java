package dev.plinth.testkit.crash;

import dev.plinth.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link CrashHarness} run found. Immutable and thread-safe.
 *
 * @param uri the store's URI
 * @param seed the run's seed
 * @param levels the durability levels the workload used (those of {@code SYNC} and {@code PROCESS} the
 *     engine honours)
 * @param cyclesPlanned the kill cycles asked for
 * @param cycles the kill cycles completed and checked (fewer than planned if a cycle found violations)
 * @param startupKills cycles whose kill landed while the child was still starting or opening the store
 * @param syncVerified writes acknowledged with {@code SYNC} and found complete after their kill
 * @param processVerified writes acknowledged with {@code PROCESS} and found complete after their kill
 * @param batchesVerified atomic batches found all or nothing after their kill: the acknowledged ones
 *     complete, plus each batch in flight at a kill, found complete or absent
 * @param inFlightPresent kills of a writing child after which the write in flight was found (applied, not
 *     yet acknowledged)
 * @param inFlightAbsent kills of a writing child after which the write in flight was found absent
 * @param rechecked writes of earlier cycles read again and found intact
 * @param storeWrites writes the store holds at the end
 * @param violations the broken promises, empty if none
 * @param workDir where the expected-state files and the child's stderr of failing cycles are kept
 * @param elapsed the run's wall-clock time
 */
public record CrashReport(String uri, long seed, List<Durability> levels, int cyclesPlanned, int cycles, int startupKills, long syncVerified,
        long processVerified, long batchesVerified, long inFlightPresent, long inFlightAbsent, long rechecked,
        long storeWrites, List<CrashViolation> violations, Path workDir, Duration elapsed) {

    /** Copies the violations. */
    public CrashReport {
        levels = List.copyOf(levels);
        violations = List.copyOf(violations);
    }

    /**
     * Acknowledged writes verified after their kill, whatever their durability.
     *
     * @return {@link #syncVerified()} plus {@link #processVerified()}
     */
    public long writesVerified() {
        return syncVerified + processVerified;
    }

    /**
     * Whether no promise was broken and every planned cycle ran.
     *
     * @return {@code true} if clean
     */
    public boolean clean() {
        return violations.isEmpty() && cycles == cyclesPlanned;
    }

    /**
     * The one-line summary the tests print, e.g. {@code crash: rocksdb:/tmp/x 50 cycles, 18734 writes
     * verified (SYNC 9402, PROCESS 9332), 3120 batches all-or-nothing, 0 violations, 71 s [...]}, with the
     * seed and the secondary figures in brackets.
     *
     * @return the line
     */
    public String summary() {
        return "crash: " + uri + " " + cycles + (cycles == cyclesPlanned ? "" : " of " + cyclesPlanned) + " cycles, "
                + writesVerified() + " writes verified (SYNC " + syncVerified + ", PROCESS " + processVerified + "), "
                + batchesVerified + " batches all-or-nothing, " + violations.size() + " violations, "
                + elapsed.toSeconds() + " s [seed " + seed + "; in-flight write at the kill: " + inFlightPresent
                + " present, " + inFlightAbsent + " absent; " + startupKills + " kills during startup; "
                + rechecked + " earlier writes re-read; " + storeWrites + " writes in the store]";
    }

    /**
     * The summary followed by every violation.
     *
     * @return the text
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(summary());
        for (CrashViolation v : violations) {
            sb.append("\n").append(v);
        }
        if (!violations.isEmpty()) {
            sb.append("\nexpected-state files and child stderr kept in ").append(workDir);
        }
        return sb.toString();
    }

    /**
     * Fails unless the run is {@link #clean()} and it verified something: at least one acknowledged write
     * per cycle on average, at least one write of each level in {@link #levels()}, and at least one batch.
     * A harness that verifies nothing proves nothing.
     *
     * @return this report
     * @throws AssertionError naming every violation, the seed and the work directory
     */
    public CrashReport assertClean() {
        if (!clean()) {
            throw new AssertionError("crash check failed:\n" + this);
        }
        boolean eachLevel = (!levels.contains(Durability.SYNC) || syncVerified > 0)
                && (!levels.contains(Durability.PROCESS) || processVerified > 0);
        if (writesVerified() < cycles || batchesVerified == 0 || !eachLevel) {
            throw new AssertionError("crash check verified too little to mean anything (" + writesVerified()
                    + " writes and " + batchesVerified + " batches in " + cycles + " cycles):\n" + this);
        }
        return this;
    }
}
