package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Capabilities;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An engine that declares {@link Capabilities#nativeTtl()} opens, is told each put's expiry instant, and is
 * left to reclaim expired entries itself; readers still never see an expired entry.
 */
class NativeTtlTest {
    private static final Duration TTL = Duration.ofSeconds(10);


    /**
     * The in-memory engine with expiry of its own: remembers the expiry instant of every put and, on
     * compact(), deletes what expired by its clock. Counts the reclaiming batches the core sends it.
     */
    private static final class ExpiringEngine extends ForwardingEngine {
        final Map<String, Long> expiries = new ConcurrentHashMap<>();
        final AtomicInteger reclaimingBatchesFromCore = new AtomicInteger();
        private final InstantSource clock;

        ExpiringEngine(Engine delegate, InstantSource clock) {
            super(delegate);
            this.clock = clock;
        }

        @Override
        public Capabilities capabilities() {
            return super.capabilities().toBuilder().nativeTtl(true).build();
        }

        @Override
        public boolean apply(EngineBatch batch) {
            if (batch.reclaimsOnly()) {
                reclaimingBatchesFromCore.incrementAndGet();
            }
            boolean applied = super.apply(batch);
            if (applied) {
                for (EngineBatch.Mutation m : batch.mutations()) {
                    if (m.kind() == EngineBatch.MutationKind.PUT) {
                        expiries.put(new String(m.key(), StandardCharsets.UTF_8), m.expiresAtMillis());
                    }
                }
            }
            return applied;
        }

        @Override
        public void compact() {
            long now = clock.millis();
            EngineBatch.Builder b = EngineBatch.builder(capabilities().defaultDurability()).reclaiming();
            List<String> gone = new ArrayList<>();
            expiries.forEach((k, at) -> {
                if (at != EngineBatch.NEVER && at <= now) {
                    b.delete(delegate().keyspace(Store.DEFAULT_KEYSPACE), k.getBytes(StandardCharsets.UTF_8));
                    gone.add(k);
                }
            });
            if (!b.hasNoMutations()) {
                super.apply(b.build());
            }
            gone.forEach(expiries::remove);
            super.compact();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eachPutCarriesItsExpiryAndTheEngineReclaimsExpiredEntriesItself() {
        ManualClock clock = new ManualClock();
        ExpiringEngine[] engine = new ExpiringEngine[1];
        try (Store s = StoreOptions.builder("mem:").clock(clock).decorate(e -> {
            engine[0] = new ExpiringEngine(e, clock);
            return engine[0];
        }).open()) {
            assertThat(s.capabilities().nativeTtl()).isTrue();
            Keyspace ks = s.defaultKeyspace();
            long t0 = clock.millis();
            ks.put(b("plain"), b("v"));
            ks.put(b("put"), b("v"), WriteOptions.ttl(TTL));
            s.write(new WriteBatch().put(ks, b("batch"), b("v"), WriteOptions.ttl(TTL.multipliedBy(2))));
            try (Transaction tx = s.begin(Isolation.SNAPSHOT)) {
                tx.put(ks, b("tx"), b("v"), WriteOptions.ttl(TTL));
                clock.millis.addAndGet(500); // a transaction's time to live counts from its commit
                tx.commit();
            }
            assertThat(engine[0].expiries).containsEntry("plain", EngineBatch.NEVER)
                    .containsEntry("put", t0 + TTL.toMillis())
                    .containsEntry("batch", t0 + 2 * TTL.toMillis())
                    .containsEntry("tx", t0 + 500 + TTL.toMillis());

            clock.millis.set(t0 + TTL.toMillis() + 500);
            assertThat(ks.get(b("put"))).as("expired: hidden by the core before the engine reclaims it").isNull();
            assertThat(engine[0].get(engine[0].keyspace(Store.DEFAULT_KEYSPACE), b("put"))).as("still stored")
                    .isNotNull();
            s.compact();
            assertThat(engine[0].reclaimingBatchesFromCore).as("the core's own sweep did not run").hasValue(0);
            assertThat(engine[0].get(engine[0].keyspace(Store.DEFAULT_KEYSPACE), b("put"))).as("reclaimed by the engine")
                    .isNull();
            assertThat(engine[0].get(engine[0].keyspace(Store.DEFAULT_KEYSPACE), b("tx"))).isNull();
            assertThat(ks.get(b("batch"))).isEqualTo(b("v"));
            assertThat(ks.get(b("plain"))).isEqualTo(b("v"));
        }
    }

    @Test
    void withoutNativeExpiryTheCoreSweepsExpiredEntries() {
        ManualClock clock = new ManualClock();
        AtomicInteger reclaiming = new AtomicInteger();
        try (Store s = StoreOptions.builder("mem:").clock(clock).decorate(e -> new ForwardingEngine(e) {
            @Override
            public boolean apply(EngineBatch batch) {
                if (batch.reclaimsOnly()) {
                    reclaiming.incrementAndGet();
                }
                return super.apply(batch);
            }
        }).open()) {
            assertThat(s.capabilities().nativeTtl()).isFalse();
            s.defaultKeyspace().put(b("put"), b("v"), WriteOptions.ttl(TTL));
            clock.millis.addAndGet(TTL.toMillis());
            s.compact();
            assertThat(reclaiming).hasValue(1);
        }
    }
}
