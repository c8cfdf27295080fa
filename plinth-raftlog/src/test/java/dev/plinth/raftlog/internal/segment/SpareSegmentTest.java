package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.MemVfs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The spare's zeros are written in steps, each forced before the next is written; a close while it is made stops it
 * after the step under way. An {@link Error} while the spare is made, or while its making is handed to the background
 * thread, is kept as the spare's failure: the log's next take fails with it, and close does not wait for good for a
 * spare never finished.
 */
class SpareSegmentTest {
    static final long SEGMENT = 128 << 10;

    /** A file system whose create throws {@code error}; everything else goes to a {@link MemVfs}. */
    private static Vfs createThrows(Error error) {
        Vfs mem = new MemVfs(1);
        return (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(), new Class<?>[] {Vfs.class}, (p, m, args) -> {
            if (m.getName().equals("create")) {
                throw error;
            }
            try {
                return m.invoke(mem, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /**
     * A file system whose files created as {@code spare} tell {@code onForce} of each force, and log each preallocation
     * (its length) and force ({@code -1}) in {@code ops}.
     */
    private static Vfs recordingSpare(Vfs v, List<Long> ops, Consumer<Integer> onForce) {
        return (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(), new Class<?>[] {Vfs.class}, (p, m, args) -> {
            Object r;
            try {
                r = m.invoke(v, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (!m.getName().equals("create") || !SpareSegment.NAME.equals(args[0])) {
                return r;
            }
            VfsFile f = (VfsFile) r;
            return Proxy.newProxyInstance(VfsFile.class.getClassLoader(), new Class<?>[] {VfsFile.class},
                    (fp, fm, fargs) -> {
                        Object fr;
                        try {
                            fr = fm.invoke(f, fargs);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        synchronized (ops) {
                            if (fm.getName().equals("preallocate")) {
                                ops.add((Long) fargs[0]);
                            } else if (fm.getName().equals("force")) {
                                ops.add(-1L);
                                onForce.accept((int) ops.stream().filter(o -> o == -1L).count());
                            }
                        }
                        return fr;
                    });
        });
    }

    /**
     * A spare of 4 MiB and 64 KiB is made in steps of {@link SpareSegment#STEP_BYTES} (1 MiB), the last one shorter,
     * each preallocated and forced before the next: never more than one step of zeros unforced, so the log's own forces
     * never queue behind the writeback of a whole segment.
     */
    @Test
    void theZerosAreWrittenInStepsEachForcedBeforeTheNext() throws InterruptedException {
        long size = (4L << 20) + (64 << 10);
        List<Long> ops = new ArrayList<>();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (SpareSegment spare = new SpareSegment(recordingSpare(new MemVfs(1), ops, n -> { }), "", size,
                SegmentFormat.VERSION, background, "the test log")) {
            spare.prepareIfDue(size / 2);
            spare.awaitMade();
        } finally {
            background.shutdown();
        }
        assertThat(background.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long m = 1 << 20;
        assertThat(ops).containsExactly(m, -1L, 2 * m, -1L, 3 * m, -1L, 4 * m, -1L, size, -1L);
    }

    /**
     * A close while the spare's first step is being forced: the making stops there, close returns without waiting for
     * the other steps, and the half-made file is left for the next open to delete, its handle closed.
     */
    @Test
    void aCloseWhileTheSpareIsMadeStopsItAfterTheStepUnderWay() throws InterruptedException {
        long size = 4L << 20;
        List<Long> ops = new ArrayList<>();
        FaultyVfs files = new FaultyVfs(new MemVfs(1), 1);
        ExecutorService background = Executors.newSingleThreadExecutor();
        SpareSegment[] spare = new SpareSegment[1];
        AtomicReference<Thread> closer = new AtomicReference<>();
        try {
            spare[0] = new SpareSegment(recordingSpare(files, ops, n -> {
                if (n == 1) {
                    // The close begins while the first step is forced, and waits for the making.
                    Thread t = new Thread(spare[0]::close);
                    t.start();
                    while (t.getState() != Thread.State.WAITING) {
                        Thread.onSpinWait();
                    }
                    closer.set(t);
                }
            }), "", size, SegmentFormat.VERSION, background, "the test log");
            spare[0].prepareIfDue(size / 2);
            for (int i = 0; i < 5_000 && closer.get() == null; i++) {
                Thread.sleep(1);
            }
            assertThat(closer.get()).as("the making reached its first force").isNotNull();
            closer.get().join(5_000);
            assertThat(closer.get().isAlive()).as("the close returned").isFalse();
        } finally {
            background.shutdown();
        }
        assertThat(background.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(ops).containsExactly(1L << 20, -1L);
        assertThat(files.size(SpareSegment.NAME)).as("left half made").isEqualTo(1L << 20);
        assertThat(spare[0].take("log_inprogress_2")).as("no spare to take after the close").isNull();
        files.assertNoLeaks();
    }

    @Test
    void anErrorHandingTheMakingToTheBackgroundFailsTheSpareAndCloseReturns() {
        SpareSegment spare = new SpareSegment(new MemVfs(1), "", SEGMENT, SegmentFormat.VERSION, r -> {
            throw new OutOfMemoryError("unable to create native thread");
        }, "the test log");
        spare.prepareIfDue(SEGMENT / 2);
        assertThatThrownBy(() -> spare.take("log_inprogress_2")).isInstanceOf(StorageIOException.class)
                .hasMessageContaining("ahead of need").hasMessageContaining("unable to create native thread");
        assertTimeoutPreemptively(Duration.ofSeconds(5), spare::close);
    }

    @Test
    void anErrorMakingTheSpareFailsItAndCloseReturns() throws InterruptedException {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            SpareSegment spare = new SpareSegment(createThrows(new AssertionError("a broken invariant")), "", SEGMENT,
                    SegmentFormat.VERSION, background, "the test log");
            spare.prepareIfDue(SEGMENT / 2);
            assertTimeoutPreemptively(Duration.ofSeconds(5), spare::close);
            assertThatThrownBy(spare::check).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("ahead of need").hasMessageContaining("a broken invariant");
            assertThatThrownBy(() -> spare.take("log_inprogress_2")).isInstanceOf(StorageIOException.class);
        } finally {
            background.shutdown();
        }
        assertThat(background.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
}
