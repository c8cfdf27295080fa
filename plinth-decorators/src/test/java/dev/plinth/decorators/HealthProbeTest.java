package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Health states under an engine that fails on purpose, and a fake clock for the round trip. */
class HealthProbeTest {
    /** Fails every batch while {@link #failing} is set, as an engine in its failed state does. */
    static final class FailingWrites extends ForwardingEngine {
        final AtomicBoolean failing = new AtomicBoolean();

        FailingWrites(Engine delegate) {
            super(delegate);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            if (failing.get()) {
                throw new StorageIOException("the test store failed on purpose: writes are refused");
            }
            return super.apply(batch);
        }
    }

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong step = new AtomicLong(1_000_000); // each clock read moves 1 ms

    private long tick() {
        return nanos.addAndGet(step.get());
    }

    @Test
    void healthyThenUnhealthyWhileFailingThenDegradedWhileRecovering() {
        FailingWrites[] engine = new FailingWrites[1];
        try (Store store = Plinth.builder("mem:").decorate(e -> engine[0] = new FailingWrites(e)).open()) {
            HealthProbe probe = HealthProbe.builder(store).nanoClock(this::tick).degradedAfter(Duration.ofMillis(50))
                    .recovery(2).build();
            HealthProbe.Health h = probe.check();
            assertThat(h.status()).isEqualTo(HealthProbe.Status.HEALTHY);
            assertThat(h.details()).containsEntry("roundTripMicros", "1000").doesNotContainKey("lastError");

            engine[0].failing.set(true);
            h = probe.check();
            assertThat(h.status()).isEqualTo(HealthProbe.Status.UNHEALTHY);
            assertThat(h.ready()).isFalse();
            assertThat(h.details().get("lastError")).contains("StorageIOException").contains("failed on purpose");

            engine[0].failing.set(false);
            assertThat(probe.check().status()).isEqualTo(HealthProbe.Status.DEGRADED);
            h = probe.check();
            assertThat(h.status()).isEqualTo(HealthProbe.Status.DEGRADED);
            assertThat(h.ready()).isTrue();
            h = probe.check();
            assertThat(h.status()).isEqualTo(HealthProbe.Status.HEALTHY);
            assertThat(h.details()).containsEntry("checksSinceError", "3");
        }
    }

    @Test
    void aSlowRoundTripIsDegraded() {
        try (Store store = Plinth.open("mem:")) {
            HealthProbe probe = HealthProbe.builder(store).nanoClock(this::tick).degradedAfter(Duration.ofMillis(50))
                    .build();
            step.set(60_000_000);
            HealthProbe.Health h = probe.check();
            assertThat(h.status()).isEqualTo(HealthProbe.Status.DEGRADED);
            assertThat(h.details().get("reason")).contains("60000 µs").contains("50000 µs");
        }
    }

    @Test
    void aClosedStoreIsUnhealthy() {
        Store store = Plinth.open("mem:");
        HealthProbe probe = HealthProbe.builder(store).build();
        store.close();
        HealthProbe.Health h = probe.check();
        assertThat(h.status()).isEqualTo(HealthProbe.Status.UNHEALTHY);
        assertThat(h.details().get("reason")).contains("closed");
    }
}
