package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** The contract on the shared log in a real directory, with its default segment size. */
class RaftLogSharedNioTest extends RaftLogStorageContract {
    @Override
    protected Subject open(Path dir) {
        return reopening(() -> RaftLogs.openShared(dir.resolve("log")), () -> { }, () -> { });
    }
}
