package dev.plinth.raftlog;

import java.nio.file.Path;

/** The contract on an {@code lmdb:} store at {@code SYNC}; a restart closes and reopens the LMDB environment. */
class RaftLogOnLmdbTest extends RaftLogStorageContract {

    static Subject onLmdb(Path dir) {
        String uri = "lmdb:" + dir.resolve("lmdb");
        return new Subject() {
            RaftStorage s = RaftLogs.open(uri);

            @Override
            public RaftStorage storage() {
                return s;
            }

            @Override
            public RaftStorage reopen() {
                s.close();
                s = RaftLogs.open(uri);
                return s;
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    protected Subject open(Path dir) {
        return onLmdb(dir);
    }
}
