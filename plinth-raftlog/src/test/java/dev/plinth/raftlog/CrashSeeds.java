package dev.plinth.raftlog;

import dev.plinth.testkit.io.PowerLoss;
import java.util.List;

/**
 * The seeds a crash test of the logs runs: {@code -Dplinth.seed=N} replays seed {@code N} alone; otherwise seeds 1 to
 * {@code -Dplinth.raftlog.crashSeeds} (the test's own default unless set, more under {@code -Psoak}).
 *
 * @param first the first seed
 * @param count how many seeds, from {@code first}
 */
public record CrashSeeds(long first, long count) {

    /**
     * The seeds the system properties ask for.
     *
     * @param defaultCount the test's number of seeds when no property sets one
     * @return the seeds
     */
    public static CrashSeeds fromProperties(int defaultCount) {
        String one = System.getProperty("plinth.seed");
        if (one == null || one.isBlank()) {
            return new CrashSeeds(1, Integer.getInteger("plinth.raftlog.crashSeeds", defaultCount));
        }
        return new CrashSeeds(Long.parseLong(one.trim()), 1);
    }

    /** The seed after the last. */
    public long end() {
        return first + count;
    }

    /**
     * The ways a crash tests kill the log's machine: unsynced data dropped, the last write torn or garbled, the
     * process killed.
     *
     * @return the four modes
     */
    public static List<PowerLoss> powerLosses() {
        return List.of(PowerLoss.dropUnsynced(), PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite(),
                PowerLoss.processCrash());
    }
}
