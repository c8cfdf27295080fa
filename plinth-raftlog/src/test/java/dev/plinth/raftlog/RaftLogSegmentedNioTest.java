package dev.plinth.raftlog;

import java.nio.file.Path;

/** The contract on the segmented log in a real directory (NioVfs); a restart closes and reopens it. */
class RaftLogSegmentedNioTest extends RaftLogStorageContract {
    @Override
    protected Subject open(Path dir) {
        return new Subject() {
            RaftStorage s = RaftLogs.openSegmented(dir);

            @Override
            public RaftStorage storage() {
                return s;
            }

            @Override
            public RaftStorage reopen() {
                s.close();
                s = RaftLogs.openSegmented(dir);
                return s;
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}
