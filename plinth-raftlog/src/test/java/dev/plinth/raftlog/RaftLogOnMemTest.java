package dev.plinth.raftlog;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/**
 * The contract on a {@code mem:} store. A restart is a new {@link RaftStorage} over the same store, which
 * checks that everything the storage keeps in memory is rebuilt from the store.
 */
class RaftLogOnMemTest extends RaftLogStorageContract {

    static Subject onMem() {
        Store store = Plinth.open("mem:");
        return reopening(() -> RaftLogs.onStore(store), () -> { }, store::close);
    }

    @Override
    protected Subject open(Path dir) {
        return onMem();
    }

    @Override
    protected Durability durability() {
        return Durability.NONE;
    }
}
