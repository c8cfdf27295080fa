package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-group log's purge boundary as a record in its segments (format version 3): a purge costs one record
 * and, at {@code SYNC}, one force, plus the deletion of whole segments; a crash at any file operation of a purge
 * leaves the old or the new boundary (never a hole, never entries back below a durable boundary); the boundary
 * and its term survive the deletion of the segment that held the purge record; dead segments left by deletions
 * that did not land are deleted at open; a segment missing with live entries is reported.
 */
class RaftLogSegmentedPurgeRecordTest {
    static final long G = 4;
    static final String DIR = "g-0000000000000004";
    /** Small segments: a few entries each, so purges delete several. */
    static final long SEGMENT = 200;

    private record View(long first, long last, long boundaryTerm, List<LogEntry> entries) {
        static View of(RaftStorage s) {
            return new View(s.firstIndex(G), s.lastIndex(G), s.termAt(G, s.firstIndex(G) - 1),
                    s.entries(G, s.firstIndex(G), s.lastIndex(G) + 1));
        }
    }

    private static LogEntry entry(long i) {
        return new LogEntry(i, 1 + i / 7, new byte[] {(byte) i, (byte) (i >> 8), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    }

    private static void appendUpTo(RaftStorage s, long last) {
        for (long i = s.lastIndex(G) + 1; i <= last; i++) {
            s.append(G, List.of(entry(i)), Durability.SYNC);
        }
    }

    private static List<String> segments(MemVfs vfs) {
        return vfs.list(DIR).stream().filter(n -> n.contains("log_")).map(n -> n.substring(n.lastIndexOf('/') + 1))
                .sorted().toList();
    }

    @Test
    void aSyncPurgeIsOneForceAndNoRenameNorDirectorySync() {
        MemVfs mem = new MemVfs(1);
        FaultyVfs vfs = new FaultyVfs(mem, 1);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            appendUpTo(s, 62); // a segment is open (60 entries end exactly where one is closed)
            int before = segments(mem).size();
            vfs.resetCounters();
            assertThat(s.purge(G, 40, Durability.SYNC)).isEqualTo(40);
            assertThat(vfs.count(IoOp.FORCE)).as("forces").isEqualTo(1);
            assertThat(vfs.count(IoOp.RENAME)).as("renames").isZero();
            assertThat(vfs.count(IoOp.SYNC_DIRECTORY)).as("directory syncs").isZero();
            assertThat(vfs.count(IoOp.CREATE)).as("files created").isZero();
            // The dead segments' files are deleted off the purge's path; flush waits for that (and forces nothing).
            s.flush();
            assertThat(vfs.count(IoOp.FORCE)).as("forces").isEqualTo(1);
            assertThat(vfs.count(IoOp.DELETE)).as("segments deleted").isPositive()
                    .isEqualTo(before - segments(mem).size());
            assertThat(mem.list(DIR)).noneMatch(n -> n.endsWith("boundary"));
        }
    }

    @Test
    void aPurgeAtNoneIsForcedAndFreesItsSegmentsWithTheGroupsNextForce() {
        MemVfs mem = new MemVfs(2);
        FaultyVfs vfs = new FaultyVfs(mem, 2);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            appendUpTo(s, 62);
            int before = segments(mem).size();
            vfs.resetCounters();
            s.purge(G, 40, Durability.NONE);
            assertThat(vfs.count(IoOp.FORCE)).isZero();
            assertThat(vfs.count(IoOp.DELETE)).as("nothing deleted before the purge record is durable").isZero();
            assertThat(s.firstIndex(G)).isEqualTo(41);
            s.flush();
            assertThat(vfs.count(IoOp.FORCE)).isEqualTo(1);
            assertThat(segments(mem).size()).isLessThan(before);
        }
    }

    /** A crash at the n-th operation of each kind inside a purge, then power loss in every mode. */
    @Test
    void aCrashAtAnyOperationOfAPurgeLeavesTheOldOrTheNewBoundary() {
        List<IoOp> kinds = List.of(IoOp.CREATE, IoOp.WRITE, IoOp.FORCE, IoOp.RENAME, IoOp.SYNC_DIRECTORY, IoOp.DELETE,
                IoOp.TRUNCATE);
        List<PowerLoss> modes = List.of(PowerLoss.dropUnsynced(), PowerLoss.tearLastWrite(),
                PowerLoss.garbageLastWrite(), PowerLoss.processCrash());
        int states = 0;
        int cut = 0;
        for (IoOp kind : kinds) {
            for (int nth = 1; nth <= 12; nth++) {
                for (PowerLoss mode : modes) {
                    // Purge up to 40 of 60; then, in the same run, a purge of all the rest (which holds the open
                    // segment's own entries).
                    for (long upTo : new long[] {40, 60}) {
                        if (crashInPurge(kind, nth, mode, upTo)) {
                            cut++;
                        }
                        states++;
                    }
                }
            }
        }
        assertThat(states).isGreaterThanOrEqualTo(600);
        assertThat(cut).as("purges cut short by the fault").isPositive();
    }

    private static boolean crashInPurge(IoOp kind, int nth, PowerLoss mode, long upTo) {
        String where = "purge to " + upTo + ", crash at " + kind + " #" + nth + ", " + mode;
        MemVfs mem = new MemVfs(nth * 31L + upTo);
        FaultyVfs vfs = new FaultyVfs(mem, nth);
        RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT);
        appendUpTo(s, 60);
        if (upTo == 60) {
            s.purge(G, 20, Durability.SYNC);
        }
        View before = View.of(s);
        vfs.inject(Fault.on(kind).at(nth).sticky());
        boolean returned;
        try {
            s.purge(G, upTo, Durability.SYNC);
            returned = true;
        } catch (PlinthException e) {
            returned = false;
        }
        vfs.clearFaults();
        mem.powerLoss(mode);
        s.close();
        try (RaftStorage r = RaftLogs.openSegmented(mem, SEGMENT)) {
            View got = View.of(r);
            List<LogEntry> rest = new ArrayList<>();
            for (long i = upTo + 1; i <= 60; i++) {
                rest.add(entry(i));
            }
            View after = new View(upTo + 1, 60, entry(upTo).term(), rest);
            assertThat(got).as(where + " (returned: " + returned + ")").isIn(before, after);
            if (returned) {
                assertThat(got).as(where + ": a SYNC purge that returned is durable").isEqualTo(after);
            }
            // It goes on: an append and a purge after the restart survive the next power loss.
            r.append(G, List.of(entry(61)), Durability.SYNC);
            r.purge(G, 61, Durability.SYNC);
        }
        mem.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage r = RaftLogs.openSegmented(mem, SEGMENT)) {
            assertThat(r.firstIndex(G)).as(where + ": after the second crash").isEqualTo(62);
            assertThat(r.termAt(G, 61)).isEqualTo(entry(61).term());
        }
        return !returned;
    }

    @Test
    void theBoundaryIsCarriedForwardWhenTheSegmentOfItsRecordIsDeleted() {
        MemVfs vfs = new MemVfs(3);
        long term9 = entry(9).term();
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            appendUpTo(s, 8);
            // A large entry 9 nearly fills a new segment; the purge record of 9 then closes it, holding only 9.
            s.append(G, List.of(new LogEntry(9, term9, new byte[100])), Durability.SYNC);
            s.purge(G, 9, Durability.SYNC);
            assertThat(segments(vfs)).as("the segment of the purge record, closed").anyMatch(n -> n.endsWith("_9-9"));
            // The next segment begins with a base record restating the boundary; once it is forced, the closed
            // segment, holding only purged indexes, is deleted.
            for (long i = 10; i <= 30; i++) {
                s.append(G, List.of(entry(i)), Durability.SYNC);
            }
            s.flush();
            assertThat(segments(vfs)).as("the segment of the purge record is gone").noneMatch(n -> n.endsWith("_9-9"));
            assertThat(s.termAt(G, 9)).isEqualTo(term9);
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            assertThat(s.firstIndex(G)).isEqualTo(10);
            assertThat(s.termAt(G, 9)).as("the boundary's term, from a later segment's base record").isEqualTo(term9);
            assertThat(s.entries(G, 10, 31)).hasSize(21);
            s.purge(G, 29, Durability.SYNC);
            for (long i = 31; i <= 50; i++) {
                s.append(G, List.of(entry(i)), Durability.SYNC);
            }
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            assertThat(s.firstIndex(G)).isEqualTo(30);
            assertThat(s.termAt(G, 29)).isEqualTo(entry(29).term());
            assertThat(s.lastIndex(G)).isEqualTo(50);
        }
    }

    @Test
    void deadSegmentsWhoseDeletionDidNotLandAreDeletedAtOpen() {
        MemVfs vfs = new MemVfs(4);
        List<String> kept;
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            appendUpTo(s, 60);
            s.purge(G, 40, Durability.SYNC);
            s.flush();
            kept = segments(vfs);
        }
        // The deletions were not followed by a directory sync: the dead segments come back.
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(segments(vfs).size()).isGreaterThan(kept.size());
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            assertThat(s.firstIndex(G)).isEqualTo(41);
            assertThat(s.termAt(G, 40)).isEqualTo(entry(40).term());
            assertThat(segments(vfs)).isEqualTo(kept);
        }
    }

    @Test
    void aGapLeftByDeletionsThatLandedOutOfOrderEndsTheDeadSegments() {
        MemVfs vfs = new MemVfs(5);
        List<String> before;
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            appendUpTo(s, 60);
            s.purge(G, 40, Durability.SYNC);
            s.flush();
            before = segments(vfs);
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        List<String> all = segments(vfs);
        List<String> dead = all.subList(0, all.size() - before.size());
        assertThat(dead).hasSizeGreaterThan(2);
        // Only the second dead segment's deletion landed: the first is behind a gap.
        vfs.delete(DIR + "/" + dead.get(1));
        vfs.syncDirectory(DIR);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            assertThat(View.of(s).first()).isEqualTo(41);
            assertThat(s.entries(G, 41, 61)).hasSize(20);
            assertThat(segments(vfs)).isEqualTo(before);
        }
    }

    @Test
    void aMissingSegmentWithLiveEntriesIsReportedAndNothingIsDeleted() {
        for (int missing : new int[] {0, 2}) {
            MemVfs vfs = new MemVfs(6);
            try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
                appendUpTo(s, 60);
                s.purge(G, 5, Durability.SYNC);
            }
            List<String> segs = segments(vfs);
            vfs.delete(DIR + "/" + segs.get(missing));
            vfs.syncDirectory(DIR);
            assertThatThrownBy(() -> {
                try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
                    s.lastIndex(G);
                }
            }).as("segment %d missing", missing).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("Group " + G).hasMessageContaining("missing entries");
            assertThat(segments(vfs)).hasSize(segs.size() - 1);
        }
    }

    @Test
    void aResetIsOneRecordAndDropsEverySegmentBeforeIt() {
        MemVfs mem = new MemVfs(7);
        FaultyVfs vfs = new FaultyVfs(mem, 7);
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            appendUpTo(s, 62);
            vfs.resetCounters();
            s.reset(G, 5, 2, Durability.SYNC);
            assertThat(vfs.count(IoOp.FORCE)).isEqualTo(1);
            assertThat(vfs.count(IoOp.RENAME)).isZero();
            s.flush();
            assertThat(segments(mem)).hasSize(1);
            s.append(G, List.of(new LogEntry(6, 2, new byte[] {6})), Durability.SYNC);
        }
        mem.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = RaftLogs.openSegmented(mem, SEGMENT)) {
            assertThat(s.firstIndex(G)).isEqualTo(6);
            assertThat(s.termAt(G, 5)).isEqualTo(2);
            assertThat(s.lastIndex(G)).isEqualTo(6);
        }
    }
}
