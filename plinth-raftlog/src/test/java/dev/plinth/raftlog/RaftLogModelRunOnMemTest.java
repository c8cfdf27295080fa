package dev.plinth.raftlog;

import dev.plinth.Durability;
import dev.plinth.raftlog.testkit.RaftLogModelRunContract;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** Seeded random runs on a {@code mem:} store against the model. */
class RaftLogModelRunOnMemTest extends RaftLogModelRunContract {
    @Override
    protected RaftLogStorageContract.Subject open(Path dir) {
        return RaftLogOnMemTest.onMem();
    }

    @Override
    protected Durability durability() {
        return Durability.NONE;
    }
}
