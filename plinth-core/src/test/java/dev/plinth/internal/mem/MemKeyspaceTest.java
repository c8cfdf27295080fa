package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.batch;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.put;
import static dev.plinth.internal.mem.MemTestSupport.scan;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Store;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemKeyspaceTest {
    private final MemEngine engine = MemTestSupport.newEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void defaultKeyspaceExistsFromOpen() {
        assertThat(engine.keyspaceNames()).containsExactly(Store.DEFAULT_KEYSPACE);
        assertThat(engine.keyspace(Store.DEFAULT_KEYSPACE)).isNotNull();
        assertThat(engine.keyspace("missing")).isNull();
    }

    @Test
    void createIsIdempotentAndKeyspacesAreIndependent() {
        EngineKeyspace a = engine.createKeyspace("a");
        assertThat(engine.createKeyspace("a")).isSameAs(a);
        assertThat(engine.keyspace("a")).isSameAs(a);
        assertThat(a.name()).isEqualTo("a");
        EngineKeyspace d = defaultKs(engine);
        put(engine, a, "k", "in-a");
        put(engine, d, "k", "in-default");
        put(engine, d, "z", "z");
        assertThat(scan(engine, a)).containsExactly("k=in-a");
        assertThat(scan(engine, d, null, null, true)).containsExactly("z=z", "k=in-default");
        assertThat(engine.keyspaceNames()).containsExactlyInAnyOrder("a", Store.DEFAULT_KEYSPACE);
        assertThat(stat(engine, "mem.keyspaces")).isEqualTo(2);
        assertThat(stat(engine, "mem.keys")).isEqualTo(3);
    }

    @Test
    void dropInvalidatesEveryUseOfOldHandles() {
        EngineKeyspace a = engine.createKeyspace("a");
        EngineKeyspace d = defaultKs(engine);
        put(engine, a, "k", "v");
        EngineSnapshot snap = engine.snapshot();
        assertThat(engine.dropKeyspace("a")).isTrue();
        assertThat(engine.dropKeyspace("a")).isFalse();
        assertThat(engine.keyspace("a")).isNull();
        assertThat(engine.keyspaceNames()).containsExactly(Store.DEFAULT_KEYSPACE);
        assertThat(stat(engine, "mem.keys")).isZero();

        List<Runnable> uses = List.of(
                () -> engine.get(a, b("k")),
                () -> engine.cursor(a, ScanSpec.of(null, null)),
                () -> engine.apply(batch().put(a, b("k"), b("v")).build()),
                () -> engine.apply(batch().put(d, b("x"), b("v")).requireValue(a, b("k"), null).build()),
                () -> engine.apply(batch().deleteRange(a, null, null).build()),
                () -> snap.get(a, b("k")),
                () -> snap.cursor(a, ScanSpec.of(null, null)));
        for (Runnable use : uses) {
            assertThatThrownBy(use::run).isInstanceOf(NoSuchKeyspaceException.class).hasMessageContaining("'a'");
        }
        // The failed batch with a precondition on the dropped keyspace wrote nothing elsewhere.
        assertThat(engine.get(d, b("x"))).isNull();
        snap.close();
        assertThat(stat(engine, "mem.snapshots")).isZero();
    }

    @Test
    void recreatedKeyspaceIsNewAndEmptyAndOldHandlesStayInvalid() {
        EngineKeyspace old = engine.createKeyspace("a");
        put(engine, old, "k", "v");
        engine.dropKeyspace("a");
        EngineKeyspace fresh = engine.createKeyspace("a");
        assertThat(fresh).isNotSameAs(old);
        assertThat(engine.get(fresh, b("k"))).isNull();
        assertThat(scan(engine, fresh)).isEmpty();
        put(engine, fresh, "k", "new");
        assertThatThrownBy(() -> engine.get(old, b("k"))).isInstanceOf(NoSuchKeyspaceException.class);
        assertThat(engine.get(fresh, b("k"))).isEqualTo(b("new"));
    }

    @Test
    void aCursorOpenWhenItsKeyspaceIsDroppedFinishesItsView() {
        EngineKeyspace a = engine.createKeyspace("a");
        put(engine, a, "k1", "1");
        put(engine, a, "k2", "2");
        try (EngineCursor c = engine.cursor(a, ScanSpec.of(null, null))) {
            assertThat(c.next()).isTrue();
            engine.dropKeyspace("a");
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(b("k2"));
            assertThat(c.next()).isFalse();
        }
        assertThat(stat(engine, "mem.snapshots")).isZero();
    }

    @Test
    void theDefaultKeyspaceCannotBeDropped() {
        assertThatThrownBy(() -> engine.dropKeyspace(Store.DEFAULT_KEYSPACE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(engine.keyspaceNames()).contains(Store.DEFAULT_KEYSPACE);
    }
}
