package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.PlinthException;
import dev.plinth.quadstore.LoadProgress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotParseException;
import org.apache.jena.riot.system.StreamRDF;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bulk load's parse / write pipeline: order, bounded batches, and every way it can stop. */
class QuadSinkTest {
    private static Quad quad(int i) {
        return Quad.create(NodeFactory.createURI("http://g"), NodeFactory.createURI("http://s" + i),
                NodeFactory.createURI("http://p"), NodeFactory.createLiteralString("o" + i));
    }

    /** Every batch the writer got, in order, on which thread. */
    private final List<List<Quad>> written = new CopyOnWriteArrayList<>();
    private final List<Thread> writerThreads = new CopyOnWriteArrayList<>();

    private int write(List<Quad> batch) {
        written.add(new ArrayList<>(batch));
        writerThreads.add(Thread.currentThread());
        return batch.size();
    }

    private static void assertNoParserThreadLeft() {
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("test-parse"));
    }

    @Test
    void batchesAreWrittenInOrderOnTheLoadingThreadAndTheListenerSeesEach() {
        List<LoadProgress> told = new ArrayList<>();
        QuadSink sink = sink(7, this::write, told::add);
        LoadProgress p = sink.run(s -> {
            for (int i = 0; i < 100; i++) {
                s.quad(quad(i));
            }
            s.finish();
        }, "test-parse");
        assertThat(p).isEqualTo(new LoadProgress(100, 100, 15, 0));
        assertThat(written).hasSize(15).allMatch(b -> b.size() <= 7);
        List<Quad> all = new ArrayList<>();
        written.forEach(all::addAll);
        for (int i = 0; i < 100; i++) {
            assertThat(all.get(i)).isEqualTo(quad(i));
        }
        assertThat(writerThreads).containsOnly(Thread.currentThread());
        assertThat(told).hasSize(15).last().isEqualTo(p);
        assertNoParserThreadLeft();
    }

    @Test
    void aParseErrorArrivesAfterTheBatchesBeforeItAndDropsTheBatchBeingGathered() {
        QuadSink sink = sink(10, this::write, p -> { });
        assertThatThrownBy(() -> sink.run(s -> {
            for (int i = 0; i < 25; i++) {
                s.quad(quad(i));
            }
            s.finish(); // RIOT calls finish from a finally: it must not write the partial batch
            throw new RiotParseException("bad", 26, 3);
        }, "test-parse")).isInstanceOf(QuadSink.ParseFailure.class).cause().isInstanceOf(RiotParseException.class);
        assertThat(written).hasSize(2);
        assertThat(sink.progress()).isEqualTo(new LoadProgress(20, 20, 2, 0));
        assertNoParserThreadLeft();
    }

    @Test
    void aFailedWriteStopsTheParserAndIsThrownAsItIs() {
        IllegalStateException boom = new IllegalStateException("injected write failure");
        QuadSink sink = sink(5, batch -> {
            if (written.size() == 3) {
                throw boom;
            }
            return write(batch);
        }, p -> { });
        List<Integer> parsed = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> sink.run(s -> {
            for (int i = 0; i < 1_000_000; i++) { // far more than the queue holds: the parser must be stopped
                s.quad(quad(i));
                parsed.add(i);
            }
        }, "test-parse")).isSameAs(boom);
        assertThat(written).hasSize(3);
        assertThat(sink.progress().batches()).isEqualTo(3);
        assertThat(parsed.size()).isLessThan(5 * (3 + 1 + QuadSink.QUEUE_BATCHES + 2));
        assertNoParserThreadLeft();
    }

    @Test
    void aListenerThatThrowsStopsTheLoadAfterItsBatch() {
        QuadSink sink = sink(4, this::write, p -> {
            if (p.batches() == 2) {
                throw new IllegalStateException("listener says stop");
            }
        });
        assertThatThrownBy(() -> sink.run(s -> {
            for (int i = 0; i < 100_000; i++) {
                s.quad(quad(i));
            }
        }, "test-parse")).hasMessage("listener says stop");
        assertThat(written).hasSize(2);
        assertNoParserThreadLeft();
    }

    @Test
    void anErrorOfTheParserIsRethrownAsItIs() {
        QuadSink sink = sink(4, this::write, p -> { });
        assertThatThrownBy(() -> sink.run(s -> {
            throw new StackOverflowError("deep input");
        }, "test-parse")).isInstanceOf(StackOverflowError.class);
        assertThat(written).isEmpty();
        assertNoParserThreadLeft();
    }

    // ---- Stopping a parser that waits for a slow input ----

    private static final String WHAT = "the load of test.nq into the quad store on mem:test";

    private static QuadSink sink(int batch, java.util.function.ToIntFunction<List<Quad>> writer,
            dev.plinth.quadstore.LoadListener listener) {
        return new QuadSink(batch, writer, listener, () -> { }, WHAT);
    }

    private static String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append("<http://s").append(i).append("> <http://p> \"o").append(i).append("\" <http://g> .\n");
        }
        return text.toString();
    }

    /** Runs RIOT's N-Quads parser over an input into the sink. */
    private static Consumer<StreamRDF> nquads(InputStream in) {
        return s -> RDFParser.create().source(in).lang(Lang.NQUADS).parse(s);
    }

    /**
     * Waits until the sink's parser thread is blocked inside a read of the input (its stack holds
     * {@code frame}); a guard against a wrong guess about RIOT, never a measure of speed.
     */
    private static void awaitParserBlockedIn(QuadSink sink, String frame) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Thread t = sink.parserThread();
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                    && Arrays.stream(t.getStackTrace()).anyMatch(f -> (f.getClassName() + "." + f.getMethodName())
                            .contains(frame))) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new AssertionError("the parser never blocked in " + frame);
    }

    /** A pipe whose producer thread wrote some lines and then stays alive and silent until released. */
    private static final class SilentPipe implements AutoCloseable {
        final PipedInputStream in = new PipedInputStream(1 << 16);
        final AtomicBoolean closed = new AtomicBoolean();
        final InputStream watched = new FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread producer;

        SilentPipe(String text) throws IOException {
            PipedOutputStream out = new PipedOutputStream(in);
            producer = new Thread(() -> {
                try {
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    release.await(); // alive and silent: the reader's pipe neither ends nor breaks
                } catch (IOException | InterruptedException e) {
                    // the reader closed its end, or the test ended
                }
            }, "test-producer");
            producer.setDaemon(true);
            producer.start();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            producer.join();
        }
    }

    /**
     * A stream like a socket's: serves its bytes, then blocks until it is closed; an interrupt does not end
     * the read. {@code unstoppable} makes even closing it not end the read (as a {@code FileInputStream} on a
     * pipe): then only {@link #release} does.
     */
    private static final class BlockingInput extends InputStream {
        private final byte[] data;
        private final boolean unstoppable;
        private final CountDownLatch closedLatch = new CountDownLatch(1);
        private final CountDownLatch releaseLatch = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean released;
        private int pos;

        BlockingInput(String text, boolean unstoppable) {
            this.data = text.getBytes(StandardCharsets.UTF_8);
            this.unstoppable = unstoppable;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos < data.length) {
                int n = Math.min(len, data.length - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
            CountDownLatch until = unstoppable ? releaseLatch : closedLatch;
            while (true) {
                try {
                    until.await();
                    break;
                } catch (InterruptedException e) {
                    // like a socket read: an interrupt does not end it
                }
            }
            if (released) {
                return -1;
            }
            throw new IOException("Socket closed");
        }

        @Override
        public void close() {
            closed.set(true);
            closedLatch.countDown();
        }

        void release() {
            released = true;
            releaseLatch.countDown();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang guard only
    void aFailedWriteStopsAParserBlockedOnAnInterruptiblePipeAndClosesTheInput() throws Exception {
        IllegalStateException boom = new IllegalStateException("injected write failure");
        try (SilentPipe pipe = new SilentPipe(lines(0, 12))) {
            QuadSink[] self = new QuadSink[1];
            QuadSink sink = new QuadSink(5, batch -> {
                awaitParserBlockedIn(self[0], "PipedInputStream.read"); // the parser now waits for the producer
                throw boom;
            }, p -> { }, pipe.watched, WHAT);
            self[0] = sink;
            assertThatThrownBy(() -> sink.run(nquads(pipe.watched), "test-parse-pipe")).isSameAs(boom);
            assertThat(sink.parserThread().isAlive()).as("the parser thread ended before run returned").isFalse();
            assertThat(pipe.closed).as("the input was closed").isTrue();
            assertThat(sink.progress().batches()).isZero();
        }
        assertNoParserThreadLeft();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFailedListenerStopsAParserBlockedOnASocketLikeInputByClosingIt() {
        BlockingInput in = new BlockingInput(lines(0, 12), false);
        IllegalStateException boom = new IllegalStateException("listener says stop");
        QuadSink[] self = new QuadSink[1];
        QuadSink sink = new QuadSink(5, this::write, p -> {
            awaitParserBlockedIn(self[0], "BlockingInput.read");
            throw boom;
        }, in, WHAT);
        self[0] = sink;
        assertThatThrownBy(() -> sink.run(nquads(in), "test-parse-socket")).isSameAs(boom);
        assertThat(sink.parserThread().isAlive()).as("the parser thread ended before run returned").isFalse();
        assertThat(in.closed).isTrue();
        assertThat(written).hasSize(1);
        assertThat(sink.progress().batches()).isEqualTo(1);
        assertNoParserThreadLeft();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anInterruptOfTheLoadingThreadStopsAParserBlockedOnAPipe() throws Exception {
        try (SilentPipe pipe = new SilentPipe(lines(0, 3))) {
            QuadSink sink = new QuadSink(100, this::write, p -> { }, pipe.watched, WHAT);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean interruptKept = new AtomicBoolean();
            Thread loader = new Thread(() -> {
                try {
                    sink.run(nquads(pipe.watched), "test-parse-interrupted");
                } catch (Throwable t) {
                    thrown.set(t);
                    interruptKept.set(Thread.currentThread().isInterrupted());
                }
            }, "test-loader");
            loader.start();
            awaitParserBlockedIn(sink, "PipedInputStream.read");
            loader.interrupt();
            loader.join();
            assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasMessageContaining(WHAT);
            assertThat(interruptKept).as("the loading thread's interrupt stays set").isTrue();
            assertThat(sink.parserThread().isAlive()).isFalse();
            assertThat(pipe.closed).isTrue();
            assertThat(written).isEmpty();
        }
        assertNoParserThreadLeft();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aReadNothingCanEndLetsTheLoadReturnAndTheParserStopsWithoutWritingWhenItReturns() throws Exception {
        BlockingInput in = new BlockingInput(lines(0, 12), true);
        IllegalStateException boom = new IllegalStateException("injected write failure");
        QuadSink[] self = new QuadSink[1];
        AtomicInteger writes = new AtomicInteger();
        QuadSink sink = new QuadSink(5, batch -> {
            writes.incrementAndGet();
            awaitParserBlockedIn(self[0], "BlockingInput.read");
            throw boom;
        }, p -> { }, in, WHAT);
        self[0] = sink;
        sink.stopWaitMillis = 50;
        assertThatThrownBy(() -> sink.run(nquads(in), "test-parse-stuck")).isSameAs(boom);
        assertThat(in.closed).isTrue();
        Thread parser = sink.parserThread();
        in.release(); // the read returns at last (the end of the input)
        parser.join();
        assertThat(writes).as("the parser handed nothing more to write").hasValue(1);
        assertThat(sink.progress().batches()).isZero();
        assertNoParserThreadLeft();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aCheckedIoExceptionOfTheParserIsWrappedNamingTheLoad() {
        IOException cause = new IOException("disk gone");
        QuadSink sink = sink(4, this::write, p -> { });
        assertThatThrownBy(() -> sink.run(s -> {
            s.quad(quad(1));
            QuadSinkTest.<RuntimeException>sneakyThrow(cause);
        }, "test-parse")).isInstanceOf(QuadSink.ParseFailure.class).cause()
                .isInstanceOf(UncheckedIOException.class).hasCauseReference(cause)
                .hasMessageContaining(WHAT).hasMessageContaining("disk gone");
        assertThat(written).isEmpty();
        assertNoParserThreadLeft();
    }

    @Test
    void anyOtherCheckedExceptionOfTheParserIsWrappedNamingTheLoad() {
        Exception cause = new Exception("odd checked failure");
        QuadSink sink = sink(4, this::write, p -> { });
        assertThatThrownBy(() -> sink.run(s -> QuadSinkTest.<RuntimeException>sneakyThrow(cause), "test-parse"))
                .isInstanceOf(QuadSink.ParseFailure.class).cause().isInstanceOf(PlinthException.class)
                .hasCauseReference(cause).hasMessageContaining(WHAT);
        assertNoParserThreadLeft();
    }
}
