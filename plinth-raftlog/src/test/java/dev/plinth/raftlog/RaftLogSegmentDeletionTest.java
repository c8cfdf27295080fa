package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.StorageIOException;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-group log's deletion of dead segments in steps: a purged segment larger than one step is renamed to a
 * {@code deleting_} name with its directory synced, truncated from its end in forced steps of an eighth of a segment
 * (16 KiB for the 128 KiB segments here; times one more than the dead segments waiting behind it), then deleted; a failure or a power loss at any of those operations loses
 * nothing acknowledged and never leaves a cut segment under a segment's name; a close stops the freeing, and the next
 * open deletes what is left.
 */
class RaftLogSegmentDeletionTest {
    static final long G = 5;
    static final long SEGMENT = 128 << 10;
    static final long STEP = 16 << 10;
    static final String DIR = String.format("g-%016x", G);
    static final List<PowerLoss> CRASHES = List.of(PowerLoss.processCrash(), PowerLoss.dropUnsynced(),
            PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite());

    /** What was appended and what was acknowledged, and the purge acknowledged. */
    private static final class Appended {
        final List<LogEntry> entries = new ArrayList<>();
        final Random random = new Random(3);
        long acked;
        long purged;

        /** Appends one batch of 32 entries of 128 bytes at {@code SYNC}; returns what it threw, or null. */
        PlinthException append(RaftStorage s) {
            try {
                long from = s.lastIndex(G) + 1;
                List<LogEntry> batch = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    byte[] p = new byte[128];
                    random.nextBytes(p);
                    batch.add(new LogEntry(from + i, 1, p));
                }
                entries.subList((int) from - 1, entries.size()).clear();
                entries.addAll(batch);
                s.append(G, batch, Durability.SYNC);
                acked = from + 31;
                return null;
            } catch (PlinthException e) {
                return e;
            }
        }

        /** Appends until the group has closed {@code segments} segments, then one batch more. */
        void fill(RaftStorage s, Vfs vfs, int segments) {
            for (int i = 0; i < 1000 && closedSegments(vfs).size() < segments; i++) {
                assertThat(append(s)).isNull();
            }
            assertThat(closedSegments(vfs)).hasSize(segments);
            // And one batch into the new segment, so that the purge below leaves every closed segment dead.
            assertThat(append(s)).isNull();
        }

        /** Purges at {@code SYNC} everything but the last 10 entries: every closed segment is then dead. */
        void purge(RaftStorage s) {
            purged = s.purge(G, s.lastIndex(G) - 10, Durability.SYNC);
        }

        /** The purge and every acknowledged entry are there, and what is there is a prefix of what was appended. */
        void check(RaftStorage r, String at) {
            assertThat(r.firstIndex(G)).as("%s: the first index", at).isEqualTo(purged + 1);
            assertThat(r.lastIndex(G)).as("%s: the last index", at).isBetween(acked, (long) entries.size());
            assertThat(r.entries(G, purged + 1, r.lastIndex(G) + 1)).as("%s: the entries", at)
                    .isEqualTo(entries.subList((int) purged, (int) r.lastIndex(G)));
        }
    }

    private static List<String> names(Vfs vfs) {
        if (!vfs.exists(DIR)) {
            return List.of();
        }
        return vfs.list(DIR).stream().map(n -> n.substring(n.lastIndexOf('/') + 1)).sorted().toList();
    }

    private static List<String> closedSegments(Vfs vfs) {
        return names(vfs).stream().filter(n -> n.startsWith("log_") && !n.startsWith("log_inprogress_")).toList();
    }

    private static List<String> retired(Vfs vfs) {
        return names(vfs).stream().filter(n -> n.startsWith("deleting_")).toList();
    }

    /** Waits (at most 10 s) until no retired file is left: the background freeing has ended. */
    private static void awaitFreed(Vfs vfs, String at) throws InterruptedException {
        for (int i = 0; i < 10_000 && !retired(vfs).isEmpty(); i++) {
            Thread.sleep(1);
        }
        assertThat(retired(vfs)).as("%s: retired files left", at).isEmpty();
    }

    /**
     * Wraps a file system so that {@code onCall} sees each call of the log's files ("rename a b", "truncate name
     * size", ...) before it is made.
     */
    private static Vfs watched(Vfs vfs, Consumer<String> onCall) {
        return (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(), new Class<?>[] {Vfs.class}, (p, m, args) -> {
            if (!m.getName().equals("location") && !m.getName().equals("list") && !m.getName().equals("exists")
                    && !m.getName().equals("isDirectory") && !m.getName().equals("lock")) {
                onCall.accept(m.getName() + describe(args));
            }
            Object out = invoke(vfs, m, args);
            if (out instanceof VfsFile f) {
                return file(f, onCall);
            }
            return out;
        });
    }

    private static VfsFile file(VfsFile f, Consumer<String> onCall) {
        return (VfsFile) Proxy.newProxyInstance(VfsFile.class.getClassLoader(), new Class<?>[] {VfsFile.class},
                (p, m, args) -> {
                    if (m.getName().equals("truncate") || m.getName().equals("force")) {
                        onCall.accept(m.getName() + " " + leaf(f.name()) + describe(args));
                    }
                    return invoke(f, m, args);
                });
    }

    private static String describe(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args == null ? new Object[0] : args) {
            b.append(' ').append(a instanceof String s ? leaf(s) : String.valueOf(a));
        }
        return b.toString();
    }

    private static String leaf(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Sees the deletion's own operations among a file system's calls (see {@link #watched}): those on {@code deleting_}
     * files, and a directory sync on the thread whose call before it renamed a segment to a {@code deleting_} name (not
     * the spare's directory syncs, made on other threads). From the {@link #failFrom}th on, each fails before it is
     * made, as an I/O error would.
     */
    private static final class DeletionOps implements Consumer<String> {
        final List<String> ops = Collections.synchronizedList(new ArrayList<>());
        final ThreadLocal<String> last = new ThreadLocal<>();
        volatile int failFrom = Integer.MAX_VALUE;

        @Override
        public void accept(String call) {
            String before = last.get();
            last.set(call);
            boolean mine = call.contains("deleting_") || call.startsWith("syncDirectory ") && before != null
                    && before.startsWith("rename ") && before.contains("deleting_");
            if (mine) {
                int n;
                synchronized (ops) {
                    ops.add(call);
                    n = ops.size();
                }
                if (n >= failFrom) {
                    throw new StorageIOException("Injected: the deletion's operation " + n + " (" + call + ") failed.");
                }
            }
        }

        List<String> ops() {
            synchronized (ops) {
                return List.copyOf(ops);
            }
        }
    }

    @Test
    void deadSegmentsAreRetiredWithTheirNamesDurableThenTruncatedInForcedStepsThenDeleted() throws InterruptedException {
        MemVfs mem = new MemVfs(1);
        DeletionOps ops = new DeletionOps();
        Appended a = new Appended();
        try (RaftStorage s = RaftLogs.openSegmented(watched(mem, ops), SEGMENT)) {
            a.fill(s, mem, 2);
            List<String> dead = closedSegments(mem);
            List<Long> sizes = dead.stream().map(n -> mem.size(DIR + "/" + n)).toList();
            a.purge(s);
            s.flush();
            awaitFreed(mem, "after the purge");
            assertThat(closedSegments(mem)).as("segments left").isEmpty();
            // Every dead segment retired first, oldest first, so a flush waits for renames only; then each freed.
            List<String> expected = new ArrayList<>();
            for (String name : dead) {
                expected.add("rename " + name + " deleting_" + name);
                expected.add("syncDirectory " + DIR);
            }
            for (int i = 0; i < dead.size(); i++) {
                String retired = "deleting_" + dead.get(i);
                assertThat(sizes.get(i)).as("%s is larger than four steps", dead.get(i)).isGreaterThan(8 * STEP);
                expected.add("openWrite " + retired);
                // Steps of 16 KiB times one more than the dead segments waiting: two for the first, one for the last.
                long cut = STEP * (dead.size() - i);
                for (long size = sizes.get(i); size > cut; size -= cut) {
                    expected.add("truncate " + retired + " " + (size - cut));
                    expected.add("force " + retired);
                }
                expected.add("delete " + retired);
            }
            assertThat(ops.ops()).isEqualTo(expected);
            a.check(s, "after the deletion");
        }
        try (RaftStorage r = RaftLogs.openSegmented(mem, SEGMENT)) {
            a.check(r, "reopened");
        }
    }

    /**
     * A fault at each operation of the deletion of two dead segments (their renames and directory syncs, the opening,
     * each truncation and force, the unlink), failing that one and every later one, then each kind of power loss: the
     * group fails, the purge and every acknowledged entry survive the restart, no retired file is left once the next
     * open has freed what it found, and the log goes on.
     */
    @Test
    void aFailureAndAPowerLossAtEveryStepOfTheDeletionLoseNothing() throws InterruptedException {
        DeletionOps plan = new DeletionOps();
        MemVfs first = new MemVfs(2);
        try (RaftStorage s = RaftLogs.openSegmented(watched(first, plan), SEGMENT)) {
            Appended a = new Appended();
            a.fill(s, first, 2);
            a.purge(s);
            s.flush();
            awaitFreed(first, "the run without faults");
        }
        int count = plan.ops().size();
        assertThat(count).as("the deletion's operations").isGreaterThan(20);
        int runs = 0;
        for (int k = 1; k <= count; k++) {
            for (PowerLoss crash : CRASHES) {
                String at = String.format("the deletion's operation %d (%s) failing, then %s", k, plan.ops().get(k - 1),
                        crash);
                FaultyVfs vfs = new FaultyVfs(new MemVfs(2), 2);
                DeletionOps ops = new DeletionOps();
                Appended a = new Appended();
                RaftStorage s = RaftLogs.openSegmented(watched(vfs, ops), SEGMENT);
                a.fill(s, vfs, 2);
                ops.failFrom = k;
                a.purge(s);
                PlinthException failed = null;
                for (int t = 0; t < 10_000 && failed == null; t++) {
                    if (ops.ops().size() >= k) {
                        try {
                            s.firstIndex(G);
                        } catch (PlinthException e) {
                            failed = e;
                        }
                    }
                    Thread.sleep(1);
                }
                assertThat(failed).as("%s: the group failed", at).isInstanceOf(StorageIOException.class);
                assertThat(failed.getMessage()).as(at).contains("Injected: the deletion's operation " + k);
                vfs.powerLoss(crash);
                s.close();
                vfs.assertNoLeaks();
                try (RaftStorage r = RaftLogs.openSegmented(vfs, SEGMENT)) {
                    a.check(r, at + ", reopened");
                    awaitFreed(vfs, at + ", reopened");
                    assertThat(closedSegments(vfs)).as("%s: dead segments left", at).isEmpty();
                    a.fill(r, vfs, 2);
                    vfs.powerLoss(PowerLoss.dropUnsynced());
                }
                try (RaftStorage r = RaftLogs.openSegmented(vfs, SEGMENT)) {
                    a.check(r, at + ", appended, power loss, reopened");
                }
                runs++;
            }
        }
        assertThat(runs).isEqualTo(count * CRASHES.size());
    }

    /**
     * A log written before format version 3 keeps its boundary in a {@code boundary} file, deleted once no segment of
     * that format is left; its dead segments of the old format, if found without it, would be replayed with the wrong
     * boundary. The process stops (every removal of a closed segment failing) after the purge that frees the last old
     * segments: the next open reads the log, as the file outlived the segments' names.
     */
    @Test
    void theOldBoundaryFileOutlivesTheDeadSegmentsOfItsFormat(@TempDir Path dir) {
        Path log = RaftLogFormatV1Test.copyFixture("raftlog-format-v1", "segmented", dir.resolve("log"));
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Vfs vfs = watched(NioVfs.at(log), c -> {
            String[] w = c.split(" ");
            if (stopped.get() && (w[0].equals("delete") || w[0].equals("rename")) && w[1].startsWith("log_")
                    && !w[1].startsWith("log_inprogress_")) {
                throw new StorageIOException("Stopped before " + c + ".");
            }
        });
        byte[] big = new byte[300];
        RaftStorage s = RaftLogs.openSegmented(vfs, 1024);
        s.purge(2, 20, Durability.SYNC);
        for (long i = 63; i <= 90; i++) {
            s.append(2, List.of(new LogEntry(i, 5, big)), Durability.SYNC);
        }
        stopped.set(true);
        try {
            s.purge(2, 85, Durability.SYNC);
            s.flush();
        } catch (StorageIOException e) {
            // The group failed at the removal: as a process stopped there.
        }
        s.close();
        try (RaftStorage r = RaftLogs.openSegmented(NioVfs.at(log), 1024)) {
            assertThat(r.lastIndex(2)).isEqualTo(90);
            assertThat(r.entries(2, r.firstIndex(2), 91)).hasSize((int) (91 - r.firstIndex(2)));
        }
    }

    /**
     * Without a stop, the old {@code boundary} file is deleted after every dead segment's removal and a directory sync
     * that makes those removals durable (the segments here are small, unlinked at once with no sync of their own).
     */
    @Test
    void theOldBoundaryFileGoesAfterADirectorySyncThatFollowsTheRemovals(@TempDir Path dir) {
        Path log = RaftLogFormatV1Test.copyFixture("raftlog-format-v1", "segmented", dir.resolve("log"));
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        byte[] big = new byte[300];
        try (RaftStorage s = RaftLogs.openSegmented(watched(NioVfs.at(log), calls::add), 1024)) {
            s.purge(2, 20, Durability.SYNC);
            for (long i = 63; i <= 90; i++) {
                s.append(2, List.of(new LogEntry(i, 5, big)), Durability.SYNC);
            }
            s.purge(2, 85, Durability.SYNC);
            s.flush();
        }
        List<String> seen;
        synchronized (calls) {
            seen = List.copyOf(calls);
        }
        int deleted = seen.indexOf("delete boundary");
        assertThat(deleted).as("the old file deleted").isPositive();
        assertThat(seen.get(deleted - 1)).as("the call before it").isEqualTo("syncDirectory g-0000000000000002");
        assertThat(seen.subList(deleted, seen.size())).as("removals of closed segments after it")
                .noneMatch(c -> (c.startsWith("delete log_") || c.startsWith("rename log_")) && !c.contains("inprogress"));
    }

    /**
     * A close while the first of two dead segments is being freed stops after the step in hand, retires the second
     * without freeing it, and leaves no handle; the next open deletes both retired files before anything else.
     */
    @Test
    void aCloseStopsTheFreeingAndTheNextOpenDeletesWhatIsLeft() throws InterruptedException {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(4), 4);
        CountDownLatch freeing = new CountDownLatch(1);
        Appended a = new Appended();
        RaftStorage s = RaftLogs.openSegmented(watchedSlowly(vfs, freeing), SEGMENT);
        a.fill(s, vfs, 2);
        a.purge(s);
        assertThat(freeing.await(10, TimeUnit.SECONDS)).as("the freeing began").isTrue();
        s.close();
        vfs.assertNoLeaks();
        List<String> left = retired(vfs);
        assertThat(left).as("retired files left by the close: both dead segments, out of the log's names").hasSize(2);
        assertThat(closedSegments(vfs)).as("dead segments left under their names").isEmpty();
        assertThat(vfs.size(DIR + "/" + left.get(0))).as("what is left of the first").isGreaterThan(STEP);
        try (RaftStorage r = RaftLogs.openSegmented(vfs, SEGMENT)) {
            a.check(r, "reopened");
            // (Groups open at their first call.)
            assertThat(retired(vfs)).as("retired files after the open").isEmpty();
        }
    }

    /** Slows each force of a retired file by 50 ms, and counts down {@code freeing} at the first truncation. */
    private static Vfs watchedSlowly(Vfs vfs, CountDownLatch freeing) {
        return watched(vfs, c -> {
            if (c.startsWith("truncate deleting_")) {
                freeing.countDown();
            } else if (c.startsWith("force deleting_")) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    /** The same on real files: after a purge, the dead segments' files go, and nothing retired is left. */
    @Test
    void onRealFilesTheDeadSegmentsGo(@TempDir Path dir) throws InterruptedException {
        NioVfs vfs = NioVfs.at(dir);
        Appended a = new Appended();
        try (RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT)) {
            a.fill(s, vfs, 3);
            a.purge(s);
            s.flush();
            awaitFreed(vfs, "after the purge");
            assertThat(closedSegments(vfs)).isEmpty();
            a.check(s, "after the deletion");
        }
        try (RaftStorage r = RaftLogs.openSegmented(vfs, SEGMENT)) {
            a.check(r, "reopened");
        }
    }
}
