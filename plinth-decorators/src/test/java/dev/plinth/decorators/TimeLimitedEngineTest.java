package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.OutcomeUnknownException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ForwardingEngine;
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
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOverrunReadOrWriteFailsSayingWhichAndHowLong() {
        Blocking[] engine = new Blocking[1];
        Store store = Plinth.builder("mem:").decorate(e -> engine[0] = new Blocking(e))
                .decorate(EngineDecorators.builder().name("the timeout test store").timeout(Duration.ofMillis(50))
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
                    .hasMessageContaining("within 50 ms");
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
}
