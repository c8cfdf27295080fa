package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.OutcomeUnknownException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** An engine that blocks on purpose: the caller gets a clear exception at the deadline; nothing is timed. */
class TimeLimitedEngineTest {
    /** Blocks reads and writes until released, once armed. */
    static final class Blocking extends ForwardingEngine {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch release = new CountDownLatch(1);

        Blocking(Engine delegate) {
            super(delegate);
        }

        private void maybeBlock() {
            if (armed.get()) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public byte[] get(EngineKeyspace keyspace, byte[] key) {
            maybeBlock();
            return super.get(keyspace, key);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            maybeBlock();
            return super.apply(batch);
        }

        /** Set when an engine cursor is closed while one of its steps is blocked. */
        final AtomicBoolean closedUnderAStep = new AtomicBoolean();
        final AtomicBoolean cursorClosed = new AtomicBoolean();

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            EngineCursor c = super.cursor(keyspace, scan);
            AtomicBoolean stepping = new AtomicBoolean();
            return new EngineCursor() {
                @Override
                public boolean next() {
                    stepping.set(true);
                    try {
                        maybeBlock();
                        return c.next();
                    } finally {
                        stepping.set(false);
                    }
                }

                @Override
                public byte[] key() {
                    return c.key();
                }

                @Override
                public byte[] value() {
                    return c.value();
                }

                @Override
                public void seek(byte[] key) {
                    c.seek(key);
                }

                @Override
                public void close() {
                    if (stepping.get()) {
                        closedUnderAStep.set(true);
                    }
                    c.close();
                    cursorClosed.set(true);
                }
            };
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOverrunReadOrWriteFailsSayingWhichAndHowLong() {
        Blocking[] engine = new Blocking[1];
        Store store = Plinth.builder("mem:").decorate(e -> engine[0] = new Blocking(e))
                .decorate(EngineDecorators.builder().name("the timeout test store").timeout(Duration.ofMillis(1000))
                        .build()).open();
        try {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("k"), b("v"));
            assertThat(ks.get(b("k"))).isEqualTo(b("v"));
            engine[0].armed.set(true);
            assertThatThrownBy(() -> ks.get(b("k")))
                    .isInstanceOf(OperationTimeoutException.class)
                    .hasMessageContaining("a read of key \"k\" in keyspace default")
                    .hasMessageContaining("the timeout test store")
                    .hasMessageContaining("within 1000 ms");
            assertThatThrownBy(() -> ks.put(b("k"), b("w")))
                    .isInstanceOf(OutcomeUnknownException.class)
                    .hasMessageContaining("may still apply");
            assertThat(store.stats().counter("timeout.overruns")).isEqualTo(2);
        } finally {
            engine[0].armed.set(false);
            engine[0].release.countDown();
            store.close(); // waits for the abandoned calls
        }
    }

    @Test
    void theAbandonedWriteMayStillApplyAndCloseWaitsForIt() {
        Blocking[] engine = new Blocking[1];
        Store store = Plinth.builder("mem:").decorate(e -> engine[0] = new Blocking(e))
                .decorate(EngineDecorators.builder().timeout(Duration.ofMillis(20)).build()).open();
        Keyspace ks = store.defaultKeyspace();
        engine[0].armed.set(true);
        assertThatThrownBy(() -> ks.put(b("late"), b("v"))).isInstanceOf(OutcomeUnknownException.class);
        engine[0].armed.set(false);
        engine[0].release.countDown();
        store.close();
        assertThat(store.isClosed()).isTrue();
    }

    @Test
    void anOverrunCursorStepFailsAndTheEngineCursorIsClosedOnlyAfterTheStepReturns() throws Exception {
        Blocking[] engine = new Blocking[1];
        Store store = Plinth.builder("mem:").decorate(e -> engine[0] = new Blocking(e))
                .decorate(EngineDecorators.builder().name("the cursor test store").timeout(Duration.ofMillis(1000))
                        .build()).open();
        try {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("a"), b("1"));
            ks.put(b("b"), b("2"));
            Cursor c = ks.cursor(Range.all());
            assertThat(c.next()).isTrue();
            engine[0].armed.set(true);
            assertThatThrownBy(c::next).isInstanceOf(OperationTimeoutException.class)
                    .hasMessageContaining("a step of a cursor over keyspace default of the cursor test store")
                    .hasMessageContaining("within 1000 ms");
            assertThatThrownBy(c::next).isInstanceOf(OperationTimeoutException.class)
                    .hasMessageContaining("close it and open a new one");
            c.close();
            assertThat(engine[0].closedUnderAStep).isFalse();
            engine[0].armed.set(false);
            engine[0].release.countDown();
            for (int i = 0; i < 600 && !engine[0].cursorClosed.get(); i++) {
                Thread.sleep(50); // until the abandoned step returned and the cursor was closed after it
            }
            assertThat(engine[0].cursorClosed).isTrue();
            assertThat(engine[0].closedUnderAStep).isFalse();
            assertThat(store.stats().counter("timeout.overruns")).isEqualTo(1);
        } finally {
            engine[0].armed.set(false);
            engine[0].release.countDown();
            store.close();
        }
    }
}
