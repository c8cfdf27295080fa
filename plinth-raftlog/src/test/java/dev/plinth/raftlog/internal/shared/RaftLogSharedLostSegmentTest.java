package dev.plinth.raftlog.internal.shared;

import static dev.plinth.raftlog.internal.shared.RaftLogSharedFilesTest.batch;
import static dev.plinth.raftlog.internal.shared.RaftLogSharedFilesTest.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import dev.plinth.raftlog.internal.segment.SegmentScan;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A segment of the shared log lost or cut short by accident is found at open whatever it held, also one that held
 * only state records (a hard state, a boundary, a key-value area) that no later segment restates; segments the log
 * deleted itself are not taken for lost ones.
 */
class RaftLogSharedLostSegmentTest {
    static final long SEGMENT = 1024;
    static final HardState VOTED = new HardState(7, 3, 0);

    /**
     * Segment 1 holds group 1's entries (live, so no segment can be deleted), segment 2 only group 2's hard states,
     * the newest of which nothing later restates, and the segment being written group 1's purge of all its entries.
     */
    private static MemVfs stateOnlySegmentInTheMiddle() {
        MemVfs vfs = new MemVfs(11);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            while (segments(vfs).size() < 2) {
                s.append(1, batch(s.lastIndex(1) + 1, 1, 100), Durability.SYNC);
            }
            while (segments(vfs).size() < 3) {
                s.saveHardState(2, VOTED, Durability.SYNC);
            }
            s.purge(1, s.lastIndex(1), Durability.SYNC);
        }
        return vfs;
    }

    @Test
    void theLogsOwnDeletionsAreNotTakenForLostSegments() {
        MemVfs vfs = stateOnlySegmentInTheMiddle();
        assertThat(segments(vfs)).hasSize(3);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            assertThat(s.loadHardState(2)).isEqualTo(VOTED);
            // Enough to roll a few times: every roll checkpoints group 2 and deletes what nothing needs.
            for (int i = 0; i < 40; i++) {
                s.append(3, batch(s.lastIndex(3) + 1, 1, 100), Durability.SYNC);
                s.purge(3, s.lastIndex(3), Durability.SYNC);
            }
        }
        assertThat(segments(vfs).get(0)).as("old segments were deleted").isNotEqualTo("log_0000000000000001");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            assertThat(s.loadHardState(2)).isEqualTo(VOTED);
            assertThat(s.firstIndex(1)).isEqualTo(s.lastIndex(1) + 1);
        }
    }

    @Test
    void aLostSegmentThatHeldOnlyStateRecordsIsReportedAndNothingIsDeleted() {
        MemVfs vfs = stateOnlySegmentInTheMiddle();
        List<String> before = segments(vfs);
        assertThat(before).hasSize(3);
        vfs.delete(before.get(1));
        // Before format version 4 this opened, took segment 1 for one deleted by the log, and read group 2's hard
        // state as never saved: a vote forgotten.
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("missing segment seq [2]");
        assertThat(segments(vfs)).as("nothing deleted").isEqualTo(List.of(before.get(0), before.get(2)));
    }

    @Test
    void aLostOldestSegmentIsReported() {
        MemVfs vfs = new MemVfs(12);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            s.saveHardState(2, VOTED, Durability.SYNC);
            s.append(1, batch(1, 1, 100), Durability.SYNC);
            while (segments(vfs).size() < 2) {
                s.saveHardState(3, VOTED, Durability.SYNC);
            }
            // Group 1's only entry goes: segment 1 is dead by its entries, but it is still on disk (no roll since)
            // and holds group 2's only hard state.
            s.purge(1, 1, Durability.SYNC);
        }
        List<String> before = segments(vfs);
        assertThat(before).hasSize(2);
        vfs.delete(before.get(0));
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("missing segment seq [1]");
    }

    @Test
    void aClosedSegmentCutAtARecordBoundaryIsReported() {
        MemVfs vfs = stateOnlySegmentInTheMiddle();
        String closed = segments(vfs).get(1);
        List<SegmentScan.Record> records = SegmentScan.read(vfs, closed, false).records();
        // Cut the last record off, exactly at its frame: every record left is whole and passes its CRC.
        try (VfsFile f = vfs.openWrite(closed)) {
            f.truncate(records.get(records.size() - 1).offset());
            f.force();
        }
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining(closed).hasMessageContaining("cut short");
    }

    @Test
    void aSegmentRenamedInPlaceOfAnotherIsReported() {
        MemVfs vfs = stateOnlySegmentInTheMiddle();
        List<String> names = segments(vfs);
        vfs.delete(names.get(1));
        vfs.rename(names.get(0), names.get(1));
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("not the segment its name says");
    }

    /**
     * Review of raftlog11: the newest closed segment lost while the segment after it held no durable record. A
     * roll now forces the new segment's first record, and an empty segment being written with nothing before it
     * is refused; before, the open took the older segments for deleted ones, deleted them, and opened an empty log.
     */
    @Test
    void losingTheNewestClosedSegmentRightAfterARollIsReportedAndNothingIsDeleted() {
        for (boolean closeFirst : new boolean[] {true, false}) {
            MemVfs vfs = new MemVfs(12);
            RaftStorage s = RaftLogs.openShared(vfs, SEGMENT);
            s.saveHardState(2, VOTED, Durability.SYNC);
            for (int i = 0; i < 7; i++) {
                s.append(1, batch(s.lastIndex(1) + 1, 1, 100), Durability.SYNC);
            }
            int before = segments(vfs).size();
            while (segments(vfs).size() == before) {
                s.saveHardState(3, VOTED, Durability.NONE);
            }
            if (closeFirst) {
                s.close();
            }
            vfs.powerLoss(PowerLoss.dropUnsynced());
            if (!closeFirst) {
                s.close();
            }
            List<String> files = segments(vfs);
            String newestClosed = files.get(files.size() - 2);
            vfs.delete(newestClosed);
            List<String> left = segments(vfs);
            assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).as("close first: %s", closeFirst)
                    .isInstanceOf(CorruptionException.class).hasMessageContaining("missing segment seq");
            assertThat(segments(vfs)).as("nothing deleted").isEqualTo(left);
        }
    }
}
