package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import dev.plinth.testkit.io.MemVfs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-thread array records are encoded in: reused for smaller records, never kept above its bound, and what an
 * earlier, larger record left in it is never written after a smaller one.
 */
class RecordScratchTest {
    @Test
    void theArrayIsReusedUpToItsBound() {
        byte[] a = RecordScratch.take(10_000);
        assertThat(a.length).isGreaterThanOrEqualTo(10_000);
        assertThat(RecordScratch.take(100)).isSameAs(a);
        byte[] big = RecordScratch.take(RecordScratch.MAX_KEPT + 1);
        assertThat(big.length).isEqualTo(RecordScratch.MAX_KEPT + 1);
        assertThat(RecordScratch.take(100)).as("a record above the bound is not kept").isSameAs(a);
    }

    private static List<LogEntry> batch(long from, int n, int size, byte fill) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i < from + n; i++) {
            byte[] p = new byte[size];
            Arrays.fill(p, fill);
            p[0] = (byte) i;
            l.add(new LogEntry(i, 1, p));
        }
        return l;
    }

    /** Big batches, then small ones, from one thread into both logs: each reads back as written after a reopen. */
    @Test
    void aSmallRecordAfterALargeOneCarriesNothingOfIt() {
        for (boolean shared : new boolean[] {false, true}) {
            MemVfs vfs = new MemVfs(3);
            List<LogEntry> all = new ArrayList<>();
            try (RaftStorage s = shared ? RaftLogs.openShared(vfs, 64L << 20) : RaftLogs.openSegmented(vfs, 64L << 20)) {
                List<LogEntry> big = batch(1, 200, 700, (byte) 0x77);
                s.append(1, big, Durability.SYNC);
                all.addAll(big);
                for (long i = 201; i < 210; i++) {
                    List<LogEntry> small = batch(i, 1, 3, (byte) 0x11);
                    s.append(1, small, Durability.SYNC);
                    all.addAll(small);
                }
            }
            try (RaftStorage s = shared ? RaftLogs.openShared(vfs, 64L << 20) : RaftLogs.openSegmented(vfs, 64L << 20)) {
                assertThat(s.lastIndex(1)).as(shared ? "shared" : "segmented").isEqualTo(209);
                assertThat(s.entries(1, 1, 210)).as(shared ? "shared" : "segmented").isEqualTo(all);
            }
        }
    }
}
