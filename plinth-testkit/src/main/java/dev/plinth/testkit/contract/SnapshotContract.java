package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StoreClosedException;
import dev.plinth.WriteBatch;
import dev.plinth.testkit.ContractSupport;
import org.junit.jupiter.api.Test;

/**
 * Proves snapshots: every read through a snapshot (point reads and cursors, in every keyspace, opened
 * at any later time) sees the state when it was taken while writes continue; closing a snapshot closes
 * its cursors; a closed snapshot refuses reads with {@link IllegalStateException}, a closed store with
 * {@link StoreClosedException}; open snapshots are tracked.
 */
public interface SnapshotContract extends ContractSupport {
    @Test
    default void repeatableReadsAcrossKeyspacesWhileWritesContinue() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(a, "x", "y");
        fill(b, "x", "y");
        try (Snapshot s = store().snapshot()) {
            for (int round = 0; round < 3; round++) {
                a.put(bytes("x"), bytes("a" + round));
                b.delete(bytes("y"));
                store().write(new WriteBatch().put(a, bytes("z" + round), bytes("new")).put(b, bytes("x"),
                        bytes("b" + round)));
                assertThat(s.get(a, bytes("x"))).isEqualTo(bytes("v-x"));
                assertThat(s.get(b, bytes("x"))).isEqualTo(bytes("v-x"));
                assertThat(s.get(b, bytes("y"))).isEqualTo(bytes("v-y"));
                assertThat(s.contains(a, bytes("z0"))).isFalse();
                assertThat(keysIn(s, a, Range.all(), ScanOptions.forward())).containsExactly("x", "y");
                assertThat(keysIn(s, b, Range.all(), ScanOptions.reverse())).containsExactly("y", "x");
            }
            assertThat(a.get(bytes("x"))).isEqualTo(bytes("a2"));
            assertThat(b.contains(bytes("y"))).isFalse();
        }
    }

    @Test
    default void cursorFromSnapshotReadsTheSnapshotNotTheStore() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        try (Snapshot s = store().snapshot()) {
            ks.deleteRange(Range.all());
            fill(ks, "d");
            try (Cursor c = s.cursor(ks, Range.all(), ScanOptions.forward())) {
                ks.put(bytes("a"), bytes("later"));
                assertThat(Bytes.entriesOf(c)).containsExactly("a=v-a", "b=v-b", "c=v-c");
            }
            assertThat(Bytes.entries(s.scan(ks, Range.from(bytes("b")), ScanOptions.reverse())))
                    .containsExactly("c=v-c", "b=v-b");
        }
        assertThat(keysIn(ks)).containsExactly("a", "d");
    }

    @Test
    default void snapshotsTakenAtDifferentTimesDiffer() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("1"));
        try (Snapshot s1 = store().snapshot()) {
            ks.put(bytes("k"), bytes("2"));
            try (Snapshot s2 = store().snapshot()) {
                ks.delete(bytes("k"));
                assertThat(s1.get(ks, bytes("k"))).isEqualTo(bytes("1"));
                assertThat(s2.get(ks, bytes("k"))).isEqualTo(bytes("2"));
                assertThat(ks.get(bytes("k"))).isNull();
            }
        }
    }

    @Test
    default void closingASnapshotClosesItsCursors() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        Snapshot s = store().snapshot();
        Cursor c = s.cursor(ks, Range.all(), ScanOptions.forward());
        assertThat(c.next()).isTrue();
        assertThat(store().stats().openCursors()).isEqualTo(1);
        s.close();
        assertThatThrownBy(c::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::key).isInstanceOf(IllegalStateException.class);
        assertThat(store().openResources()).isEmpty();
        assertThat(store().stats().openCursors()).isZero();
        c.close();
    }

    @Test
    default void closedSnapshotRefusesReads() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        Snapshot s = store().snapshot();
        s.close();
        s.close();
        assertThatThrownBy(() -> s.get(ks, bytes("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.contains(ks, bytes("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.cursor(ks, Range.all(), ScanOptions.forward()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.scan(ks, Range.all(), ScanOptions.forward()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void snapshotUseAfterStoreCloseThrowsStoreClosed() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        Snapshot s = store().snapshot();
        store().close();
        assertThatThrownBy(() -> s.get(ks, bytes("a"))).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> s.cursor(ks, Range.all(), ScanOptions.forward()))
                .isInstanceOf(StoreClosedException.class);
        s.close();
    }

    @Test
    default void openSnapshotsAreTracked() {
        assertThat(store().stats().openSnapshots()).isZero();
        Snapshot s1 = store().snapshot();
        Snapshot s2 = store().snapshot();
        try {
            assertThat(store().stats().openSnapshots()).isEqualTo(2);
            assertThat(store().openResources()).hasSize(2).allSatisfy(r -> {
                assertThat(r.kind()).isEqualTo(OpenResource.Kind.SNAPSHOT);
                assertThat(r.openedAt()).isNotNull();
            });
        } finally {
            s1.close();
        }
        assertThat(store().stats().openSnapshots()).isEqualTo(1);
        s2.close();
        assertThat(store().stats().openSnapshots()).isZero();
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void snapshotSurvivesOverwritesDeletesAndCompaction() {
        Keyspace ks = defaultKs();
        for (int i = 0; i < 100; i++) {
            ks.put(bytes("k" + i), bytes("old"));
        }
        try (Snapshot s = store().snapshot()) {
            for (int i = 0; i < 100; i++) {
                ks.put(bytes("k" + i), bytes("new"));
            }
            ks.deleteRange(Range.all());
            store().compact();
            assertThat(s.scan(ks, Range.all(), ScanOptions.forward())).hasSize(100)
                    .allSatisfy(kv -> assertThat(kv.value()).isEqualTo(bytes("old")));
        }
        assertThat(keysIn(ks)).isEmpty();
    }
}
