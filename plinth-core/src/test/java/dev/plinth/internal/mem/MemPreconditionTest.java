package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.batch;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.put;
import static dev.plinth.internal.mem.MemTestSupport.scan;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.KeyValue;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemPreconditionTest {
    private final MemEngine engine = MemTestSupport.newEngine();
    private final EngineKeyspace ks = defaultKs(engine);
    private EngineKeyspace other;

    @BeforeEach
    void fill() {
        other = engine.createKeyspace("other");
        put(engine, ks, "a", "1");
        put(engine, ks, "b", "2");
        put(engine, ks, "c", "3");
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** Applies a batch that also writes to two keyspaces, so a partial apply would show. */
    private boolean applyWith(EngineBatch.Builder conditions) {
        return engine.apply(conditions.put(ks, b("w"), b("x")).put(other, b("w"), b("x"))
                .deleteRange(ks, b("a"), b("b")).build());
    }

    private void assertNothingApplied() {
        assertThat(scan(engine, ks)).containsExactly("a=1", "b=2", "c=3");
        assertThat(scan(engine, other)).isEmpty();
        assertThat(stat(engine, "mem.keys")).isEqualTo(3);
    }

    private void assertApplied() {
        assertThat(scan(engine, ks)).containsExactly("b=2", "c=3", "w=x");
        assertThat(scan(engine, other)).containsExactly("w=x");
    }

    @Test
    void valueEqualsHolds() {
        assertThat(applyWith(batch().requireValue(ks, b("a"), b("1")))).isTrue();
        assertApplied();
    }

    @Test
    void valueEqualsFailsOnOtherValueAndAppliesNothing() {
        long seq = stat(engine, "mem.lastSeq");
        assertThat(applyWith(batch().requireValue(ks, b("a"), b("2")))).isFalse();
        assertNothingApplied();
        assertThat(stat(engine, "mem.lastSeq")).isEqualTo(seq);
    }

    @Test
    void valueEqualsFailsOnAbsentKey() {
        assertThat(applyWith(batch().requireValue(ks, b("zz"), b("1")))).isFalse();
        assertNothingApplied();
    }

    @Test
    void absentHoldsOnlyForAbsentKeys() {
        assertThat(applyWith(batch().requireValue(ks, b("a"), null))).isFalse();
        assertNothingApplied();
        assertThat(applyWith(batch().requireValue(ks, b("zz"), null).requireValue(other, b("a"), null))).isTrue();
        assertApplied();
    }

    @Test
    void absentHoldsForADeletedKey() {
        MemTestSupport.delete(engine, ks, "a");
        put(engine, ks, "a", "1");
        MemTestSupport.delete(engine, ks, "a");
        assertThat(engine.apply(batch().requireValue(ks, b("a"), null).put(ks, b("a"), b("again")).build())).isTrue();
        assertThat(engine.get(ks, b("a"))).isEqualTo(b("again"));
    }

    @Test
    void preconditionsSeeTheStateBeforeTheBatch() {
        // The batch's own put of "a" does not satisfy its condition that "a" equals "new".
        assertThat(engine.apply(batch().put(ks, b("a"), b("new")).requireValue(ks, b("a"), b("new")).build()))
                .isFalse();
        assertThat(engine.get(ks, b("a"))).isEqualTo(b("1"));
    }

    @Test
    void rangeEqualsHoldsOnExactContents() {
        List<KeyValue> expected = List.of(new KeyValue(b("a"), b("1")), new KeyValue(b("b"), b("2")));
        assertThat(applyWith(batch().requireRange(ks, b("a"), b("c"), expected))).isTrue();
        assertApplied();
    }

    @Test
    void rangeEqualsFailsOnExtraMissingOrChangedEntries() {
        List<KeyValue> missingOne = List.of(new KeyValue(b("a"), b("1")));
        List<KeyValue> extraOne = List.of(new KeyValue(b("a"), b("1")), new KeyValue(b("b"), b("2")),
                new KeyValue(b("bb"), b("9")));
        List<KeyValue> changed = List.of(new KeyValue(b("a"), b("1")), new KeyValue(b("b"), b("X")));
        for (List<KeyValue> expected : List.of(missingOne, extraOne, changed)) {
            assertThat(applyWith(batch().requireRange(ks, b("a"), b("c"), expected))).isFalse();
            assertNothingApplied();
        }
    }

    @Test
    void rangeEqualsOverUnboundedAndEmptyRanges() {
        assertThat(applyWith(batch().requireRange(ks, b("x"), null, List.of())
                .requireRange(other, null, null, List.of()))).isTrue();
        assertThat(engine.apply(batch().requireRange(other, null, null, List.of()).put(ks, b("q"), b("q")).build()))
                .isFalse();
        assertThat(engine.get(ks, b("q"))).isNull();
    }

    @Test
    void oneFailingConditionAmongManyAppliesNothing() {
        assertThat(applyWith(batch().requireValue(ks, b("a"), b("1")).requireValue(ks, b("b"), b("2"))
                .requireValue(ks, b("c"), null))).isFalse();
        assertNothingApplied();
        assertThat(stat(engine, "mem.snapshots")).isZero();
    }

    @Test
    void preconditionsOnlyBatchChangesNothing() {
        long seq = stat(engine, "mem.lastSeq");
        assertThat(engine.apply(batch().requireValue(ks, b("a"), b("1")).build())).isTrue();
        assertThat(engine.apply(batch().requireValue(ks, b("a"), b("0")).build())).isFalse();
        assertThat(stat(engine, "mem.lastSeq")).isEqualTo(seq);
        assertNothingApplied();
    }

    // ---- version preconditions

    private long version() {
        try (var s = engine.snapshot()) {
            return s.version();
        }
    }

    @Test
    void snapshotVersionIsTheLastBatchAndGrowsWithEachBatch() {
        long v = version();
        put(engine, ks, "d", "4");
        assertThat(version()).isEqualTo(v + 1);
        assertThat(engine.apply(batch().requireValue(ks, b("zz"), b("no")).put(ks, b("e"), b("5")).build())).isFalse();
        assertThat(version()).as("a refused batch publishes nothing").isEqualTo(v + 1);
    }

    @Test
    void keyUnchangedSinceHoldsUntilTheKeyIsWritten() {
        try (var snap = engine.snapshot()) {
            long v = snap.version();
            put(engine, ks, "c", "3-again");
            assertThat(applyWith(batch().requireUnchangedSince(ks, b("a"), v).requireUnchangedSince(ks, b("zz"), v)))
                    .as("keys nobody wrote").isTrue();
        }
        try (var snap = engine.snapshot()) {
            long v = snap.version();
            put(engine, ks, "b", "2"); // the same value: still a write
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("b"), v).put(ks, b("x"), b("x")).build()))
                    .isFalse();
            assertThat(engine.get(ks, b("x"))).isNull();
        }
    }

    @Test
    void keyUnchangedSinceSeesDeletesAndNewKeys() {
        try (var snap = engine.snapshot()) {
            long v = snap.version();
            engine.apply(batch().delete(ks, b("a")).build());
            put(engine, ks, "new", "n");
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("a"), v).build())).as("deleted").isFalse();
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("new"), v).build())).as("created").isFalse();
            engine.compact(); // the tombstone of "a" is newer than the open snapshot, so it stays
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("a"), v).build())).as("deleted, compacted")
                    .isFalse();
        }
    }

    @Test
    void rangeUnchangedSinceSeesChangesInsertsAndDeletesOnlyInsideTheRange() {
        for (String change : List.of("put:b", "insert:bb", "delete:b", "rangeDelete:b")) {
            try (var snap = engine.snapshot()) {
                long v = snap.version();
                put(engine, other, "b", "elsewhere"); // another keyspace does not count
                put(engine, ks, "c", "outside"); // [a, c) excludes c
                assertThat(engine.apply(batch().requireRangeUnchangedSince(ks, b("a"), b("c"), v).build()))
                        .as("before " + change).isTrue();
                String key = change.substring(change.indexOf(':') + 1);
                switch (change.substring(0, change.indexOf(':'))) {
                    case "put" -> put(engine, ks, key, "changed");
                    case "insert" -> put(engine, ks, key, "inserted");
                    case "delete" -> engine.apply(batch().delete(ks, b(key)).build());
                    default -> engine.apply(batch().deleteRange(ks, b(key), b(key + "\0")).build());
                }
                assertThat(engine.apply(batch().requireRangeUnchangedSince(ks, b("a"), b("c"), v).build()))
                        .as(change).isFalse();
                assertThat(engine.apply(batch().requireRangeUnchangedSince(ks, null, b("a"), v).build()))
                        .as(change + ", range before it").isTrue();
                put(engine, ks, "b", "2");
            }
        }
    }

    @Test
    void aReclaimingDeleteIsNotAChange() {
        try (var snap = engine.snapshot()) {
            long v = snap.version();
            assertThat(engine.apply(batch().reclaiming().delete(ks, b("b")).build())).isTrue();
            assertThat(engine.get(ks, b("b"))).as("the reclaiming delete deleted").isNull();
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("b"), v)
                    .requireRangeUnchangedSince(ks, null, null, v).build())).isTrue();
            engine.apply(batch().delete(ks, b("c")).build());
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("c"), v).build())).as("a plain delete")
                    .isFalse();
        }
    }

    @Test
    void aReclaimingDeleteOfAKeyWrittenSinceIsStillThatChange() {
        try (var snap = engine.snapshot()) {
            long v = snap.version();
            put(engine, ks, "b", "new");
            engine.apply(batch().reclaiming().delete(ks, b("b")).build());
            assertThat(engine.apply(batch().requireUnchangedSince(ks, b("b"), v).build())).isFalse();
        }
    }

    @Test
    void valueConditionsAloneNeedNoChangeTracker() {
        EngineBatch b = batch().requireUnchangedSince(ks, b("a"), 0).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.preconditionsHold(engine))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ChangeTracker");
    }
}
