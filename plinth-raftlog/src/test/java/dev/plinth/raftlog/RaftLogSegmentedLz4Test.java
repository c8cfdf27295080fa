package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.file.Path;

/** The contract on the per-group segmented log with LZ4 payloads (MemVfs, small segments, restarts are power losses). */
class RaftLogSegmentedLz4Test extends RaftLogStorageContract {
    @Override
    protected Subject open(Path dir) {
        return RaftLogSegmentedTest.onMemVfsLz4(1, PowerLoss.dropUnsynced());
    }
}
