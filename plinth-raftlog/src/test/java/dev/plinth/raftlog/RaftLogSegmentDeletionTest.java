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

    @Test
    void aDeadSegmentIsRetiredWithItsNameDurableThenTruncatedInForcedStepsThenDeleted() throws InterruptedException {
        MemVfs mem = new MemVfs(1);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        Appended a = new Appended();
        try (RaftStorage s = RaftLogs.openSegmented(watched(mem, calls::add), SEGMENT)) {
            a.fill(s, mem, 2);
            List<String> dead = closedSegments(mem);
            List<Long> sizes = dead.stream().map(n -> mem.size(DIR + "/" + n)).toList();
            calls.clear();
            a.purge(s);
            s.flush();
            awaitFreed(mem, "after the purge");
            assertThat(closedSegments(mem)).as("segments left").isEmpty();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < dead.size(); i++) {
                String name = dead.get(i);
                String retired = "deleting_" + name;
                assertThat(sizes.get(i)).as("%s is larger than four steps", name).isGreaterThan(8 * STEP);
                expected.add("size " + name);
                expected.add("rename " + name + " " + retired);
                expected.add("syncDirectory " + DIR);
                expected.add("openWrite " + retired);
                // Steps of 16 KiB times one more than the dead segments waiting: two for the first, one for the last.
                long cut = STEP * (dead.size() - i);
                for (long size = sizes.get(i); size > cut; size -= cut) {
                    expected.add("truncate " + retired + " " + (size - cut));
                    expected.add("force " + retired);
                }
                expected.add("delete " + retired);
            }
            List<String> deletion;
            synchronized (calls) {
                deletion = calls.stream()
                        .filter(c -> dead.stream().anyMatch(c::contains) || c.equals("syncDirectory " + DIR)).toList();
            }
            assertThat(deletion).isEqualTo(expected);
            a.check(s, "after the deletion");
        }
        try (RaftStorage r = RaftLogs.openSegmented(mem, SEGMENT)) {
            a.check(r, "reopened");
        }
    }

    /**
     * A sticky fault at each operation of the deletion of two dead segments (their rename, the directory sync, the
     * opening, each truncation and force, the unlink), then each kind of power loss: the group fails, the purge and
     * every acknowledged entry survive the restart, no retired file is left once the next open has freed what it
     * found, and the log goes on.
     */
    @Test
    void aFailureAndAPowerLossAtEveryStepOfTheDeletionLoseNothing() throws InterruptedException {
        // The deletion's operations, in order, from a run without faults.
        MemVfs first = new MemVfs(2);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        Appended plan = new Appended();
        try (RaftStorage s = RaftLogs.openSegmented(watched(first, calls::add), SEGMENT)) {
            plan.fill(s, first, 2);
            calls.clear();
            plan.purge(s);
            s.flush();
            awaitFreed(first, "the run without faults");
        }
        List<IoOp> ops = new ArrayList<>();
        synchronized (calls) {
            for (String c : calls) {
                if (c.contains("deleting_") || c.equals("syncDirectory " + DIR)) {
                    ops.add(switch (c.substring(0, c.indexOf(' '))) {
                        case "rename" -> IoOp.RENAME;
                        case "syncDirectory" -> IoOp.SYNC_DIRECTORY;
                        case "openWrite" -> IoOp.OPEN;
                        case "truncate" -> IoOp.TRUNCATE;
                        case "force" -> IoOp.FORCE;
                        case "delete" -> IoOp.DELETE;
                        default -> throw new AssertionError(c);
                    });
                }
            }
        }
        assertThat(ops).as("the deletion's operations").hasSizeGreaterThan(30);
        int runs = 0;
        for (int i = 0; i < ops.size(); i++) {
            IoOp op = ops.get(i);
            int nth = (int) ops.subList(0, i + 1).stream().filter(o -> o == op).count();
            for (PowerLoss crash : CRASHES) {
                String at = String.format("%s #%d of the deletion, then %s", op, nth, crash);
                FaultyVfs vfs = new FaultyVfs(new MemVfs(2), 2);
                Appended a = new Appended();
                RaftStorage s = RaftLogs.openSegmented(vfs, SEGMENT);
                a.fill(s, vfs, 2);
                vfs.inject(Fault.on(op).at(nth).sticky()
                        .onFiles(n -> n.contains("deleting_") || n.equals(DIR), "the deletion's files"));
                a.purge(s);
                PlinthException failed = null;
                for (int t = 0; t < 10_000 && failed == null; t++) {
                    if (vfs.failuresInjected() > 0) {
                        try {
                            s.firstIndex(G);
                        } catch (PlinthException e) {
                            failed = e;
                        }
                    }
                    Thread.sleep(1);
                }
                assertThat(failed).as("%s: the group failed", at).isInstanceOf(StorageIOException.class);
                assertThat(failed.getMessage()).as(at).contains(op == IoOp.SYNC_DIRECTORY ? DIR : "deleting_");
                vfs.clearFaults();
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
        assertThat(runs).isEqualTo(ops.size() * CRASHES.size());
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
