package dev.plinth.raftlog;

import java.nio.file.Path;

/** Seeded random runs on an {@code lsm:} store at {@code SYNC} against the model; restarts reopen the store. */
class RaftLogModelRunOnLsmTest extends RaftLogModelRunContract {
    @Override
    protected RaftLogStorageContract.Subject open(Path dir) {
        return RaftLogOnLsmTest.onLsm(dir);
    }
}
