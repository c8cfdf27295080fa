package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogModelRunContract;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.file.Path;

/**
 * Seeded random runs on the segmented log (small segments, MemVfs) against the model; every restart is a
 * power loss that tears the last unsynced write, which at {@code SYNC} must lose nothing.
 */
class RaftLogModelRunSegmentedTest extends RaftLogModelRunContract {
    private long seed;

    @Override
    protected RaftLogStorageContract.Subject open(Path dir) {
        return RaftLogSegmentedTest.onMemVfs(++seed, PowerLoss.tearLastWrite());
    }
}
