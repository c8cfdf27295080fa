package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** The contract on a {@code rocksdb:} store at {@code SYNC}; a restart closes and reopens the database. */
class RaftLogOnRocksDbTest extends RaftLogStorageContract {
    @Override
    protected Subject open(Path dir) {
        String uri = "rocksdb:" + dir.resolve("rocks");
        return reopening(() -> RaftLogs.open(uri), () -> { }, () -> { });
    }
}
