package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The next segment made ahead of need on a background thread (the spare, {@code SpareSegment}), on both logs of our
 * own with segments of 128 KiB (spares are made for segments over 64 KiB): a segment begun at a roll is already
 * preallocated whole, so the appending thread writes no zeros; a failure while the spare is made, or while it is
 * taken, fails the log with a clear exception; and a power loss at any of those points, or with a spare made whole and
 * not taken, loses no acknowledged entry, leaves no spare after the next open and lets the log go on.
 */
class RaftLogSpareSegmentTest {
    static final long G = 7;
    static final long SEGMENT = 128 << 10;
    static final int BATCH = 32;
    static final List<PowerLoss> CRASHES = List.of(PowerLoss.processCrash(), PowerLoss.dropUnsynced(),
            PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite());

    /** One of the two logs of our own, and where its segments live. */
    private record Kind(String name, Function<FaultyVfs, RaftStorage> open, String dir) {
        String spare() {
            return dir.isEmpty() ? "spare" : dir + "/spare";
        }
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("per-group", v -> RaftLogs.openSegmented(v, SEGMENT), String.format("g-%016x", G)),
            new Kind("shared", v -> RaftLogs.openShared(v, SEGMENT), ""));

    /** What was appended and what was acknowledged. */
    private static final class Appended {
        final List<LogEntry> entries = new ArrayList<>();
        long acked;
        final Random random = new Random(1);

        List<LogEntry> next(RaftStorage s) {
            long from = s.lastIndex(G) + 1;
            List<LogEntry> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                byte[] p = new byte[128];
                random.nextBytes(p);
                batch.add(new LogEntry(from + i, 1, p));
            }
            return batch;
        }

        /** Appends one batch at {@code SYNC}; returns what it threw, or null. */
        PlinthException append(RaftStorage s) {
            List<LogEntry> batch;
            try {
                batch = next(s);
                if (entries.size() > s.lastIndex(G)) {
                    entries.subList((int) s.lastIndex(G), entries.size()).clear();
                }
                entries.addAll(batch);
                s.append(G, batch, Durability.SYNC);
            } catch (PlinthException e) {
                return e;
            }
            acked = batch.get(batch.size() - 1).index();
            return null;
        }

        /** Every acknowledged entry is there, and what is there is a prefix of what was appended. */
        void check(RaftStorage r, String at) {
            assertThat(r.lastIndex(G)).as("%s: the last index", at).isBetween(acked, (long) entries.size());
            assertThat(r.entries(G, 1, r.lastIndex(G) + 1)).as("%s: the entries", at)
                    .isEqualTo(entries.subList(0, (int) r.lastIndex(G)));
        }
    }

    private static String inProgress(FaultyVfs vfs, Kind k) {
        return vfs.list(k.dir()).stream().map(n -> n.substring(n.lastIndexOf('/') + 1))
                .filter(n -> n.startsWith("log_inprogress_")).findFirst().orElseThrow();
    }

    private static String path(Kind k, String name) {
        return k.dir().isEmpty() ? name : k.dir() + "/" + name;
    }

    @Test
    void aSegmentBegunAtARollIsAlreadyPreallocatedWhole() throws InterruptedException {
        for (Kind k : KINDS) {
            FaultyVfs vfs = new FaultyVfs(new MemVfs(1), 1);
            Appended a = new Appended();
            // The shared log's leader waits for a spare being made before its roll, so every roll takes one. The
            // per-group log does not wait (it rolls under the group's lock): a roll that comes before the background
            // thread handed the spare over (a moment after its directory sync, which is all a test can see) makes
            // its segment itself, and a later roll takes the spare. So it rolls until two rolls took one.
            boolean waits = k.name().equals("shared");
            try (RaftStorage s = k.open().apply(vfs)) {
                int rolls = 0;
                int took = 0;
                String current = null;
                boolean made = false;
                long syncs = vfs.count(IoOp.SYNC_DIRECTORY);
                for (int i = 0; i < 600 && took < 3 && rolls < 8; i++) {
                    long syncsNow = vfs.count(IoOp.SYNC_DIRECTORY);
                    if (!made && vfs.exists(k.spare())) {
                        // The background thread is given its time here, before the appends that roll.
                        awaitMade(vfs, k, k.name(), syncs);
                        made = true;
                    }
                    syncs = syncsNow;
                    assertThat(a.append(s)).as(k.name()).isNull();
                    String now = inProgress(vfs, k);
                    if (current != null && !now.equals(current)) {
                        rolls++;
                        // Made ahead by the spare: the whole segment's zeros are there already (a segment made at the
                        // roll on the appending thread starts small and doubles as it fills).
                        boolean whole = vfs.size(path(k, now)) == SEGMENT;
                        if (waits) {
                            assertThat(whole).as("%s: %s whole right after the roll", k.name(), now).isTrue();
                        }
                        if (whole) {
                            assertThat(vfs.exists(k.spare())).as("%s: the spare was taken", k.name()).isFalse();
                            took++;
                            made = false;
                        }
                    }
                    current = now;
                }
                assertThat(took).as("%s: rolls that took a whole spare, of %d", k.name(), rolls)
                        .isGreaterThanOrEqualTo(waits ? 3 : 2);
            }
            try (RaftStorage r = k.open().apply(vfs)) {
                a.check(r, k.name() + ", reopened");
                assertThat(vfs.exists(k.spare())).as("%s: a spare left is deleted at open", k.name()).isFalse();
            }
        }
    }

    /**
     * A sticky fault at each file operation of the spare's making (its creation, the header, the first step's zeros and
     * force, the second step's zeros and force, so a spare half made, the directory sync), then each kind of power
     * loss: the log fails with an exception naming the spare; after the restart every acknowledged entry is there, no
     * spare is left, and appending goes on across two more rolls.
     */
    @Test
    void aFailureWhileTheSpareIsMadeFailsTheLogAndLosesNothing() throws InterruptedException {
        List<Object[]> points = List.of(new Object[] {IoOp.CREATE, 1}, new Object[] {IoOp.WRITE, 1},
                new Object[] {IoOp.WRITE, 2}, new Object[] {IoOp.FORCE, 1}, new Object[] {IoOp.WRITE, 3},
                new Object[] {IoOp.FORCE, 2}, new Object[] {IoOp.SYNC_DIRECTORY, 1});
        int runs = 0;
        for (Kind k : KINDS) {
            for (Object[] p : points) {
                IoOp op = (IoOp) p[0];
                int nth = (Integer) p[1];
                for (PowerLoss crash : CRASHES) {
                    String at = String.format("%s, %s #%d of the spare, then %s", k.name(), op, nth, crash);
                    FaultyVfs vfs = new FaultyVfs(new MemVfs(nth), nth);
                    Appended a = new Appended();
                    RaftStorage s = k.open().apply(vfs);
                    assertThat(a.append(s)).as(at).isNull();
                    Fault f = Fault.on(op).at(nth).sticky();
                    // The directory sync names the directory: no other one happens before the roll.
                    vfs.inject(op == IoOp.SYNC_DIRECTORY ? f : f.onFiles(n -> n.equals(k.spare()), "the spare"));
                    // Appends past half the segment (18 more batches of about 4.6 KiB: about 87 KiB of 128), where
                    // the spare's making starts, and not to the roll; then waits for the fault on the background
                    // thread, so the failure is the spare's (the directory sync's too), never the roll's own.
                    PlinthException failed = null;
                    for (int i = 0; i < 18 && failed == null; i++) {
                        failed = a.append(s);
                    }
                    for (int i = 0; i < 10_000 && vfs.failuresInjected() == 0; i++) {
                        Thread.sleep(1);
                    }
                    assertThat(vfs.failuresInjected()).as("%s: the spare met the fault", at).isPositive();
                    Thread.sleep(50); // from the failed operation to the failure kept, a few instructions
                    for (int i = 0; i < 200 && failed == null; i++) {
                        failed = a.append(s);
                    }
                    assertThat(failed).as(at).isInstanceOf(StorageIOException.class);
                    assertThat(failed.getMessage()).as(at).contains("ahead of need");
                    // (Not through a.append: the failed batch may be on disk, and its indexes must keep its entries.)
                    assertThatThrownBy(() -> s.append(G, a.next(s), Durability.SYNC)).as("%s: the log stays failed", at)
                            .isInstanceOf(StorageIOException.class);
                    vfs.clearFaults();
                    vfs.powerLoss(crash);
                    s.close();
                    reopenAndGoOn(vfs, k, a, at);
                    runs++;
                }
            }
        }
        assertThat(runs).isEqualTo(KINDS.size() * 7 * CRASHES.size());
    }

    /**
     * A disk with room for the segment being written to grow to its full size (64 KiB more) but not for a whole spare
     * (128 KiB): the log fails with a {@link StorageFullException} saying the spare's making failed; after the restart
     * with room again, nothing acknowledged is lost and appending goes on.
     */
    @Test
    void aFullDiskWhileTheSpareIsMadeIsAStorageFullException() throws InterruptedException {
        for (Kind k : KINDS) {
            String at = k.name() + ", a full disk";
            FaultyVfs vfs = new FaultyVfs(new MemVfs(11), 11);
            Appended a = new Appended();
            RaftStorage s = k.open().apply(vfs);
            assertThat(a.append(s)).as(at).isNull();
            vfs.limitFreeSpace(96 << 10);
            // Past half the segment, not to the roll (as in the faults above), then the spare's making is given its
            // time: the per-group log would otherwise make the next segment itself at the roll, and fail there.
            PlinthException failed = null;
            for (int i = 0; i < 18 && failed == null; i++) {
                failed = a.append(s);
            }
            for (int i = 0; i < 10_000 && failed == null && !vfs.exists(k.spare()); i++) {
                Thread.sleep(1);
            }
            Thread.sleep(50);
            for (int i = 0; i < 200 && failed == null; i++) {
                failed = a.append(s);
            }
            assertThat(failed).as(at).isInstanceOf(StorageFullException.class);
            assertThat(failed.getMessage()).as(at).contains("ahead of need");
            vfs.unlimitedSpace();
            s.close();
            reopenAndGoOn(vfs, k, a, at);
        }
    }

    /**
     * A purge of everything, a reset, or a close right after the append that starts the spare's making (while it is
     * being made, most runs): no handle is left after the close, and after the next open the log holds what it
     * should: the reset's boundary, or every acknowledged entry.
     */
    @Test
    void aPurgeResetOrCloseWhileTheSpareIsMadeLeavesNoSpareAndNoHandle() {
        for (Kind k : KINDS) {
            for (String op : List.of("purge", "reset", "close")) {
                String at = k.name() + ", a " + op + " while the spare is made";
                FaultyVfs vfs = new FaultyVfs(new MemVfs(13), 13);
                Appended a = new Appended();
                long last;
                try (RaftStorage s = k.open().apply(vfs)) {
                    // 19 batches of about 4.6 KiB: past half of the 128 KiB segment, where the spare is begun.
                    for (int i = 0; i < 19; i++) {
                        assertThat(a.append(s)).as(at).isNull();
                    }
                    last = s.lastIndex(G);
                    if (op.equals("purge")) {
                        s.purge(G, last, Durability.SYNC);
                    } else if (op.equals("reset")) {
                        s.reset(G, last + 100, 2, Durability.SYNC);
                    }
                }
                vfs.assertNoLeaks();
                try (RaftStorage r = k.open().apply(vfs)) {
                    // (A spare may be there again: the open's own writes past half the segment begin this run's.)
                    if (op.equals("close")) {
                        a.check(r, at + ", reopened");
                    } else {
                        long boundary = op.equals("purge") ? last : last + 100;
                        assertThat(r.firstIndex(G)).as("%s: the first index", at).isEqualTo(boundary + 1);
                        assertThat(r.lastIndex(G)).as("%s: the last index", at).isEqualTo(boundary);
                    }
                }
                vfs.assertNoLeaks();
            }
        }
    }

    /**
     * A spare made whole and not yet taken, then a crash in each mode; and a sticky fault at the 1st to 3rd rename and
     * directory sync from then on (the roll that renames the closed segment and then takes the spare: a crash before,
     * between and after the spare's rename), then a power loss: nothing acknowledged is lost, no spare is left after
     * the open, and the log goes on.
     */
    @Test
    void aCrashAroundTheSparesTakingLosesNothing() throws InterruptedException {
        int runs = 0;
        for (Kind k : KINDS) {
            for (PowerLoss crash : CRASHES) {
                String at = String.format("%s, a whole spare not taken, then %s", k.name(), crash);
                FaultyVfs vfs = new FaultyVfs(new MemVfs(3), 3);
                Appended a = new Appended();
                RaftStorage s = k.open().apply(vfs);
                awaitWholeSpare(vfs, k, a, s, at);
                vfs.powerLoss(crash);
                s.close();
                reopenAndGoOn(vfs, k, a, at);
                runs++;
            }
            for (IoOp op : List.of(IoOp.RENAME, IoOp.SYNC_DIRECTORY)) {
                for (int nth = 1; nth <= 3; nth++) {
                    String at = String.format("%s, %s #%d at the roll that takes the spare", k.name(), op, nth);
                    FaultyVfs vfs = new FaultyVfs(new MemVfs(nth), nth);
                    Appended a = new Appended();
                    RaftStorage s = k.open().apply(vfs);
                    awaitWholeSpare(vfs, k, a, s, at);
                    vfs.inject(Fault.on(op).at(nth).sticky());
                    PlinthException failed = null;
                    for (int i = 0; i < 200 && failed == null; i++) {
                        failed = a.append(s);
                    }
                    assertThat(failed).as(at).isInstanceOf(StorageIOException.class);
                    vfs.clearFaults();
                    vfs.powerLoss(PowerLoss.dropUnsynced());
                    s.close();
                    reopenAndGoOn(vfs, k, a, at);
                    runs++;
                }
            }
        }
        assertThat(runs).isEqualTo(KINDS.size() * (CRASHES.size() + 6));
    }

    /** Appends until the spare is made whole (its file at the segment's size), waiting for the background thread. */
    private static void awaitWholeSpare(FaultyVfs vfs, Kind k, Appended a, RaftStorage s, String at)
            throws InterruptedException {
        long syncs = vfs.count(IoOp.SYNC_DIRECTORY);
        for (int i = 0; i < 200; i++) {
            // Counted before the look that finds no spare: the directory syncs of the appends before it (a new
            // group's first append makes its directory and segment) are not the spare's.
            long now = vfs.count(IoOp.SYNC_DIRECTORY);
            if (vfs.exists(k.spare())) {
                break;
            }
            syncs = now;
            assertThat(a.append(s)).as(at).isNull();
        }
        awaitMade(vfs, k, at, syncs);
    }

    /**
     * Waits for a spare begun to be made whole: its file at the segment's size, forced, and its directory synced (a
     * directory sync after {@code syncsBefore}, counted before the spare was created: the appending thread syncs none
     * between two rolls), then a moment for the background thread to hand it over.
     */
    private static void awaitMade(FaultyVfs vfs, Kind k, String at, long syncsBefore) throws InterruptedException {
        for (int i = 0; i < 10_000 && !(vfs.exists(k.spare()) && vfs.size(k.spare()) == SEGMENT
                && vfs.count(IoOp.SYNC_DIRECTORY) > syncsBefore); i++) {
            Thread.sleep(1);
        }
        assertThat(vfs.size(k.spare())).as("%s: the spare made", at).isEqualTo(SEGMENT);
        assertThat(vfs.count(IoOp.SYNC_DIRECTORY)).as("%s: the spare's directory synced", at).isGreaterThan(syncsBefore);
        Thread.sleep(150); // from its directory sync to its handover: a few instructions, 50 ms was short at load 10
    }

    /**
     * Opens the log after a crash: every acknowledged entry is there, the spare is gone; then appends across two rolls,
     * loses power (dropping what is not synced) and opens again: everything acknowledged is there.
     */
    private static void reopenAndGoOn(FaultyVfs vfs, Kind k, Appended a, String at) {
        try (RaftStorage r = k.open().apply(vfs)) {
            a.check(r, at + ", reopened");
            assertThat(vfs.exists(k.spare())).as("%s: no spare after the open", at).isFalse();
            for (int i = 0; i < 60; i++) {
                assertThat(a.append(r)).as("%s: appending after the open", at).isNull();
            }
            vfs.powerLoss(PowerLoss.dropUnsynced());
        }
        try (RaftStorage r = k.open().apply(vfs)) {
            a.check(r, at + ", appended, power loss, reopened");
        }
    }

    /**
     * A failed write to a segment begun from the spare names the segment, not the {@code spare} it was made as: the
     * segment is opened by its new name after the rename (a fault filtered on the in-progress name reaches it).
     */
    @Test
    void aSegmentBegunFromTheSpareIsNamedByItsNewName() throws InterruptedException {
        for (Kind k : KINDS) {
            FaultyVfs vfs = new FaultyVfs(new MemVfs(9), 9);
            Appended a = new Appended();
            try (RaftStorage s = k.open().apply(vfs)) {
                awaitWholeSpare(vfs, k, a, s, k.name());
                String first = inProgress(vfs, k);
                for (int i = 0; i < 200 && inProgress(vfs, k).equals(first); i++) {
                    assertThat(a.append(s)).as(k.name()).isNull();
                }
                String taken = inProgress(vfs, k);
                assertThat(vfs.size(path(k, taken))).as("%s: begun from the spare", k.name()).isEqualTo(SEGMENT);
                vfs.inject(Fault.on(IoOp.WRITE).sticky().onFiles(n -> n.equals(path(k, taken)), "the new segment"));
                PlinthException failed = a.append(s);
                assertThat(failed).as(k.name()).isInstanceOf(StorageIOException.class);
                assertThat(failed.getMessage()).as(k.name()).contains(taken).doesNotContain("spare");
                vfs.clearFaults();
            }
            vfs.assertNoLeaks();
        }
    }

    /**
     * The reopen of a group past half its segment whose first save of its hard state was cut off after the file's
     * rename and before the record naming it: the open records the file, a write that starts making this run's spare
     * in the background; the spare left by the earlier run must be gone before, not deleted under the new one (a
     * file system delaying the spare's deletion by 300 ms widens the window). Appending then goes on across a roll.
     */
    @Test
    void theOpenDeletesALeftoverSpareBeforeItsOwnWritesStartTheNext() throws InterruptedException {
        Kind k = KINDS.get(0);
        FaultyVfs vfs = new FaultyVfs(new MemVfs(5), 5);
        Appended a = new Appended();
        try (RaftStorage s = k.open().apply(vfs)) {
            awaitWholeSpare(vfs, k, a, s, "before the reopen");
        }
        assertThat(vfs.exists(k.spare())).as("the spare stays after a close").isTrue();
        // A hard state file that no record names: its save was cut off after its rename.
        try (dev.plinth.io.VfsFile f = vfs.create(k.dir() + "/hardstate")) {
            f.write(0, java.nio.ByteBuffer.wrap(new byte[] {1}));
            f.force();
        }
        Vfs slow = slowDeletionOf(vfs, k.spare());
        try (RaftStorage r = RaftLogs.openSegmented(slow, SEGMENT)) {
            a.check(r, "reopened");
            for (int i = 0; i < 60; i++) {
                assertThat(a.append(r)).as("appending after the open, batch %d", i).isNull();
            }
        }
        try (RaftStorage r = k.open().apply(vfs)) {
            a.check(r, "reopened again");
        }
    }

    /** Delays the deletion of one file by 300 ms: the window where an open's deletion could meet a new spare. */
    private static Vfs slowDeletionOf(Vfs v, String slow) {
        return (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(), new Class<?>[] {Vfs.class}, (p, m, args) -> {
            if (m.getName().equals("delete") && slow.equals(args[0])) {
                Thread.sleep(300);
            }
            try {
                return m.invoke(v, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
