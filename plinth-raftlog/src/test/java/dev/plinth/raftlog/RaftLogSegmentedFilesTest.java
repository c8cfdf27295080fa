package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The files of the segmented log: names that show state, whole-segment purges, damage and I/O errors. */
class RaftLogSegmentedFilesTest {
    static final Durability S = Durability.SYNC;

    @Test
    void segmentsRollIntoClosedNamesAndPurgeDeletesWholeSegments() {
        MemVfs vfs = new MemVfs(1);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 200)) {
            for (long i = 1; i <= 40; i++) {
                s.append(5, List.of(new LogEntry(i, 1, new byte[20])), S);
            }
            List<String> files = vfs.list("g-0000000000000005");
            assertThat(files).anyMatch(n -> n.matches(".*log_0000000000000001_1-\\d+"));
            assertThat(files).filteredOn(n -> n.contains("log_inprogress_")).hasSizeLessThan(2);
            int before = files.size();
            s.purge(5, 30, S);
            s.flush(); // the files of dead segments are deleted in the background; flush waits for them
            List<String> afterPurge = vfs.list("g-0000000000000005");
            assertThat(afterPurge.size()).isLessThan(before);
            assertThat(afterPurge).noneMatch(n -> n.contains("log_0000000000000001_"));
            assertThat(afterPurge).as("the boundary is a record in the log, not a file").noneMatch(n -> n.endsWith("boundary"));
            assertThat(s.entries(5, 31, 41)).hasSize(10);
        }
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 200)) {
            assertThat(s.firstIndex(5)).isEqualTo(31);
            assertThat(s.termAt(5, 30)).isEqualTo(1);
            assertThat(s.lastIndex(5)).isEqualTo(40);
        }
    }

    @Test
    void aSecondInstanceOnTheSameDirectoryIsRefused() {
        MemVfs vfs = new MemVfs(2);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 200)) {
            assertThatThrownBy(() -> RaftLogs.openSegmented(vfs, 200)).isInstanceOf(StorageIOException.class);
        }
    }

    @Test
    void aDamagedEntryIsReportedNeverReturned() {
        MemVfs vfs = new MemVfs(3);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            s.append(1, List.of(new LogEntry(1, 1, new byte[] {1, 2, 3}), new LogEntry(2, 1, new byte[] {4, 5, 6})), S);
        }
        String seg = "g-0000000000000001/log_inprogress_0000000000000001";
        // Header 16, base record 34, frame 8, record header 13, entry 1 (16 + 3), entry 2 (16 + 3): its last payload
        // byte is at 108.
        Corruption.flipBits(vfs, seg, 108, 0x08);
        // The damaged record is the last one of an open segment, so on reopen it reads as a torn tail and is cut;
        // the damaged entry is never returned.
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            assertThat(s.lastIndex(1)).isZero();
        }
    }

    @Test
    void damageInAClosedSegmentIsCorruption() {
        MemVfs vfs = new MemVfs(4);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 100)) {
            for (long i = 1; i <= 10; i++) {
                s.append(1, List.of(new LogEntry(i, 1, new byte[30])), S);
            }
        }
        String closed = vfs.list("g-0000000000000001").stream().filter(n -> n.contains("log_0000000000000001_"))
                .findFirst().orElseThrow();
        Corruption.flipBits(vfs, "g-0000000000000001/" + closed, 30, 0x01);
        assertThatThrownBy(() -> RaftLogs.openSegmented(vfs, 100).lastIndex(1))
                .isInstanceOf(CorruptionException.class);
    }

    @Test
    void aFailedSyncFailsTheGroupForGood() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(5), 5);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            s.append(1, List.of(new LogEntry(1, 1, new byte[] {1})), S);
            vfs.inject(Fault.on(IoOp.FORCE));
            assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(2, 1, new byte[] {2})), S))
                    .isInstanceOf(StorageIOException.class);
            vfs.clearFaults();
            assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(2, 1, new byte[] {2})), S))
                    .isInstanceOf(StorageIOException.class).hasMessageContaining("failed earlier");
            assertThatThrownBy(() -> s.entry(1, 1)).isInstanceOf(StorageIOException.class);
            s.append(2, List.of(new LogEntry(1, 1, new byte[] {1})), S);
        }
        vfs.assertNoLeaks();
    }

    /** Every save of the hardstate and meta files is refused by a failed group, not only their first. */
    @Test
    void aFailedGroupRefusesEverySaveOfItsFiles() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(7), 7);
        HardState saved = new HardState(3, 2, 1);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            s.append(1, List.of(new LogEntry(1, 1, new byte[] {1})), S);
            s.saveHardState(1, saved, S);
            s.put(1, "k", new byte[] {1}, S);
            vfs.inject(Fault.on(IoOp.FORCE));
            assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(2, 1, new byte[] {2})), S))
                    .isInstanceOf(StorageIOException.class);
            vfs.clearFaults();
            assertThatThrownBy(() -> s.saveHardState(1, new HardState(4, 2, 1), S))
                    .isInstanceOf(StorageIOException.class).hasMessageContaining("group 1 failed earlier");
            assertThatThrownBy(() -> s.put(1, "k", new byte[] {2}, S))
                    .isInstanceOf(StorageIOException.class).hasMessageContaining("group 1 failed earlier");
            assertThatThrownBy(() -> s.delete(1, "k", S))
                    .isInstanceOf(StorageIOException.class).hasMessageContaining("group 1 failed earlier");
        }
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            assertThat(s.loadHardState(1)).isEqualTo(saved);
            assertThat(s.get(1, "k")).containsExactly(1);
        }
        vfs.assertNoLeaks();
    }

    @Test
    void aFullDiskIsReportedAndNothingIsHalfDone() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(6), 6);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            s.append(1, List.of(new LogEntry(1, 1, new byte[] {1})), S);
            vfs.limitFreeSpace(10);
            // Larger than the first preallocation, so the segment must grow.
            assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(2, 1, new byte[100_000])), S))
                    .isInstanceOf(dev.plinth.StorageFullException.class);
            assertThatThrownBy(() -> s.lastIndex(1)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("failed earlier");
        }
        vfs.unlimitedSpace();
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            assertThat(s.lastIndex(1)).isEqualTo(1);
        }
        vfs.assertNoLeaks();
    }
}
