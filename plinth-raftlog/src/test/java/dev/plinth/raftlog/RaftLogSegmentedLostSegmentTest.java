package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.internal.segment.SegmentScan;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-group log finds a closed segment lost or cut short at a record boundary, whichever it is: every segment
 * begins with a base record restating the boundary and the last index, so the replay of what is left cannot meet the
 * next base record (or leaves entries with no segment); and since format version 5 every closed segment ends with an
 * end record, so a cut that leaves the boundary, its term and the last index as they were (a replace of the last
 * entry with a higher term as a segment's last record) is found too. Deleting or cutting each closed segment in turn;
 * the newest closed one was found only once the next segment was begun (and its base forced) as the last closed.
 */
class RaftLogSegmentedLostSegmentTest {
    static final long SEGMENT = 600;
    static final String DIR = "g-0000000000000001/";

    /** Group 1: appends, a purge record and a truncate-and-replace inside the closed segments, never purged away. */
    private static MemVfs written() {
        MemVfs vfs = new MemVfs(21);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            for (int round = 0; round < 12; round++) {
                long from = s.lastIndex(1) + 1;
                List<LogEntry> es = new ArrayList<>();
                for (long i = from; i < from + 3; i++) {
                    es.add(new LogEntry(i, 1 + round / 4, new byte[60]));
                }
                s.append(1, es, Durability.SYNC);
                if (round == 4) {
                    s.purge(1, 2, Durability.SYNC);
                }
                if (round == 7) {
                    s.truncate(1, s.lastIndex(1), Durability.SYNC);
                }
            }
        }
        return vfs;
    }

    private static List<String> closedSegments(MemVfs vfs) {
        List<String> out = new ArrayList<>();
        for (String n : vfs.list(DIR.substring(0, DIR.length() - 1))) {
            String base = n.substring(n.lastIndexOf('/') + 1);
            if (base.startsWith("log_") && !base.startsWith("log_inprogress_")) {
                out.add(DIR + base);
            }
        }
        out.sort(null);
        return out;
    }

    /** Opens the log and group 1 (a group's files are read on its first use). */
    private static long firstIndexAfterOpen(MemVfs vfs) {
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            return s.firstIndex(1);
        }
    }

    @Test
    void eachClosedSegmentLostIsReported() {
        int n = closedSegments(written()).size();
        assertThat(n).isGreaterThan(3);
        for (int i = 0; i < n; i++) {
            MemVfs vfs = written();
            String lost = closedSegments(vfs).get(i);
            vfs.delete(lost);
            assertThatThrownBy(() -> firstIndexAfterOpen(vfs)).as(lost).isInstanceOf(CorruptionException.class);
        }
    }

    @Test
    void eachClosedSegmentCutAtItsLastRecordIsReported() {
        int n = closedSegments(written()).size();
        for (int i = 0; i < n; i++) {
            MemVfs vfs = written();
            String cut = closedSegments(vfs).get(i);
            List<SegmentScan.Record> records = SegmentScan.read(vfs, cut, false).records();
            try (VfsFile f = vfs.openWrite(cut)) {
                f.truncate(records.get(records.size() - 1).offset());
                f.force();
            }
            assertThatThrownBy(() -> firstIndexAfterOpen(vfs)).as(cut)
                    .isInstanceOf(CorruptionException.class);
        }
    }

    private static void cutAt(MemVfs vfs, String segment, long size) {
        try (VfsFile f = vfs.openWrite(segment)) {
            f.truncate(size);
            f.force();
        }
    }

    /**
     * Every closed segment cut at every record boundary (after the header, and before each record but the first):
     * each is found, as "cut short". Before format version 5 a cut that removed only records that changed neither
     * the boundary, its term nor the last index opened as a shorter segment and was not found.
     */
    @Test
    void eachClosedSegmentCutAtEveryRecordBoundaryIsReported() {
        List<String> segments = closedSegments(written());
        int cuts = 0;
        for (int i = 0; i < segments.size(); i++) {
            List<SegmentScan.Record> records = SegmentScan.read(written(), segments.get(i), false).records();
            for (int k = 0; k < records.size(); k++) {
                MemVfs vfs = written();
                long size = k == 0 ? 16 : records.get(k).offset();
                cutAt(vfs, segments.get(i), size);
                assertThatThrownBy(() -> firstIndexAfterOpen(vfs)).as(segments.get(i) + " cut at " + size)
                        .isInstanceOf(CorruptionException.class).hasMessageContaining("cut short")
                        .hasMessageContaining(segments.get(i));
                cuts++;
            }
        }
        assertThat(cuts).isGreaterThan(3 * segments.size());
    }

    /**
     * The case the base records could not find: a segment whose last record (before its end record) replaces the
     * last entry with a higher term. Cut before that record, the boundary, its term and the last index are as they
     * were, and the old code read the entry back with its older term.
     */
    @Test
    void aReplaceOfTheLastEntryCutOffTheEndOfASegmentIsReported() {
        MemVfs vfs = new MemVfs(5);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            for (long i = 1; i <= 5; i++) {
                s.append(1, List.of(new LogEntry(i, 1, new byte[60])), Durability.SYNC);
            }
            // Five records of 97 bytes after 50 of header and base: 535. The replace crosses 600 and closes the segment.
            s.replaceFrom(1, 5, List.of(new LogEntry(5, 2, new byte[60])), Durability.SYNC);
            assertThat(s.termAt(1, 5)).isEqualTo(2);
        }
        String segment = closedSegments(vfs).get(0);
        List<SegmentScan.Record> records = SegmentScan.read(vfs, segment, false).records();
        int at = records.size() - 1;
        while (records.get(at).payload()[0] != 2) {
            at--;
        }
        SegmentScan.Record replace = records.get(at);
        assertThat(records.size() - at).as("the replace, then at most the end record").isLessThanOrEqualTo(2);
        cutAt(vfs, segment, replace.offset());
        assertThatThrownBy(() -> {
            try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
                s.termAt(1, 5);
            }
        }).isInstanceOf(CorruptionException.class).hasMessageContaining("cut short").hasMessageContaining(segment);
    }

    /**
     * A crash after a closing segment's end record was forced and before its rename landed leaves an in-progress
     * segment ending with its end record: the open closes it (renames it) and goes on.
     */
    @Test
    void aSegmentWhoseEndRecordLandedButNotItsRenameIsClosedAtOpen() {
        MemVfs mem = new MemVfs(9);
        FaultyVfs vfs = new FaultyVfs(mem, 9);
        List<LogEntry> written = new ArrayList<>();
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            for (long i = 1; i <= 5; i++) {
                LogEntry e = new LogEntry(i, 1, new byte[60]);
                s.append(1, List.of(e), Durability.SYNC);
                written.add(e);
            }
            vfs.inject(Fault.on(IoOp.RENAME).sticky());
            LogEntry e = new LogEntry(6, 1, new byte[60]);
            assertThatThrownBy(() -> s.append(1, List.of(e), Durability.SYNC))
                    .isInstanceOf(dev.plinth.StorageIOException.class);
            written.add(e);
        }
        mem.powerLoss(PowerLoss.dropUnsynced());
        String inProgress = DIR + "log_inprogress_0000000000000001";
        List<SegmentScan.Record> records = SegmentScan.read(mem, inProgress, true).records();
        assertThat(records.get(records.size() - 1).payload()[0]).as("the end record, last").isEqualTo((byte) 6);
        try (RaftStorage s = RaftLogs.openSegmented(mem, SEGMENT)) {
            assertThat(s.entries(1, 1, 7)).isEqualTo(written);
            s.append(1, List.of(new LogEntry(7, 1, new byte[60])), Durability.SYNC);
        }
        assertThat(mem.exists(inProgress)).isFalse();
        assertThat(closedSegments(mem)).containsExactly(DIR + "log_0000000000000001_1-6");
        try (RaftStorage s = RaftLogs.openSegmented(mem, SEGMENT)) {
            assertThat(s.lastIndex(1)).isEqualTo(7);
            assertThat(s.entries(1, 1, 7)).isEqualTo(written);
        }
    }
}
