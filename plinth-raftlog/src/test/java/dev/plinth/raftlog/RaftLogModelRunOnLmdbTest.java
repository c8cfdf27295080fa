package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogModelRunContract;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** Seeded random runs on an {@code lmdb:} store at {@code SYNC} against the model; restarts reopen LMDB. */
class RaftLogModelRunOnLmdbTest extends RaftLogModelRunContract {
    @Override
    protected RaftLogStorageContract.Subject open(Path dir) {
        return RaftLogOnLmdbTest.onLmdb(dir);
    }
}
