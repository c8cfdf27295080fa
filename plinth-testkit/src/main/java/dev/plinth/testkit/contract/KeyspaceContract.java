package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.testkit.ContractSupport;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Proves keyspace management: the default keyspace always exists and cannot be dropped; creation is
 * idempotent; names are listed sorted and validated ({@code [A-Za-z0-9._-]}, 1 to 64 characters, case
 * sensitive); keyspaces are independent; dropping removes the data and turns every handle to it stale
 * ({@link NoSuchKeyspaceException}) for good; a recreated keyspace is empty; and a handle from another
 * store is rejected.
 */
public interface KeyspaceContract extends ContractSupport {
    @Test
    default void defaultKeyspaceExistsAndCannotBeDropped() {
        Keyspace d = defaultKs();
        assertThat(d.name()).isEqualTo(Store.DEFAULT_KEYSPACE);
        assertThat(d.store()).isSameAs(store());
        assertThat(store().keyspaces()).containsExactly(Store.DEFAULT_KEYSPACE);
        fill(d, "a");
        assertThatThrownBy(() -> store().dropKeyspace(Store.DEFAULT_KEYSPACE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().keyspace(Store.DEFAULT_KEYSPACE).get(bytes("a"))).isEqualTo(bytes("v-a"));
        assertThat(store().createKeyspace(Store.DEFAULT_KEYSPACE).get(bytes("a"))).isEqualTo(bytes("v-a"));
    }

    @Test
    default void createIsIdempotent() {
        Keyspace first = store().createKeyspace("ks");
        fill(first, "a");
        Keyspace second = store().createKeyspace("ks");
        assertThat(second.name()).isEqualTo("ks");
        assertThat(second.get(bytes("a"))).as("create does not clear").isEqualTo(bytes("v-a"));
        fill(second, "b");
        assertThat(keysIn(first)).containsExactly("a", "b");
        assertThat(keysIn(store().keyspace("ks"))).containsExactly("a", "b");
        assertThat(store().keyspaces()).containsExactly("default", "ks");
    }

    @Test
    default void keyspacesAreListedSorted() {
        for (String n : List.of("zeta", "a1", "b", "a-x", "A", "a", "_u", "0", "a.b")) {
            store().createKeyspace(n);
        }
        assertThat(store().keyspaces()).containsExactly("0", "A", "_u", "a", "a-x", "a.b", "a1", "b", "default",
                "zeta");
        List<String> copy = store().keyspaces();
        copy.clear();
        assertThat(store().keyspaces()).as("a new list each call").hasSize(10);
    }

    @Test
    default void keyspaceNamesAreCaseSensitive() {
        Keyspace lower = store().createKeyspace("data");
        Keyspace upper = store().createKeyspace("Data");
        lower.put(bytes("k"), bytes("lower"));
        upper.put(bytes("k"), bytes("upper"));
        assertThat(lower.get(bytes("k"))).isEqualTo(bytes("lower"));
        assertThat(upper.get(bytes("k"))).isEqualTo(bytes("upper"));
        assertThat(store().keyspaces()).containsExactly("Data", "data", "default");
        assertThatThrownBy(() -> store().keyspace("DATA")).isInstanceOf(NoSuchKeyspaceException.class);
    }

    @Test
    default void keyspacesAreIndependent() {
        Keyspace a = store().createKeyspace("a");
        Keyspace b = store().createKeyspace("b");
        a.put(bytes("k"), bytes("in a"));
        b.put(bytes("k"), bytes("in b"));
        defaultKs().put(bytes("k"), bytes("in default"));
        a.delete(bytes("k"));
        assertThat(b.get(bytes("k"))).isEqualTo(bytes("in b"));
        assertThat(defaultKs().get(bytes("k"))).isEqualTo(bytes("in default"));
        b.deleteRange(Range.all());
        assertThat(defaultKs().get(bytes("k"))).isEqualTo(bytes("in default"));
        assertThat(a.contains(bytes("k"))).isFalse();
    }

    @Test
    default void dropRemovesTheKeyspaceAndItsData() {
        Keyspace ks = store().createKeyspace("doomed");
        Keyspace neighbour = store().createKeyspace("doomed2");
        fill(ks, "a", "b");
        fill(neighbour, "a");
        assertThat(store().dropKeyspace("doomed")).isTrue();
        assertThat(store().keyspaces()).containsExactly("default", "doomed2");
        assertThat(store().dropKeyspace("doomed")).as("already gone").isFalse();
        assertThat(store().dropKeyspace("never-existed")).isFalse();
        assertThat(keysIn(neighbour)).containsExactly("a");
        assertThatThrownBy(() -> store().keyspace("doomed")).isInstanceOf(NoSuchKeyspaceException.class);
    }

    @Test
    default void staleHandleAfterDropThrowsNoSuchKeyspace() {
        Keyspace ks = store().createKeyspace("stale");
        fill(ks, "a");
        store().dropKeyspace("stale");
        List<ThrowingCallable> calls = List.of(
                () -> ks.get(bytes("a")),
                () -> ks.contains(bytes("a")),
                () -> ks.put(bytes("b"), bytes("v")),
                () -> ks.delete(bytes("a")),
                () -> ks.deleteRange(Range.all()),
                () -> ks.cursor(Range.all()).close(),
                () -> ks.scan(Range.all(), ScanOptions.forward()),
                () -> ks.compareAndSet(bytes("a"), null, bytes("v")),
                () -> store().get(ks, bytes("a")),
                () -> store().cursor(ks, Range.all(), ScanOptions.reverse()).close(),
                () -> store().write(new WriteBatch().put(ks, bytes("b"), bytes("v"))));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)).as("call %d", i).isInstanceOf(NoSuchKeyspaceException.class);
        }
        try (Snapshot s = store().snapshot()) {
            assertThatThrownBy(() -> s.get(ks, bytes("a"))).isInstanceOf(NoSuchKeyspaceException.class);
        }
        try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
            assertThatThrownBy(() -> tx.get(ks, bytes("a"))).isInstanceOf(NoSuchKeyspaceException.class);
        }
        assertThat(store().keyspaces()).containsExactly("default");
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void recreatedKeyspaceIsEmptyAndOldHandlesStayStale() {
        Keyspace old = store().createKeyspace("again");
        fill(old, "a", "b");
        store().dropKeyspace("again");
        Keyspace fresh = store().createKeyspace("again");
        assertThat(keysIn(fresh)).isEmpty();
        assertThat(fresh.get(bytes("a"))).isNull();
        fill(fresh, "c");
        assertThatThrownBy(() -> old.get(bytes("c"))).isInstanceOf(NoSuchKeyspaceException.class);
        assertThatThrownBy(() -> old.put(bytes("d"), bytes("v"))).isInstanceOf(NoSuchKeyspaceException.class);
        assertThat(keysIn(store().keyspace("again"))).containsExactly("c");
    }

    @Test
    default void missingKeyspaceThrowsNoSuchKeyspace() {
        assertThatThrownBy(() -> store().keyspace("missing")).isInstanceOf(NoSuchKeyspaceException.class)
                .hasMessageContaining("missing");
        assertThat(store().keyspaces()).doesNotContain("missing");
    }

    @Test
    default void invalidNamesAreRejected() {
        for (String bad : List.of("", "a".repeat(65), "a/b", "a b", " ", "é", "a:b", "a\0", "a\\b", "*")) {
            assertThatThrownBy(() -> store().createKeyspace(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store().createKeyspace(null)).isInstanceOf(NullPointerException.class);
        assertThat(store().keyspaces()).containsExactly("default");
    }

    @Test
    default void validNamesAreAccepted() {
        String longest = "x".repeat(64);
        String allChars = "ABCXYZabcxyz0189._-";
        for (String n : List.of(longest, allChars, "1", "_", "-", ".", "..")) {
            Keyspace ks = store().createKeyspace(n);
            ks.put(bytes("k"), bytes(n));
            assertThat(store().keyspace(n).get(bytes("k"))).as(n).isEqualTo(bytes(n));
        }
        assertThat(store().keyspaces()).contains(longest, allChars);
    }

    @Test
    default void handleFromAnotherStoreIsRejected() {
        Store other = openAnother();
        Keyspace foreign = other.createKeyspace("shared-name");
        Keyspace foreignDefault = other.defaultKeyspace();
        Keyspace local = store().createKeyspace("shared-name");
        fill(local, "a");
        assertThatThrownBy(() -> store().get(foreign, bytes("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().get(foreignDefault, bytes("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().cursor(foreign, Range.all(), ScanOptions.forward()).close())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().scan(foreign, Range.all(), ScanOptions.forward()))
                .isInstanceOf(IllegalArgumentException.class);
        WriteBatch batch = new WriteBatch().put(local, bytes("b"), bytes("v")).put(foreign, bytes("b"), bytes("v"));
        assertThatThrownBy(() -> store().write(batch)).isInstanceOf(IllegalArgumentException.class);
        try (Snapshot s = store().snapshot()) {
            assertThatThrownBy(() -> s.get(foreign, bytes("a"))).isInstanceOf(IllegalArgumentException.class);
        }
        try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
            assertThatThrownBy(() -> {
                tx.put(local, bytes("c"), bytes("v"));
                tx.put(foreign, bytes("c"), bytes("v"));
                tx.commit();
            }).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(keysIn(local)).as("nothing written here").containsExactly("a");
        assertThat(foreign.scan(Range.all(), ScanOptions.forward())).as("nothing written there").isEmpty();
        assertThat(store().openResources()).isEmpty();
    }
}
