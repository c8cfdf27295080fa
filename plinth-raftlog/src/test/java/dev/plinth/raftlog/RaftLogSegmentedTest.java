package dev.plinth.raftlog;

import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.file.Path;

/**
 * The contract on the segmented log over a {@link MemVfs}, with small segments so that rolling and whole-segment
 * purges happen. A restart is a power loss that drops everything not synced: the contract writes at
 * {@code SYNC}, so nothing acknowledged may be lost.
 */
class RaftLogSegmentedTest extends RaftLogStorageContract {
    static final long SMALL_SEGMENTS = 300;

    static Subject onMemVfs(long seed, PowerLoss restart) {
        MemVfs vfs = new MemVfs(seed);
        return reopening(() -> RaftLogs.openSegmented(vfs, SMALL_SEGMENTS), () -> vfs.powerLoss(restart), () -> { });
    }

    /** The same with LZ4 payloads. */
    static Subject onMemVfsLz4(long seed, PowerLoss restart) {
        MemVfs vfs = new MemVfs(seed);
        LogFileOptions options = LogFileOptions.DEFAULTS.withSegmentBytes(SMALL_SEGMENTS)
                .withCompression(LogFileOptions.Compression.LZ4);
        return reopening(() -> RaftLogs.openSegmented(vfs, options), () -> vfs.powerLoss(restart), () -> { });
    }

    @Override
    protected Subject open(Path dir) {
        return onMemVfs(1, PowerLoss.dropUnsynced());
    }
}
