package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/**
 * The contract on an {@code lsm:} store at {@code SYNC}, with an 8 KiB memtable so that entries reach sorted
 * files and compactions run under purges and truncations; a restart closes and reopens the store.
 */
class RaftLogOnLsmTest extends RaftLogStorageContract {

    static Subject onLsm(Path dir) {
        String uri = "lsm:" + dir.resolve("lsm") + "?memtableSize=8k";
        return reopening(() -> RaftLogs.open(uri), () -> { }, () -> { });
    }

    @Override
    protected Subject open(Path dir) {
        return onLsm(dir);
    }
}
