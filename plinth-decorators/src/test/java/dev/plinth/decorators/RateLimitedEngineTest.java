package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.RateLimitedException;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rate limits with a fake clock: no test sleeps; waiting moves the clock. */
class RateLimitedEngineTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Long> slept = new ArrayList<>();
    private final List<Store> stores = new ArrayList<>();

    private RateLimits.Builder limits() {
        return RateLimits.builder().nanoClock(nanos::get).sleeper(n -> {
            slept.add(n);
            nanos.addAndGet(n);
        }).tenantOf(k -> new String(k, 0, 1, StandardCharsets.UTF_8));
    }

    private Keyspace open(RateLimits limits) {
        Store s = Plinth.builder("mem:")
                .decorate(EngineDecorators.builder().name("the rate test store").rateLimits(limits).build()).open();
        stores.add(s);
        return s.defaultKeyspace();
    }

    @AfterEach
    void close() {
        stores.forEach(Store::close);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Test
    void theGlobalWriteRateIsAdmittedAndNoMore() {
        Keyspace ks = open(limits().globalWrites(10).build());
        for (int i = 0; i < 10; i++) {
            ks.put(b("k" + i), b("v"));
        }
        assertThatThrownBy(() -> ks.put(b("over"), b("v")))
                .isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("the rate test store")
                .hasMessageContaining("\"over\"")
                .hasMessageContaining("global limit of 10 writes per second");
        assertThat(ks.get(b("over"))).isNull(); // refused before anything was written; reads are not limited
        advanceMillis(100);
        ks.put(b("over"), b("v")); // one token back after a tenth of a second
        assertThatThrownBy(() -> ks.put(b("again"), b("v"))).isInstanceOf(RateLimitedException.class);
        advanceMillis(1000);
        for (int i = 0; i < 10; i++) {
            ks.put(b("later" + i), b("v"));
        }
        assertThatThrownBy(() -> ks.put(b("again"), b("v"))).isInstanceOf(RateLimitedException.class);
        assertThat(ks.store().stats().counter("rateLimit.refusedWrites")).isEqualTo(3);
    }

    @Test
    void readsAndWritesHaveSeparateBuckets() {
        Keyspace ks = open(limits().globalReads(3).globalWrites(100).build());
        ks.put(b("k"), b("v"));
        for (int i = 0; i < 3; i++) {
            assertThat(ks.get(b("k"))).isNotNull();
        }
        assertThatThrownBy(() -> ks.get(b("k"))).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("global limit of 3 reads per second");
        ks.put(b("k2"), b("v")); // writes still admitted
        advanceMillis(1000);
        assertThat(ks.get(b("k2"))).isNotNull();
    }

    @Test
    void aBatchTakesOneTokenPerWrite() {
        Keyspace ks = open(limits().globalWrites(5).build());
        WriteBatch four = new WriteBatch();
        for (int i = 0; i < 4; i++) {
            four.put(ks, b("k" + i), b("v"));
        }
        assertThat(ks.store().write(four)).isTrue();
        WriteBatch two = new WriteBatch().put(ks, b("x"), b("v")).put(ks, b("y"), b("v"));
        assertThatThrownBy(() -> ks.store().write(two)).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("a batch of 2 writes");
        assertThat(ks.get(b("x"))).isNull();
        ks.put(b("z"), b("v"));
    }

    @Test
    void aCompareAndSetTriedBlindAndThenByReadingTakesItsWriteTokenOnce() {
        Keyspace ks = open(limits().globalWrites(3).build());
        // Stored with a time to live, the value's stored form is not the one the blind try expects: the blind
        // try's precondition fails and core decides the compare-and-set by reading, then applies it again.
        ks.put(b("k"), b("v"), WriteOptions.ttl(Duration.ofHours(1)));
        assertThat(ks.compareAndSet(b("k"), b("v"), b("w"))).isTrue();
        assertThat(ks.get(b("k"))).isEqualTo(b("w"));
        ks.put(b("third"), b("v")); // two tokens taken so far: the put and the compare-and-set, once
        assertThatThrownBy(() -> ks.put(b("fourth"), b("v"))).isInstanceOf(RateLimitedException.class);
        assertThat(ks.store().stats().counter("rateLimit.refusedWrites")).isEqualTo(1);
    }

    @Test
    void aCompareAndSetThatFailsTakesNoWriteToken() {
        Keyspace ks = open(limits().globalWrites(2).build());
        ks.put(b("k"), b("v"));
        assertThat(ks.compareAndSet(b("k"), b("not v"), b("w"))).isFalse();
        assertThat(ks.compareAndSet(b("k"), null, b("w"))).isFalse();
        ks.put(b("second"), b("v"));
        assertThatThrownBy(() -> ks.put(b("third"), b("v"))).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void aTransactionRunAgainAfterAConflictTakesTokensOnlyForTheCommitThatApplied() {
        Keyspace ks = open(limits().globalWrites(3).build());
        AtomicLong attempts = new AtomicLong();
        ks.store().inTransaction(Isolation.SNAPSHOT, tx -> {
            tx.get(ks, b("k"));
            if (attempts.incrementAndGet() == 1) {
                ks.put(b("k"), b("from outside")); // a token; makes this first commit conflict
            }
            tx.put(ks, b("k"), b("from the transaction"));
            return null;
        });
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(ks.get(b("k"))).isEqualTo(b("from the transaction"));
        ks.put(b("third"), b("v")); // two tokens taken so far: the outside put and the commit that applied
        assertThatThrownBy(() -> ks.put(b("fourth"), b("v"))).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void aRefusedBatchWithTenantsGivesBackEveryToken() {
        Keyspace ks = open(limits().globalWrites(4).tenantWrites(2).build());
        ks.put(b("a1"), b("v"));
        // a conditional batch over two tenants whose check fails: it took and gives back global and tenant tokens
        WriteBatch failing = new WriteBatch().requireAbsent(ks, b("a1")).put(ks, b("a2"), b("v")).put(ks, b("b1"),
                b("v"));
        assertThat(ks.store().write(failing)).isFalse();
        ks.put(b("a2"), b("v")); // tenant a's second token
        ks.put(b("b1"), b("v"));
        ks.put(b("b2"), b("v")); // the global bucket's fourth
        assertThatThrownBy(() -> ks.put(b("c1"), b("v"))).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("global limit");
    }

    @Test
    void eachTenantHasItsOwnBucketAndARefusalTakesNoGlobalToken() {
        Keyspace ks = open(limits().globalWrites(5).tenantWrites(1).build());
        ks.put(b("a1"), b("v"));
        assertThatThrownBy(() -> ks.put(b("a2"), b("v"))).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("tenant 'a'");
        // the refused write gave its global token back: four more tenants fit in the global five
        for (String t : List.of("b", "c", "d", "e")) {
            ks.put(b(t + "1"), b("v"));
        }
        assertThatThrownBy(() -> ks.put(b("f1"), b("v"))).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("global limit");
    }

    @Test
    void tenantBucketsAreBoundedLeastRecentlyUsedFirst() {
        Keyspace ks = open(limits().tenantWrites(1).maxTenants(2).build());
        ks.put(b("a1"), b("v"));
        ks.put(b("b1"), b("v"));
        assertThatThrownBy(() -> ks.put(b("a2"), b("v"))).isInstanceOf(RateLimitedException.class); // a used
        ks.put(b("c1"), b("v")); // evicts b, the least recently used
        assertThat(ks.store().stats().counter("rateLimit.tenants")).isEqualTo(2);
        ks.put(b("b2"), b("v")); // b starts again with a full bucket, evicting a
        ks.put(b("a3"), b("v"));
        assertThat(ks.store().stats().counter("rateLimit.tenants")).isEqualTo(2);
    }

    @Test
    void withAWaitACallWaitsForItsTokenAndOnlyUpToTheWait() {
        Keyspace ks = open(limits().globalWrites(10).maxWait(Duration.ofMillis(150)).build());
        for (int i = 0; i < 10; i++) {
            ks.put(b("k" + i), b("v"));
        }
        assertThat(slept).isEmpty();
        ks.put(b("waited"), b("v")); // waits a tenth of a second for one token
        assertThat(slept).hasSize(1);
        assertThat(slept.get(0)).isEqualTo(100_000_000L);
        WriteBatch three = new WriteBatch();
        for (int i = 0; i < 3; i++) {
            three.put(ks, b("b" + i), b("v"));
        }
        assertThatThrownBy(() -> ks.store().write(three)).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("after waiting up to PT0.15S"); // needs 0.3 s
        assertThat(slept).hasSize(1);
        assertThat(ks.get(b("b0"))).isNull();
    }

    @Test
    void snapshotAndTransactionReadsAreLimitedToo() {
        Keyspace ks = open(limits().globalReads(2).build());
        ks.put(b("k"), b("v"));
        try (var snap = ks.store().snapshot()) {
            snap.get(ks, b("k"));
            snap.get(ks, b("k"));
            assertThatThrownBy(() -> snap.get(ks, b("k"))).isInstanceOf(RateLimitedException.class);
        }
    }
}
