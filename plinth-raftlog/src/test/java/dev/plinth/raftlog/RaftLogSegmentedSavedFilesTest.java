package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.internal.segment.SegmentScan;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lost {@code hardstate} or {@code meta} file of the per-group log is found (format version 5): once a file's first
 * save is durable, the group's segments record that it was saved (a files record, restated by every later base
 * record), so at open a recorded file that is missing is a {@link CorruptionException}, never read as "never saved"
 * (a forgotten vote). A group that never saved one opens as before.
 */
class RaftLogSegmentedSavedFilesTest {
    static final Durability S = Durability.SYNC;
    static final String DIR = "g-0000000000000001/";
    static final HardState VOTED = new HardState(5, 3, 40);

    private static void appendMany(RaftStorage s, int count) {
        for (int k = 0; k < count; k++) {
            long i = s.lastIndex(1) + 1;
            s.append(1, List.of(new LogEntry(i, 5, new byte[80])), S);
        }
    }

    private static void openGroup(MemVfs vfs) {
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            s.lastIndex(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hardstate", "meta"})
    void aLostFileIsCorruptionNotANeverSavedOne(String file) {
        MemVfs vfs = new MemVfs(1);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            appendMany(s, 3);
            s.saveHardState(1, VOTED, S);
            s.put(1, "applied", "2".getBytes(StandardCharsets.UTF_8), S);
            appendMany(s, 3);
        }
        vfs.delete(DIR + file);
        assertThatThrownBy(() -> openGroup(vfs)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("Group 1 ").hasMessageContaining("lost its " + file + " file");
        assertThat(vfs.exists(DIR + (file.equals("meta") ? "hardstate" : "meta"))).isTrue();
    }

    /**
     * The files record saying the file was saved goes with purged segments: every new segment's base restates it. The
     * group has entries before the save, so the save writes a files record into the segment being written (a save on
     * a group with no segment yet puts the flag into the first segment's base record instead).
     */
    @Test
    void theRecordOutlivesTheSegmentThatHeldItAndAReset() {
        MemVfs vfs = new MemVfs(2);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            appendMany(s, 1);
            s.saveHardState(1, VOTED, S);
            List<SegmentScan.Record> records = SegmentScan.read(vfs, DIR + "log_inprogress_0000000000000001", true)
                    .records();
            assertThat(records).as("segment 1: its base record, the entry, then the files record").hasSize(3);
            assertThat(records.get(2).payload()).as("a files record naming the hardstate file")
                    .containsExactly(7, 1);
            assertThat(records.get(0).payload()[25]).as("the base record, written before the save, names no file")
                    .isZero();
            appendMany(s, 30);
            s.purge(1, s.lastIndex(1), S);
            s.flush();
            assertThat(vfs.list(DIR.substring(0, DIR.length() - 1)))
                    .as("the first segment, with the files record, purged away")
                    .noneMatch(n -> n.startsWith("log_") && n.contains("_0000000000000001"));
            s.reset(1, 100, 5, S);
            appendMany(s, 10);
            assertThat(s.loadHardState(1)).isEqualTo(VOTED);
        }
        // No open in between: one would find the file there and name it again in a files record of its own.
        vfs.delete(DIR + "hardstate");
        assertThatThrownBy(() -> openGroup(vfs)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("lost its hardstate file");
    }

    /** A hard state saved by a group with no entries (its segment holds only the record). */
    @Test
    void aGroupWithOnlyAHardStateFindsItsLoss() {
        MemVfs vfs = new MemVfs(3);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            s.saveHardState(1, VOTED, S);
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            assertThat(s.loadHardState(1)).isEqualTo(VOTED);
            assertThat(s.lastIndex(1)).isZero();
        }
        vfs.delete(DIR + "hardstate");
        assertThatThrownBy(() -> openGroup(vfs)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("lost its hardstate file");
    }

    /** Never saved, never missed: groups with entries only, and groups never written, open as before. */
    @Test
    void aGroupThatNeverSavedOneOpensAsBefore() {
        MemVfs vfs = new MemVfs(4);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            appendMany(s, 12);
            s.purge(1, 5, S);
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 400)) {
            assertThat(s.loadHardState(1)).isEqualTo(HardState.INITIAL);
            assertThat(s.get(1, "applied")).isNull();
            assertThat(s.lastIndex(1)).isEqualTo(12);
            assertThat(s.loadHardState(2)).isEqualTo(HardState.INITIAL);
        }
    }

    /**
     * A file saved while its record did not become durable (a log of an older version, or a power loss between the
     * file's save and the record's force: here, the file is put back after a power loss that dropped the record) is
     * recorded at the next open, and its loss found from then on.
     */
    @Test
    void aFileTheSegmentsDoNotNameYetIsRecordedAtOpen() {
        MemVfs vfs = new MemVfs(5);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            appendMany(s, 2);
        }
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            s.saveHardState(1, VOTED, S);
        }
        // The segment as it was before the save: the files record cut off, as a power loss before its force would.
        SegmentScan scan = SegmentScan.read(vfs, DIR + "log_inprogress_0000000000000001", true);
        long filesRecord = scan.records().get(scan.records().size() - 1).offset();
        assertThat(scan.records().get(scan.records().size() - 1).payload()[0]).as("the files record").isEqualTo((byte) 7);
        try (VfsFile f = vfs.openWrite(DIR + "log_inprogress_0000000000000001")) {
            f.truncate(filesRecord);
            f.force();
        }
        try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
            assertThat(s.loadHardState(1)).isEqualTo(VOTED);
        }
        vfs.delete(DIR + "hardstate");
        assertThatThrownBy(() -> openGroup(vfs)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("lost its hardstate file");
    }
}
