package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import dev.plinth.testkit.ContractSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves cursor semantics: a cursor reads the snapshot taken when it was opened (later puts, deletes,
 * range deletes and batches are invisible to it), {@code key()}/{@code value()} refuse when the cursor
 * is not on an entry, a closed cursor refuses everything with {@link IllegalStateException}, a closed
 * store makes it throw {@link StoreClosedException}, closing the store closes open cursors, close is
 * idempotent, and open cursors are tracked (listed with their origin, counted in stats).
 */
public interface CursorContract extends ContractSupport {
    @Test
    default void cursorSeesTheStateWhenItWasOpened() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c", "d", "e");
        try (Cursor c = ks.cursor(Range.all())) {
            ks.put(bytes("aa"), bytes("new"));
            ks.put(bytes("b"), bytes("changed"));
            ks.delete(bytes("c"));
            ks.deleteRange(Range.of(bytes("d"), null));
            store().write(new WriteBatch().put(ks, bytes("bb"), bytes("x")).delete(ks, bytes("a")));
            assertThat(Bytes.entriesOf(c)).containsExactly("a=v-a", "b=v-b", "c=v-c", "d=v-d", "e=v-e");
        }
        assertThat(keysIn(ks)).containsExactly("aa", "b", "bb");
    }

    @Test
    default void reverseCursorSeesTheStateWhenItWasOpened() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes("c"));
            ks.delete(bytes("b"));
            ks.put(bytes("bb"), bytes("new"));
            ks.put(bytes("a"), bytes("changed"));
            assertThat(Bytes.entriesOf(c)).containsExactly("b=v-b", "a=v-a");
            c.seek(bytes("bz"));
            assertThat(Bytes.keysOf(c)).as("seek reads the same snapshot").containsExactly("b", "a");
        }
    }

    @Test
    default void keyAndValueRefuseWhenNotOnAnEntry() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        try (Cursor c = ks.cursor(Range.all())) {
            assertThatThrownBy(c::key).as("before next").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(c::value).as("before next").isInstanceOf(IllegalStateException.class);
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes("a"));
            assertThat(c.next()).isFalse();
            assertThatThrownBy(c::key).as("after exhaustion").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(c::value).as("after exhaustion").isInstanceOf(IllegalStateException.class);
            c.seek(bytes("a"));
            assertThatThrownBy(c::key).as("after seek, before next").isInstanceOf(IllegalStateException.class);
        }
        try (Cursor empty = ks.cursor(Range.from(bytes("b")))) {
            assertThat(empty.next()).isFalse();
            assertThatThrownBy(empty::key).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    default void closedCursorRefusesEverything() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        Cursor c = ks.cursor(Range.all());
        assertThat(c.next()).isTrue();
        c.close();
        assertThatThrownBy(c::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::key).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::value).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.seek(bytes("a"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    default void closeIsIdempotent() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        Cursor c = ks.cursor(Range.all());
        Cursor other = ks.cursor(Range.all());
        c.close();
        c.close();
        assertThat(store().stats().openCursors()).as("a second close does not count twice").isEqualTo(1);
        assertThat(other.next()).isTrue();
        other.close();
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void cursorUseAfterStoreCloseThrowsStoreClosed() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        Cursor c = ks.cursor(Range.all());
        assertThat(c.next()).isTrue();
        store().close();
        assertThatThrownBy(c::next).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> c.seek(bytes("a"))).isInstanceOf(StoreClosedException.class);
        c.close();
    }

    @Test
    default void storeCloseClosesOpenCursors() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        Cursor c1 = ks.cursor(Range.all());
        Cursor c2 = ks.cursor(Range.all(), ScanOptions.reverse());
        assertThat(c1.next()).isTrue();
        assertThat(store().openResources()).hasSize(2);
        store().close();
        assertThat(store().openResources()).as("cursors closed by the store").isEmpty();
        assertThatThrownBy(c2::next).isInstanceOf(StoreClosedException.class);
        c1.close();
        c2.close();
    }

    @Test
    default void leakedCursorIsListedWithItsOrigin() {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        assertThat(store().openResources()).isEmpty();
        Cursor c = ks.cursor(Range.prefix(bytes("p")));
        Cursor viaStore = store().cursor(other, Range.all(), ScanOptions.reverse());
        try {
            List<OpenResource> open = store().openResources();
            assertThat(open).hasSize(2);
            assertThat(open).allSatisfy(r -> {
                assertThat(r.kind()).isEqualTo(OpenResource.Kind.CURSOR);
                assertThat(r.openedAt()).as("origin tracking is on in the kit").isNotNull();
                assertThat(r.description()).isNotBlank();
            });
            String here = CursorContract.class.getName();
            assertThat(open).allSatisfy(r -> assertThat(r.openedAt().getStackTrace())
                    .as("the stack names the opening test")
                    .anySatisfy(e -> assertThat(e.getClassName()).isEqualTo(here)));
        } finally {
            c.close();
            viaStore.close();
        }
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void statsCountOpenCursors() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        assertThat(store().stats().openCursors()).isZero();
        Cursor c1 = ks.cursor(Range.all());
        Cursor c2 = store().cursor(ks, Range.all(), ScanOptions.forward().withKeysOnly(true));
        assertThat(store().stats().openCursors()).isEqualTo(2);
        c1.close();
        assertThat(store().stats().openCursors()).isEqualTo(1);
        Bytes.keysOf(c2);
        assertThat(store().stats().openCursors()).as("an exhausted cursor is open until closed").isEqualTo(1);
        c2.close();
        assertThat(store().stats().openCursors()).isZero();
        ks.scan(Range.all(), ScanOptions.forward());
        assertThat(store().stats().openCursors()).as("scan closes its cursor").isZero();
    }

    @Test
    default void cursorStaysValidWhileTheKeyspaceIsRewritten() {
        Keyspace ks = defaultKs();
        for (int i = 0; i < 200; i++) {
            ks.put(bytes(String.format("k%04d", i)), bytes("old" + i));
        }
        try (Cursor c = ks.cursor(Range.all())) {
            int seen = 0;
            while (c.next()) {
                int i = seen++;
                assertThat(c.key()).isEqualTo(bytes(String.format("k%04d", i)));
                assertThat(c.value()).isEqualTo(bytes("old" + i));
                ks.put(bytes(String.format("k%04d", i + 1)), bytes("new"));
                ks.delete(bytes(String.format("k%04d", i + 2)));
                ks.put(bytes(String.format("k%04da", i)), bytes("inserted"));
            }
            assertThat(seen).isEqualTo(200);
        }
    }

    /**
     * The engine itself, below the core: an engine cursor asked for only the first bytes of each value
     * ({@link ScanSpec#valueBytes()}, what keys-only scans ask for) returns at least those bytes of the stored
     * value, exactly as stored, and whole values when asked for them; keys and order are unchanged.
     */
    @Test
    default void engineCursorsReturnAtLeastTheValueBytesAskedFor() {
        StoreAndEngine opened = openWithEngine();
        try (Store s = opened.store()) {
            Keyspace ks = s.defaultKeyspace();
            int[] sizes = {0, 1, 8, 9, 10, 100, 5000};
            for (int size : sizes) {
                ks.put(bytes(String.format("k%05d", size)), Bytes.filled(size, size));
            }
            ks.put(bytes("kttl"), Bytes.filled(300, 3), WriteOptions.ttl(java.time.Duration.ofDays(1)));
            Engine engine = opened.engine();
            EngineKeyspace raw = engine.keyspace(Store.DEFAULT_KEYSPACE);
            for (int n : new int[] {1, 9, 64, ScanSpec.FULL_VALUES}) {
                for (boolean reverse : new boolean[] {false, true}) {
                    List<String> keys = new ArrayList<>();
                    try (EngineCursor c = engine.cursor(raw, ScanSpec.all().reverse(reverse).valuesUpTo(n))) {
                        while (c.next()) {
                            byte[] stored = engine.get(raw, c.key());
                            byte[] got = c.value();
                            String what = "value of " + new String(c.key(), java.nio.charset.StandardCharsets.UTF_8) + " read with valueBytes " + n
                                    + (reverse ? ", reverse" : "");
                            assertThat(got.length).as(what).isBetween(Math.min(n, stored.length), stored.length);
                            if (n == ScanSpec.FULL_VALUES) {
                                assertThat(got.length).as(what).isEqualTo(stored.length);
                            }
                            assertThat(Arrays.mismatch(got, stored)).as(what + ": a prefix of the stored value")
                                    .isIn(-1, got.length);
                            keys.add(new String(c.key(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                    List<String> expected = new ArrayList<>();
                    for (int size : sizes) {
                        expected.add(String.format("k%05d", size));
                    }
                    expected.add("kttl");
                    if (reverse) {
                        java.util.Collections.reverse(expected);
                    }
                    assertThat(keys).as("keys with valueBytes " + n).isEqualTo(expected);
                }
            }
        }
    }
}
