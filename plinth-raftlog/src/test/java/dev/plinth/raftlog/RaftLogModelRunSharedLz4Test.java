package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogModelRunContract;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.file.Path;

/**
 * Seeded random runs on the shared log with LZ4 payloads against the model (a quarter of the generated payloads
 * are long runs of one byte, stored compressed); every restart is a power loss that tears the last unsynced write.
 */
class RaftLogModelRunSharedLz4Test extends RaftLogModelRunContract {
    private long seed;

    @Override
    protected RaftLogStorageContract.Subject open(Path dir) {
        return RaftLogSharedTest.onMemVfsLz4(++seed, PowerLoss.tearLastWrite());
    }
}
