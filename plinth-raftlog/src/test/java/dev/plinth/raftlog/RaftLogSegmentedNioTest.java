package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** The contract on the segmented log in a real directory (NioVfs); a restart closes and reopens it. */
class RaftLogSegmentedNioTest extends RaftLogStorageContract {
    @Override
    protected Subject open(Path dir) {
        return reopening(() -> RaftLogs.openSegmented(dir), () -> { }, () -> { });
    }
}
