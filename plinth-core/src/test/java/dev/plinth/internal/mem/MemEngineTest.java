package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.batch;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.delete;
import static dev.plinth.internal.mem.MemTestSupport.put;
import static dev.plinth.internal.mem.MemTestSupport.scan;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.StoreClosedException;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemEngineTest {
    private final MemEngine engine = MemTestSupport.newEngine();
    private final EngineKeyspace ks = defaultKs(engine);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void absentKeyReadsNull() {
        assertThat(engine.get(ks, b("nope"))).isNull();
    }

    @Test
    void putGetOverwriteDelete() {
        put(engine, ks, "k", "v1");
        assertThat(engine.get(ks, b("k"))).isEqualTo(b("v1"));
        put(engine, ks, "k", "v2");
        assertThat(engine.get(ks, b("k"))).isEqualTo(b("v2"));
        delete(engine, ks, "k");
        assertThat(engine.get(ks, b("k"))).isNull();
        delete(engine, ks, "k");
        assertThat(engine.get(ks, b("k"))).isNull();
        assertThat(stat(engine, "mem.keys")).isZero();
    }

    @Test
    void emptyValueIsPresentNotAbsent() {
        put(engine, ks, b("k"), new byte[0]);
        assertThat(engine.get(ks, b("k"))).isEqualTo(new byte[0]);
        assertThat(stat(engine, "mem.keys")).isEqualTo(1);
    }

    @Test
    void rangeDeleteRemovesExactlyTheHalfOpenRange() {
        for (String k : new String[] {"a", "b", "c", "d", "e"}) {
            put(engine, ks, k, k);
        }
        assertThat(engine.apply(batch().deleteRange(ks, b("b"), b("d")).build())).isTrue();
        assertThat(scan(engine, ks)).containsExactly("a=a", "d=d", "e=e");
        assertThat(stat(engine, "mem.keys")).isEqualTo(3);

        assertThat(engine.apply(batch().deleteRange(ks, null, b("d")).build())).isTrue();
        assertThat(scan(engine, ks)).containsExactly("d=d", "e=e");
        assertThat(engine.apply(batch().deleteRange(ks, b("e"), null).build())).isTrue();
        assertThat(scan(engine, ks)).containsExactly("d=d");
        assertThat(engine.apply(batch().deleteRange(ks, null, null).build())).isTrue();
        assertThat(scan(engine, ks)).isEmpty();
        assertThat(stat(engine, "mem.keys")).isZero();
    }

    @Test
    void rangeDeleteDoesNotTouchKeysWrittenLater() {
        put(engine, ks, "b", "1");
        engine.apply(batch().deleteRange(ks, b("a"), b("z")).build());
        put(engine, ks, "c", "2");
        assertThat(scan(engine, ks)).containsExactly("c=2");
    }

    @Test
    void laterOperationsInABatchSeeEarlierOnes() {
        put(engine, ks, "x", "old");
        engine.apply(batch()
                .put(ks, b("k"), b("1"))
                .put(ks, b("k"), b("2"))
                .delete(ks, b("x"))
                .put(ks, b("x"), b("new"))
                .put(ks, b("r1"), b("gone"))
                .deleteRange(ks, b("r"), b("s"))
                .put(ks, b("r2"), b("kept"))
                .put(ks, b("d"), b("1"))
                .delete(ks, b("d"))
                .build());
        assertThat(scan(engine, ks)).containsExactly("k=2", "r2=kept", "x=new");
        assertThat(stat(engine, "mem.keys")).isEqualTo(3);
    }

    @Test
    void aBatchSpansKeyspacesAndUsesOneSequenceNumber() {
        EngineKeyspace other = engine.createKeyspace("other");
        long before = stat(engine, "mem.lastSeq");
        engine.apply(batch().put(ks, b("a"), b("1")).put(other, b("a"), b("2")).build());
        assertThat(stat(engine, "mem.lastSeq")).isEqualTo(before + 1);
        assertThat(engine.get(ks, b("a"))).isEqualTo(b("1"));
        assertThat(engine.get(other, b("a"))).isEqualTo(b("2"));
        assertThat(scan(engine, other)).containsExactly("a=2");
    }

    @Test
    void durabilitiesAboveNoneAreRejectedAndNothingIsWritten() {
        for (Durability d : new Durability[] {Durability.PROCESS, Durability.SYNC}) {
            EngineBatch batch = EngineBatch.builder(d).put(ks, b("k"), b("v")).build();
            assertThatThrownBy(() -> engine.apply(batch))
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageContaining(d.name());
        }
        assertThat(engine.get(ks, b("k"))).isNull();
        assertThat(stat(engine, "mem.lastSeq")).isZero();
    }

    @Test
    void statsCountLiveKeysExactly() {
        put(engine, ks, "a", "1");
        put(engine, ks, "a", "2");
        put(engine, ks, "b", "1");
        delete(engine, ks, "zz");
        delete(engine, ks, "b");
        delete(engine, ks, "b");
        engine.apply(batch().deleteRange(ks, null, null).build());
        engine.apply(batch().deleteRange(ks, null, null).build());
        put(engine, ks, "c", "1");
        assertThat(stat(engine, "mem.keys")).isEqualTo(1);
        assertThat(stat(engine, "mem.keyspaces")).isEqualTo(1);
        assertThat(stat(engine, "mem.snapshots")).isZero();
        assertThat(engine.stats()).containsKeys("mem.versions", "mem.lastSeq");
    }

    @Test
    void flushAndCompactKeepData() {
        put(engine, ks, "a", "1");
        engine.flush();
        engine.compact();
        assertThat(engine.get(ks, b("a"))).isEqualTo(b("1"));
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailCleanly() {
        put(engine, ks, "a", "1");
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.get(ks, b("a"))).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> engine.apply(batch().put(ks, b("a"), b("2")).build()))
                .isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(engine::snapshot).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> engine.cursor(ks, ScanSpec.of(null, null)))
                .isInstanceOf(StoreClosedException.class);
    }

    @Test
    void handlesOfAnotherEngineAreRejected() {
        try (MemEngine other = MemTestSupport.newEngine()) {
            EngineKeyspace foreign = defaultKs(other);
            assertThatThrownBy(() -> engine.get(foreign, b("a"))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
