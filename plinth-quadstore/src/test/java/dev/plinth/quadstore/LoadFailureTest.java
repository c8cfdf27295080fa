package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.PlinthException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bulk load whose engine fails a write while the parser waits for more input from a slow pipe: the load
 * must end at once with the write's failure naming the store, close the input, leave no parser thread, and
 * keep exactly the batches applied before.
 */
class LoadFailureTest {
    private static final int BATCH = 10;

    /** An engine that fails the second batch of a load once armed, after the parser blocked on its input. */
    private static final class FailingEngine extends ForwardingEngine {
        final AtomicInteger loadBatches = new AtomicInteger();
        volatile boolean armed;
        volatile String parserThread;
        volatile Function<String, RuntimeException> failure;

        FailingEngine(Engine delegate) {
            super(delegate);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            if (armed && loadBatches.incrementAndGet() == 2) {
                awaitBlockedInPipeRead(parserThread);
                throw failure.apply("mem:");
            }
            return super.apply(batch);
        }
    }

    /** Waits until the named thread waits inside a pipe read (a guard against a wrong guess; never a speed check). */
    private static void awaitBlockedInPipeRead(String threadName) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(threadName) && t.getState() != Thread.State.RUNNABLE
                        && Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(
                                PipedInputStream.class.getName()) && f.getMethodName().equals("read"))) {
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new AssertionError("the parser thread " + threadName + " never blocked reading the pipe");
    }

    private static String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append("<http://example.org/s").append(i).append("> <http://example.org/p> \"object ").append(i)
                    .append("\" <http://example.org/g> .\n");
        }
        return text.toString();
    }

    private static boolean parserThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** Loads from a pipe whose producer wrote 3.5 batches and then stays silent; the second write fails. */
    private void loadFromASilentPipe(Function<String, RuntimeException> failure, String base,
            java.util.function.Consumer<Throwable> check) throws Exception {
        FailingEngine[] engine = new FailingEngine[1];
        Store store = StoreOptions.builder("mem:").decorate(e -> engine[0] = new FailingEngine(e)).open();
        PipedInputStream pipe = new PipedInputStream(1 << 16);
        PipedOutputStream out = new PipedOutputStream(pipe);
        CountDownLatch release = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                out.write(lines(0, 3 * BATCH + BATCH / 2).getBytes(StandardCharsets.UTF_8));
                out.flush();
                release.await();
            } catch (IOException | InterruptedException e) {
                // the load closed the pipe, or the test ended
            }
        }, "test-producer");
        producer.setDaemon(true);
        producer.start();
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new FilterInputStream(pipe) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
        String parserName = "plinth-rdf-parse " + base;
        try (QuadStore quads = QuadStore.on(store, QuadStoreOptions.builder().loadBatchQuads(BATCH).build())) {
            engine[0].failure = failure;
            engine[0].parserThread = parserName;
            engine[0].armed = true;
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> quads.load(in, Lang.NQUADS, base, LoadListener.NONE));
            check.accept(thrown);
            assertThat(closed).as("the load closed its input").isTrue();
            assertThat(parserThreadAlive(parserName)).as("a parser thread outlived the load").isFalse();
            assertThat(quads.size()).as("the first batch stays, the failed one is not applied").isEqualTo(BATCH);
            for (int i = 0; i < BATCH; i++) {
                assertThat(quads.contains(Quad.create(NodeFactory.createURI("http://example.org/g"),
                        NodeFactory.createURI("http://example.org/s" + i), NodeFactory.createURI("http://example.org/p"),
                        NodeFactory.createLiteralString("object " + i)))).isTrue();
            }
        } finally {
            release.countDown();
            producer.join();
            store.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang guard only
    void anEngineErrorEndsTheLoadWhileTheParserWaitsForASlowPipe() throws Exception {
        StorageIOException[] injected = new StorageIOException[1];
        loadFromASilentPipe(uri -> injected[0] = new StorageIOException("The store " + uri
                + " could not write a batch: injected I/O error."), "urn:test:engine-error", thrown -> {
                    assertThat(thrown).isSameAs(injected[0]);
                    assertThat(thrown.getMessage()).contains("mem:");
                });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anyOtherExceptionOfAWriteIsWrappedNamingTheStoreAndTheInput() throws Exception {
        IllegalStateException[] injected = new IllegalStateException[1];
        loadFromASilentPipe(uri -> injected[0] = new IllegalStateException("an engine bug"), "urn:test:engine-bug",
                thrown -> assertThat(thrown).isExactlyInstanceOf(PlinthException.class)
                        .hasCauseReference(injected[0]).hasMessageContaining("mem:")
                        .hasMessageContaining("urn:test:engine-bug").hasMessageContaining("an engine bug")
                        .hasMessageContaining("after " + BATCH + " quads"));
    }

    @Test
    void aNormalLoadClosesItsInputAndLeavesNoParserThread() {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new java.io.ByteArrayInputStream(lines(0, 25).getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        try (QuadStore quads = QuadStore.open("mem:", QuadStoreOptions.builder().loadBatchQuads(BATCH).build())) {
            LoadProgress p = quads.load(in, Lang.NQUADS, "urn:test:normal", LoadListener.NONE);
            assertThat(p.quadsAdded()).isEqualTo(25);
            assertThat(p.batches()).isEqualTo(3);
        }
        assertThat(closed).isTrue();
        assertThat(parserThreadAlive("plinth-rdf-parse urn:test:normal")).isFalse();
    }
}
