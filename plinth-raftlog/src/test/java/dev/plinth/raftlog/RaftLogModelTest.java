package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogModel;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.nio.file.Path;

/** The contract run against the model itself, so the model is known to keep it. */
class RaftLogModelTest extends RaftLogStorageContract {

    static Subject subject() {
        return new Subject() {
            RaftLogModel m = new RaftLogModel();

            @Override
            public RaftStorage storage() {
                return m;
            }

            @Override
            public RaftStorage reopen() {
                m = m.reopen();
                return m;
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }

    @Override
    protected Subject open(Path dir) {
        return subject();
    }
}
