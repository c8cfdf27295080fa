package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the engine through the SPI while other calls are still inside LMDB: the core's store drains its
 * own calls before it closes the engine, but a decorator's background call (a health probe, a metrics
 * poll of {@code stats()}) reaches the engine directly. Closing the environment under such a call would
 * have LMDB read freed memory.
 */
class LmdbCloseTest {
    /** Long enough for any close to finish; only guards against a hang, asserts no speed. */
    private static final long HANG_GUARD_MILLIS = 120_000;

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void closeWaitsForACallStillInsideLmdbAndRefusesNewOnes() throws InterruptedException {
        LmdbEngine engine = LmdbDurabilityTest.openEngine(dir, Map.of());
        EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
        engine.apply(EngineBatch.builder(Durability.PROCESS).put(ks, b("k"), b("v")).build());
        TxnGate gate = engine.gate();
        // The permit a point read or a stats() call holds while it is inside LMDB, taken here so the call
        // stays "inside" for as long as the test needs.
        gate.enter();
        AtomicReference<Throwable> closeError = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                engine.close();
            } catch (Throwable t) {
                closeError.set(t);
            }
        }, "closer");
        closer.start();
        try {
            while (!gate.draining()) {
                assertThat(closer.isAlive()).as("close returned while a call was still inside LMDB").isTrue();
                Thread.onSpinWait();
            }
            assertThatThrownBy(gate::enter).as("a call that got past the closed check before close began")
                    .isInstanceOf(StoreClosedException.class).hasMessageContaining(dir.toString());
            assertThatThrownBy(() -> engine.get(ks, b("k"))).isInstanceOf(StoreClosedException.class);
            assertThat(closer.isAlive()).isTrue();
        } finally {
            gate.exit();
        }
        closer.join(HANG_GUARD_MILLIS);
        assertThat(closer.isAlive()).as("close finished once the call left LMDB").isFalse();
        assertThat(closeError.get()).isNull();
        assertThat(engine.durability().syncs()).as("the PROCESS write was synced by the close").isPositive();

        LmdbEngine reopened = LmdbDurabilityTest.openEngine(dir, Map.of());
        try {
            assertThat(reopened.get(reopened.keyspace(Store.DEFAULT_KEYSPACE), b("k"))).isEqualTo(b("v"));
        } finally {
            reopened.close();
        }
    }

    @Test
    void closeClosesASnapshotLeftOpenAndNoGrowthRunsAfterIt() throws InterruptedException {
        LmdbEngine engine = LmdbDurabilityTest.openEngine(dir, Map.of("mapSize", "1m"));
        EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
        EngineSnapshot leaked = engine.snapshot();
        // Its permit would keep close waiting for ever, had close not closed it first.
        Thread closer = new Thread(engine::close, "closer");
        closer.start();
        closer.join(HANG_GUARD_MILLIS);
        assertThat(closer.isAlive()).as("close finished despite the snapshot left open").isFalse();
        assertThatThrownBy(() -> leaked.get(ks, b("k"))).isInstanceOf(StoreClosedException.class);
        TxnGate.Result growth = engine.gate().runExclusive(0, false, () -> {
            throw new AssertionError("an exclusive action ran on a closed environment");
        });
        assertThat(growth.outcome()).isEqualTo(TxnGate.Outcome.SHUT);
        engine.close(); // a second close returns at once
    }
}
