package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.file.Path;

/** The contract on the shared log with LZ4 payloads (MemVfs, small segments, restarts are power losses). */
class RaftLogSharedLz4Test extends RaftLogStorageContract {
    @Override
    protected Subject open(Path dir) {
        return RaftLogSharedTest.onMemVfsLz4(1, PowerLoss.dropUnsynced());
    }
}
