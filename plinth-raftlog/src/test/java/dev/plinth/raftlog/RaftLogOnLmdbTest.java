package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** The contract on an {@code lmdb:} store at {@code SYNC}; a restart closes and reopens the LMDB environment. */
class RaftLogOnLmdbTest extends RaftLogStorageContract {

    static Subject onLmdb(Path dir) {
        String uri = "lmdb:" + dir.resolve("lmdb");
        return reopening(() -> RaftLogs.open(uri), () -> { }, () -> { });
    }

    @Override
    protected Subject open(Path dir) {
        return onLmdb(dir);
    }
}
