package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The blind try of a conditional batch (see {@link BatchWriter}): a batch whose checks precede its writes
 * is first sent with each check as a precondition on the stored form, without a read. Each case the blind
 * try cannot decide must fall back to reading and give the answer the contract gives: a value with a time
 * to live, an expired one, one stored in another form (with or without a checksum), and a check that
 * really fails. The engine here counts what the core asks of it, so a fallback that did not happen, or a
 * blind write that went through when it should not have, shows.
 */
class BatchWriterBlindTryTest {
    private static final Duration TTL = Duration.ofSeconds(10);


    /** Counts the core's reads and batches; each batch is remembered with whether the engine applied it. */
    private static final class CountingEngine extends ForwardingEngine {
        final AtomicInteger reads = new AtomicInteger();
        final List<Boolean> applies = new ArrayList<>();

        CountingEngine(Engine delegate) {
            super(delegate);
        }

        @Override
        public byte[] get(EngineKeyspace keyspace, byte[] key) {
            reads.incrementAndGet();
            return super.get(keyspace, key);
        }

        @Override
        public EngineSnapshot snapshot() {
            reads.incrementAndGet();
            return super.snapshot();
        }

        @Override
        public synchronized boolean apply(EngineBatch batch) {
            boolean applied = super.apply(batch);
            applies.add(applied);
            return applied;
        }

        /** What the engine holds for a key of the default keyspace, in stored form, uncounted. */
        byte[] stored(String key) {
            return super.get(delegate().keyspace(Store.DEFAULT_KEYSPACE), b(key));
        }

        /** Writes a stored form directly, as an older writer or another configuration would have left it. */
        void storeRaw(String key, byte[] raw) {
            super.apply(EngineBatch.builder(capabilities().defaultDurability())
                    .put(delegate().keyspace(Store.DEFAULT_KEYSPACE), b(key), raw).build());
        }

        synchronized void reset() {
            reads.set(0);
            applies.clear();
        }
    }

    private final ManualClock clock = new ManualClock();
    private CountingEngine engine;

    private Store open(boolean checksums) {
        return StoreOptions.builder("mem:").clock(clock).param("checksums", Boolean.toString(checksums))
                .decorate(e -> engine = new CountingEngine(e)).open();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCompareAndSetThatHoldsIsDecidedBlindWithOneBatchAndNoRead() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("a"));
            engine.reset();
            assertThat(ks.compareAndSet(b("k"), b("a"), b("b"))).isTrue();
            assertThat(engine.applies).containsExactly(true);
            assertThat(engine.reads).as("no read before the blind batch").hasValue(0);
            assertThat(ks.get(b("k"))).isEqualTo(b("b"));
        }
    }

    @Test
    void aValueWithATimeToLiveFailsTheBlindTryAndTheFallbackDecides() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("a"), WriteOptions.ttl(TTL));
            engine.reset();
            assertThat(ks.compareAndSet(b("k"), b("a"), b("b"))).isTrue();
            assertThat(engine.applies).as("blind try refused, then the evaluated batch applied")
                    .containsExactly(false, true);
            assertThat(engine.reads.get()).isPositive();
            clock.millis.addAndGet(TTL.toMillis() * 2);
            assertThat(ks.get(b("k"))).as("the new value was written without the old one's time to live")
                    .isEqualTo(b("b"));
        }
    }

    @Test
    void anExpiredValueDoesNotEqualItsOldValueAndNothingIsWritten() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("a"), WriteOptions.ttl(TTL));
            byte[] before = engine.stored("k");
            clock.millis.addAndGet(TTL.toMillis());
            engine.reset();
            assertThat(ks.compareAndSet(b("k"), b("a"), b("b"))).isFalse();
            assertThat(engine.applies).as("only the refused blind try reached the engine").containsExactly(false);
            assertThat(engine.stored("k")).isEqualTo(before);
            assertThat(ks.get(b("k"))).isNull();
        }
    }

    @Test
    void anExpiredValueCountsAsAbsent() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("a"), WriteOptions.ttl(TTL));
            clock.millis.addAndGet(TTL.toMillis());
            engine.reset();
            assertThat(ks.compareAndSet(b("k"), null, b("b"))).isTrue();
            assertThat(engine.applies).containsExactly(false, true);
            assertThat(s.write(new WriteBatch().requireAbsent(ks, b("k")).put(ks, b("other"), b("x"))))
                    .as("k is live again").isFalse();
            assertThat(ks.get(b("k"))).isEqualTo(b("b"));
            assertThat(ks.get(b("other"))).isNull();
        }
    }

    @Test
    void aValueStoredWithoutAChecksumIsComparedByValueNotByBytes() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            engine.storeRaw("k", ValueCodec.encode(null, b("a"), 0));
            engine.reset();
            assertThat(ks.compareAndSet(b("k"), b("a"), b("b"))).isTrue();
            assertThat(engine.applies).containsExactly(false, true);
            assertThat(ValueCodec.isChecked(engine.stored("k"))).as("written in this store's form").isTrue();
            assertThat(ks.get(b("k"))).isEqualTo(b("b"));
        }
    }

    @Test
    void aValueStoredWithAChecksumIsComparedByValueInAStoreWithout() {
        try (Store s = open(false)) {
            Keyspace ks = s.defaultKeyspace();
            engine.storeRaw("k", ValueCodec.encode(b("k"), b("a"), 0));
            engine.reset();
            assertThat(ks.compareAndSet(b("k"), b("a"), b("b"))).isTrue();
            assertThat(engine.applies).containsExactly(false, true);
            assertThat(ValueCodec.isChecked(engine.stored("k"))).isFalse();
            assertThat(ks.get(b("k"))).isEqualTo(b("b"));
        }
    }

    @Test
    void aCheckThatReallyFailsWritesNothingInABatchOfSeveralKeys() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("x"), b("1"));
            ks.put(b("y"), b("2"));
            engine.reset();
            WriteBatch batch = new WriteBatch().requireEquals(ks, b("x"), b("1")).requireEquals(ks, b("y"), b("3"))
                    .put(ks, b("x"), b("10")).put(ks, b("z"), b("new"));
            assertThat(s.write(batch)).isFalse();
            assertThat(engine.applies).containsExactly(false);
            assertThat(ks.get(b("x"))).isEqualTo(b("1"));
            assertThat(ks.get(b("z"))).isNull();
        }
    }

    @Test
    void checksAfterAWriteSeeTheBatchsOwnWriteAndAreNeverTriedBlind() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("old"));
            engine.reset();
            // The check follows the put of the same key, so it must see "new": a blind precondition on the
            // stored value would compare against "old" and refuse.
            assertThat(s.write(new WriteBatch().put(ks, b("k"), b("new")).requireEquals(ks, b("k"), b("new"))
                    .put(ks, b("after"), b("x")))).isTrue();
            // One batch, applied: a blind try would have been refused first (k held "old").
            assertThat(engine.applies).as("evaluated once, applied once").containsExactly(true);
            assertThat(ks.get(b("after"))).isEqualTo(b("x"));
        }
    }

    @Test
    void aKeyCheckedTwiceIsNeverTriedBlind() {
        try (Store s = open(true)) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("a"));
            engine.reset();
            // Two checks of one key that cannot both hold: a blind batch would carry two preconditions on k;
            // the evaluation decides false without sending anything.
            assertThat(s.write(new WriteBatch().requireEquals(ks, b("k"), b("a")).requireAbsent(ks, b("k"))
                    .put(ks, b("k"), b("b")))).isFalse();
            assertThat(engine.applies).isEmpty();
            assertThat(ks.get(b("k"))).isEqualTo(b("a"));
        }
    }
}
