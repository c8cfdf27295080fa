package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.batch;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.delete;
import static dev.plinth.internal.mem.MemTestSupport.put;
import static dev.plinth.internal.mem.MemTestSupport.scan;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static dev.plinth.internal.mem.MemTestSupport.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemSnapshotTest {
    private final MemEngine engine = MemTestSupport.newEngine();
    private final EngineKeyspace ks = defaultKs(engine);

    @BeforeEach
    void fill() {
        put(engine, ks, "a", "1");
        put(engine, ks, "b", "2");
        put(engine, ks, "c", "3");
        put(engine, ks, "d", "4");
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** Overwrites, deletes, range-deletes and re-inserts, each in its own batch. */
    private void churn() {
        put(engine, ks, "a", "1'");
        delete(engine, ks, "b");
        put(engine, ks, "bb", "new");
        engine.apply(batch().deleteRange(ks, b("c"), null).build());
        put(engine, ks, "d", "4'");
        put(engine, ks, "e", "5");
    }

    private static final List<String> BEFORE = List.of("a=1", "b=2", "c=3", "d=4");
    private static final List<String> AFTER = List.of("a=1'", "bb=new", "d=4'", "e=5");

    @Test
    void snapshotDoesNotSeeLaterWrites() {
        try (EngineSnapshot snap = engine.snapshot()) {
            churn();
            assertThat(scan(snap, ks)).isEqualTo(BEFORE);
            assertThat(scan(snap, ks, null, null, true)).containsExactly("d=4", "c=3", "b=2", "a=1");
            assertThat(str(snap.get(ks, b("a")))).isEqualTo("1");
            assertThat(str(snap.get(ks, b("b")))).isEqualTo("2");
            assertThat(str(snap.get(ks, b("c")))).isEqualTo("3");
            assertThat(snap.get(ks, b("bb"))).isNull();
            assertThat(snap.get(ks, b("e"))).isNull();
            assertThat(scan(engine, ks)).isEqualTo(AFTER);
        }
    }

    @Test
    void snapshotSurvivesReclamationAndCompaction() {
        try (EngineSnapshot snap = engine.snapshot()) {
            for (int i = 0; i < 1000; i++) {
                put(engine, ks, "a", "x" + i);
                delete(engine, ks, "c");
                put(engine, ks, "c", "y" + i);
                engine.apply(batch().deleteRange(ks, null, null).build());
            }
            engine.compact();
            assertThat(scan(snap, ks)).isEqualTo(BEFORE);
            assertThat(str(snap.get(ks, b("c")))).isEqualTo("3");
        }
        assertThat(scan(engine, ks)).isEmpty();
    }

    @Test
    void openEngineCursorDoesNotSeeLaterWrites() {
        List<String> seen = new ArrayList<>();
        try (EngineCursor c = engine.cursor(ks, ScanSpec.of(null, null))) {
            assertThat(c.next()).isTrue();
            seen.add(str(c.key()) + "=" + str(c.value()));
            churn();
            engine.compact();
            while (c.next()) {
                seen.add(str(c.key()) + "=" + str(c.value()));
            }
            // A seek re-reads the skip list, still at the cursor's snapshot.
            c.seek(b("b"));
            assertThat(c.next()).isTrue();
            assertThat(str(c.key())).isEqualTo("b");
        }
        assertThat(seen).isEqualTo(BEFORE);
        assertThat(scan(engine, ks)).isEqualTo(AFTER);
    }

    @Test
    void openReverseCursorDoesNotSeeLaterWrites() {
        List<String> seen = new ArrayList<>();
        try (EngineCursor c = engine.cursor(ks, ScanSpec.of(null, null).reverse(true))) {
            churn();
            while (c.next()) {
                seen.add(str(c.key()) + "=" + str(c.value()));
            }
        }
        assertThat(seen).containsExactly("d=4", "c=3", "b=2", "a=1");
    }

    @Test
    void snapshotsTakenAtDifferentTimesSeeTheirOwnStates() {
        EngineSnapshot s1 = engine.snapshot();
        churn();
        EngineSnapshot s2 = engine.snapshot();
        engine.apply(batch().deleteRange(ks, null, null).build());
        put(engine, ks, "a", "again");
        assertThat(stat(engine, "mem.snapshots")).isEqualTo(2);
        assertThat(scan(s1, ks)).isEqualTo(BEFORE);
        assertThat(scan(s2, ks)).isEqualTo(AFTER);
        s1.close();
        engine.compact();
        assertThat(scan(s2, ks)).isEqualTo(AFTER);
        s2.close();
        assertThat(scan(engine, ks)).containsExactly("a=again");
        assertThat(stat(engine, "mem.snapshots")).isZero();
    }

    @Test
    void aDeletedThenReinsertedKeyShowsEachSnapshotItsOwnValue() {
        EngineSnapshot s1 = engine.snapshot();
        delete(engine, ks, "a");
        EngineSnapshot s2 = engine.snapshot();
        put(engine, ks, "a", "back");
        try (s1; s2) {
            assertThat(str(s1.get(ks, b("a")))).isEqualTo("1");
            assertThat(s2.get(ks, b("a"))).isNull();
            assertThat(str(engine.get(ks, b("a")))).isEqualTo("back");
            assertThat(scan(s2, ks)).containsExactly("b=2", "c=3", "d=4");
        }
    }

    @Test
    void cursorsOpenedFromASnapshotLaterStillSeeIt() {
        try (EngineSnapshot snap = engine.snapshot()) {
            churn();
            try (EngineCursor c = snap.cursor(ks, ScanSpec.of(b("b"), b("d")))) {
                assertThat(c.next()).isTrue();
                assertThat(str(c.key())).isEqualTo("b");
                assertThat(c.next()).isTrue();
                assertThat(str(c.key())).isEqualTo("c");
                assertThat(c.next()).isFalse();
            }
            // Closing a snapshot's cursor does not release the snapshot.
            assertThat(stat(engine, "mem.snapshots")).isEqualTo(1);
        }
    }

    @Test
    void closeIsIdempotentAndReadsAfterCloseFail() {
        EngineSnapshot snap = engine.snapshot();
        snap.close();
        snap.close();
        assertThat(stat(engine, "mem.snapshots")).isZero();
        assertThatThrownBy(() -> snap.get(ks, b("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> snap.cursor(ks, ScanSpec.of(null, null))).isInstanceOf(IllegalStateException.class);
    }
}
