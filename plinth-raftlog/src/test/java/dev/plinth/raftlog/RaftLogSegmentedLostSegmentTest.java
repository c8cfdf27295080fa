package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.internal.segment.SegmentScan;
import dev.plinth.testkit.io.MemVfs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-group log finds a closed segment lost or cut short at a record boundary, whichever it is, because every
 * segment begins with a base record restating the boundary and the last index: the replay of what is left cannot
 * meet the next base record (or leaves entries with no segment). Deleting or cutting each closed segment in turn;
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
}
