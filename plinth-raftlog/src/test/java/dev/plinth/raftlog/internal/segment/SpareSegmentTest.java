package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.testkit.io.MemVfs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} while the spare is made, or while its making is handed to the background thread, is kept as the
 * spare's failure: the log's next take fails with it, and close does not wait for good for a spare never finished.
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
