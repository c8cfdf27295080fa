package dev.plinth.raftlog.internal.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared log's files: group commit, deletion of old segments, checkpoints, foreign and missing files. */
class RaftLogSharedFilesTest {
    static final long SEGMENT = 1024;

    static List<LogEntry> batch(long from, int n, int size) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i < from + n; i++) {
            byte[] p = new byte[size];
            p[0] = (byte) i;
            l.add(new LogEntry(i, 1, p));
        }
        return l;
    }

    static List<String> segments(MemVfs vfs) {
        List<String> out = new ArrayList<>();
        for (String n : vfs.list("")) {
            String base = n.substring(n.lastIndexOf('/') + 1);
            if (base.startsWith("log_")) {
                out.add(base);
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void appendersOfManyGroupsWaitingBehindAForceShareTheNextOne() throws Exception {
        GateVfs vfs = new GateVfs(new MemVfs(1));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try (SharedRaftStorage s = (SharedRaftStorage) RaftLogs.openShared(vfs, 64L << 20)) {
            for (long g = 0; g < 5; g++) {
                s.append(g, batch(1, 1, 10), Durability.SYNC); // grows the file once, so later syncs are alike
            }
            long forcesBefore = vfs.forces.get();
            long leaderForcesBefore = s.log().forces();
            vfs.arm();
            Future<?> leader = pool.submit(() -> s.append(0, batch(2, 4, 128), Durability.SYNC));
            assertThat(vfs.entered.await(60, TimeUnit.SECONDS)).as("the leader reached its force").isTrue();
            List<Future<?>> followers = new ArrayList<>();
            for (long g = 1; g < 5; g++) {
                long group = g;
                followers.add(pool.submit(() -> s.append(group, batch(2, 4, 128), Durability.SYNC)));
            }
            // The leader is held inside its force; the four others queue behind it.
            while (s.log().queued() < 5) {
                assertThat(followers).noneMatch(Future::isDone);
                Thread.onSpinWait();
            }
            vfs.open();
            leader.get(60, TimeUnit.SECONDS);
            for (Future<?> f : followers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(vfs.forces.get() - forcesBefore).as("forces for five SYNC appends of five groups").isEqualTo(2);
            assertThat(s.log().forces() - leaderForcesBefore).isEqualTo(2);
            for (long g = 0; g < 5; g++) {
                assertThat(s.lastIndex(g)).isEqualTo(5);
                assertThat(s.entries(g, 1, 6)).hasSize(5);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void purgedSegmentsAreDeletedAndALaggingGroupKeepsThem() {
        MemVfs vfs = new MemVfs(2);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            s.append(9, batch(1, 1, 10), Durability.SYNC); // group 9 lags: its entry 1 stays in the first segment
            String first = "log_0000000000000001"; // closed by the first roll
            for (int round = 0; round < 40; round++) {
                s.append(1, batch(s.lastIndex(1) + 1, 4, 100), Durability.SYNC);
                s.purge(1, s.lastIndex(1), Durability.SYNC);
            }
            assertThat(segments(vfs)).as("group 9 keeps the first segment and all after it").contains(first)
                    .hasSizeGreaterThan(10);
            s.purge(9, 1, Durability.SYNC);
            s.append(1, batch(s.lastIndex(1) + 1, 12, 100), Durability.SYNC); // rolls, which collects
            assertThat(segments(vfs)).doesNotContain(first).hasSizeLessThanOrEqualTo(3);
        }
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            assertThat(s.firstIndex(9)).isEqualTo(2);
            assertThat(s.termAt(9, 1)).isEqualTo(1);
            assertThat(s.lastIndex(1)).isEqualTo(40 * 4 + 12);
        }
    }

    @Test
    void theHardStateAndMetaSurviveTheDeletionOfTheSegmentsTheyWereWrittenTo() {
        MemVfs vfs = new MemVfs(3);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            s.saveHardState(5, new HardState(3, 2, 1), Durability.SYNC);
            s.put(5, "conf", new byte[] {1, 2, 3}, Durability.SYNC);
            s.append(6, batch(1, 3, 10), Durability.SYNC);
            s.purge(6, 3, Durability.SYNC);
            String first = "log_0000000000000001";
            for (int round = 0; round < 30; round++) {
                s.append(1, batch(s.lastIndex(1) + 1, 4, 100), Durability.SYNC);
                s.purge(1, s.lastIndex(1), Durability.SYNC);
            }
            assertThat(segments(vfs)).doesNotContain(first);
        }
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            assertThat(s.loadHardState(5)).isEqualTo(new HardState(3, 2, 1));
            assertThat(s.get(5, "conf")).containsExactly(1, 2, 3);
            assertThat(s.firstIndex(6)).isEqualTo(4);
            assertThat(s.lastIndex(6)).isEqualTo(3);
            assertThat(s.termAt(6, 3)).isEqualTo(1);
        }
    }

    @Test
    void aLostSegmentWithLiveEntriesIsReportedAndNothingIsDeleted() {
        MemVfs vfs = new MemVfs(4);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            for (int round = 0; round < 10; round++) {
                s.append(1, batch(s.lastIndex(1) + 1, 4, 100), Durability.SYNC);
            }
        }
        List<String> before = segments(vfs);
        assertThat(before).hasSizeGreaterThan(3);
        vfs.delete(before.get(1));
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("missing segment seq [2]");
        List<String> after = new ArrayList<>(before);
        after.remove(1);
        assertThat(segments(vfs)).as("the segments before the gap are kept for inspection").isEqualTo(after);
    }

    @Test
    void damageInAClosedSegmentIsReportedNeverReturned() {
        MemVfs vfs = new MemVfs(5);
        try (RaftStorage s = RaftLogs.openShared(vfs, SEGMENT)) {
            for (int round = 0; round < 5; round++) {
                s.append(1, batch(s.lastIndex(1) + 1, 4, 100), Durability.SYNC);
            }
        }
        String closed = segments(vfs).get(0);
        Corruption.flipBits(vfs, closed, 16 + 8 + 40, 0x08);
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining(closed);
    }

    @Test
    void theFirstFailedForceFailsTheLogForGoodAndReadsGoOn() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(8), 8);
        try (RaftStorage s = RaftLogs.openShared(vfs, 64L << 20)) {
            s.append(1, batch(1, 3, 10), Durability.SYNC);
            vfs.inject(Fault.on(IoOp.FORCE).once());
            assertThatThrownBy(() -> s.append(2, batch(1, 1, 10), Durability.SYNC))
                    .isInstanceOf(StorageIOException.class).hasMessageContaining("shared Raft log");
            vfs.clearFaults();
            // The force that failed proves nothing about what reached the disk: no retry is trusted.
            assertThatThrownBy(() -> s.append(1, batch(4, 1, 10), Durability.SYNC))
                    .isInstanceOf(StorageIOException.class).hasMessageContaining("failed earlier");
            assertThatThrownBy(() -> s.saveHardState(1, new HardState(1, 1, 1), Durability.NONE))
                    .isInstanceOf(StorageIOException.class);
            assertThat(s.lastIndex(1)).isEqualTo(3);
            assertThat(s.lastIndex(2)).as("the failed append changed nothing in memory").isEqualTo(0);
            assertThat(s.entries(1, 1, 4)).isEqualTo(batch(1, 3, 10));
        }
        try (RaftStorage s = RaftLogs.openShared(vfs, 64L << 20)) {
            assertThat(s.lastIndex(1)).isEqualTo(3);
            s.append(1, batch(4, 1, 10), Durability.SYNC);
        }
    }

    @Test
    void aFullDiskFailsTheCallAndTheLog() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(9), 9);
        try (RaftStorage s = RaftLogs.openShared(vfs, 64L << 20)) {
            s.append(1, batch(1, 1, 10), Durability.SYNC);
            vfs.inject(Fault.on(IoOp.WRITE).diskFull());
            assertThatThrownBy(() -> s.append(1, batch(2, 1, 10), Durability.SYNC))
                    .isInstanceOf(dev.plinth.StorageFullException.class).hasMessageContaining("shared Raft log");
            vfs.clearFaults();
            assertThatThrownBy(() -> s.append(1, batch(2, 1, 10), Durability.SYNC))
                    .isInstanceOf(dev.plinth.StorageFullException.class).hasMessageContaining("failed earlier");
            assertThat(s.lastIndex(1)).isEqualTo(1);
        }
    }

    @Test
    void aDamagedEntryInTheOpenSegmentIsReportedWhenRead() {
        MemVfs vfs = new MemVfs(10);
        try (RaftStorage s = RaftLogs.openShared(vfs, 64L << 20)) {
            s.append(1, batch(1, 2, 100), Durability.SYNC);
            s.append(1, batch(3, 2, 100), Durability.SYNC);
            // The first record's second payload: header 16, frame 8, type and group 9, from and count 12, the
            // first entry (16 + 100), the second entry's header 16, then into its payload.
            Corruption.flipBits(vfs, segments(vfs).get(0), 16 + 8 + 9 + 12 + 116 + 16 + 50, 0x20);
            assertThat(s.entry(1, 1).payload()).isEqualTo(batch(1, 1, 100).get(0).payload());
            assertThatThrownBy(() -> s.entry(1, 2)).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("index 2").hasMessageContaining("group 1");
        }
        // At the next open the record fails its CRC32C with a valid record after it: damage, not a torn tail.
        assertThatThrownBy(() -> RaftLogs.openShared(vfs, 64L << 20)).isInstanceOf(CorruptionException.class);
    }

    @Test
    void eachLogRefusesTheOthersDirectory() {
        MemVfs shared = new MemVfs(6);
        RaftLogs.openShared(shared, SEGMENT).close();
        assertThatThrownBy(() -> RaftLogs.openSegmented(shared, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("openShared");
        MemVfs perGroup = new MemVfs(7);
        try (RaftStorage s = RaftLogs.openSegmented(perGroup, SEGMENT)) {
            s.append(1, batch(1, 1, 10), Durability.SYNC);
        }
        assertThatThrownBy(() -> RaftLogs.openShared(perGroup, SEGMENT)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("openSegmented");
        // Both refusals released the lock: the right opener still works.
        RaftLogs.openShared(shared, SEGMENT).close();
        RaftLogs.openSegmented(perGroup, SEGMENT).close();
    }
}
