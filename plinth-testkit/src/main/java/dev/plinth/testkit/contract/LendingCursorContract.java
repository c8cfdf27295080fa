package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.filled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StoreClosedException;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the lending half of {@link Cursor}: {@link Cursor#keyView()} and {@link Cursor#valueView()} hold
 * exactly the bytes {@link Cursor#key()} and {@link Cursor#value()} return, on every entry of store,
 * snapshot and transaction cursors, forward and in reverse, for values of every size (none, small, larger
 * than any buffer a cursor starts with) and for values stored with a time to live; a view is read-only, so
 * no caller can change what the store holds; each call returns a view positioned at the entry's first byte
 * whatever the caller did to the previous one; the views refuse as {@code key()} and {@code value()} do
 * (off an entry, keys-only, closed cursor, closed store); and the copying default of the interface, which
 * every cursor that does not lend inherits, returns the same bytes. A view is valid only until the cursor
 * next moves or closes: these tests read each view before the next move and never after.
 */
public interface LendingCursorContract extends ContractSupport {
    /** Keys {@code k000} to {@code k039} with values of 0 to 390 bytes, so that the lent buffers must grow. */
    private void fillGrowing(Keyspace ks) {
        for (int i = 0; i < 40; i++) {
            ks.put(bytes(String.format("k%03d", i)), filled(i * 10, i));
        }
    }

    /** Bytes from a view's position to its limit, leaving the view as it was. */
    private static byte[] contents(ByteBuffer view) {
        byte[] out = new byte[view.remaining()];
        view.duplicate().get(out);
        return out;
    }

    /** Every entry's views against its copies; returns the number of entries. */
    private static int checkViewsMatchCopies(Cursor c) {
        int n = 0;
        while (c.next()) {
            byte[] key = c.key();
            byte[] value = c.value();
            ByteBuffer kv = c.keyView();
            ByteBuffer vv = c.valueView();
            assertThat(kv.isReadOnly()).as("key view of entry %d is read-only", n).isTrue();
            assertThat(vv.isReadOnly()).as("value view of entry %d is read-only", n).isTrue();
            assertThat(contents(kv)).as("key view of entry %d", n).isEqualTo(key);
            assertThat(contents(vv)).as("value view of entry %d", n).isEqualTo(value);
            n++;
        }
        return n;
    }

    @Test
    default void viewsHoldTheSameBytesAsTheCopiesForwardAndInReverse() {
        Keyspace ks = defaultKs();
        fillGrowing(ks);
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(checkViewsMatchCopies(c)).isEqualTo(40);
        }
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
            assertThat(checkViewsMatchCopies(c)).isEqualTo(40);
        }
        try (Cursor c = ks.cursor(Range.of(bytes("k010"), bytes("k020")), ScanOptions.forward().withLimit(5))) {
            assertThat(checkViewsMatchCopies(c)).isEqualTo(5);
        }
    }

    @Test
    default void viewsLendEachEntryInTurnWithoutTheCopies() {
        Keyspace ks = defaultKs();
        fillGrowing(ks);
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        try (Cursor c = ks.cursor(Range.all())) {
            while (c.next()) {
                keys.add(contents(c.keyView()));
                values.add(contents(c.valueView()));
            }
        }
        assertThat(keys).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(keys.get(i)).isEqualTo(bytes(String.format("k%03d", i)));
            assertThat(values.get(i)).as("value %d", i).isEqualTo(filled(i * 10, i));
        }
    }

    @Test
    default void viewsOfSnapshotAndTransactionCursorsMatchTheirCopies() {
        Keyspace ks = defaultKs();
        fillGrowing(ks);
        try (Snapshot s = store().snapshot()) {
            ks.put(bytes("k005"), bytes("after the snapshot"));
            try (Cursor c = s.cursor(ks, Range.all(), ScanOptions.forward())) {
                assertThat(checkViewsMatchCopies(c)).isEqualTo(40);
            }
        }
        store().inTransaction(Isolation.SNAPSHOT, tx -> {
            tx.put(ks, bytes("k0055"), filled(200, 7)); // a pending write the transaction's cursor merges in
            tx.delete(ks, bytes("k006"));
            try (Cursor c = tx.cursor(ks, Range.all(), ScanOptions.forward())) {
                assertThat(checkViewsMatchCopies(c)).isEqualTo(40);
            }
            return null;
        });
    }

    @Test
    default void valueViewLeavesOutWhatTheStoreKeepsWithAValue() {
        Keyspace ks = defaultKs();
        ks.put(bytes("plain"), bytes("v1"));
        ks.put(bytes("ttl"), bytes("v2"), WriteOptions.ttl(Duration.ofHours(1)));
        ks.put(bytes("zero"), new byte[0]);
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            assertThat(contents(c.valueView())).isEqualTo(bytes("v1"));
            assertThat(c.next()).isTrue();
            assertThat(contents(c.valueView())).as("a value with a time to live").isEqualTo(bytes("v2"));
            assertThat(c.next()).isTrue();
            assertThat(c.valueView().remaining()).as("an empty value").isZero();
        }
    }

    @Test
    default void viewsAreReadOnlyAndTheStoreKeepsItsBytes() {
        Keyspace ks = defaultKs();
        ks.put(bytes("a"), bytes("value"));
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            ByteBuffer kv = c.keyView();
            ByteBuffer vv = c.valueView();
            assertThatThrownBy(() -> kv.put(0, (byte) 'z')).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> vv.put(0, (byte) 'z')).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(kv::array).as("no way to the bytes behind the view")
                    .isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(vv::array).isInstanceOf(ReadOnlyBufferException.class);
        }
        assertThat(ks.get(bytes("a"))).isEqualTo(bytes("value"));
    }

    @Test
    default void eachCallReturnsAViewAtTheEntrysStartWhateverTheCallerDidToTheLastOne() {
        Keyspace ks = defaultKs();
        ks.put(bytes("abc"), bytes("12345"));
        ks.put(bytes("de"), bytes("678"));
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            ByteBuffer kv = c.keyView();
            ByteBuffer vv = c.valueView();
            kv.get();
            kv.limit(2);
            vv.position(vv.limit());
            assertThat(contents(c.keyView())).as("same entry, called again").isEqualTo(bytes("abc"));
            assertThat(contents(c.valueView())).isEqualTo(bytes("12345"));
            c.keyView().position(1);
            assertThat(c.next()).isTrue();
            assertThat(contents(c.keyView())).as("next entry").isEqualTo(bytes("de"));
            assertThat(contents(c.valueView())).isEqualTo(bytes("678"));
            c.seek(bytes("abc"));
            assertThat(c.next()).isTrue();
            assertThat(contents(c.keyView())).as("after a seek").isEqualTo(bytes("abc"));
            assertThat(contents(c.valueView())).isEqualTo(bytes("12345"));
        }
    }

    @Test
    default void viewsRefuseAsTheCopiesDo() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        try (Cursor c = ks.cursor(Range.all())) {
            assertThatThrownBy(c::keyView).as("before next").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(c::valueView).as("before next").isInstanceOf(IllegalStateException.class);
            assertThat(c.next()).isTrue();
            assertThat(c.next()).isFalse();
            assertThatThrownBy(c::keyView).as("after exhaustion").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(c::valueView).as("after exhaustion").isInstanceOf(IllegalStateException.class);
        }
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
            assertThat(c.next()).isTrue();
            assertThat(contents(c.keyView())).isEqualTo(bytes("a"));
            assertThatThrownBy(c::valueView).as("keys-only").isInstanceOf(IllegalStateException.class);
        }
        Cursor closed = ks.cursor(Range.all());
        assertThat(closed.next()).isTrue();
        closed.close();
        assertThatThrownBy(closed::keyView).as("closed cursor").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::valueView).as("closed cursor").isInstanceOf(IllegalStateException.class);
        Cursor open = ks.cursor(Range.all());
        assertThat(open.next()).isTrue();
        store().close();
        assertThatThrownBy(open::keyView).as("closed store").isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(open::valueView).as("closed store").isInstanceOf(StoreClosedException.class);
    }

    @Test
    default void theCopyingDefaultReturnsTheSameBytes() {
        Keyspace ks = defaultKs();
        fillGrowing(ks);
        try (Cursor store = ks.cursor(Range.all()); Cursor copying = copyingOnly(store)) {
            int n = 0;
            while (copying.next()) {
                ByteBuffer kv = copying.keyView();
                ByteBuffer vv = copying.valueView();
                assertThat(kv.isReadOnly()).isTrue();
                assertThat(vv.isReadOnly()).isTrue();
                assertThat(contents(kv)).isEqualTo(bytes(String.format("k%03d", n)));
                assertThat(contents(vv)).isEqualTo(filled(n * 10, n));
                n++;
            }
            assertThat(n).isEqualTo(40);
            assertThatThrownBy(copying::keyView).as("off an entry").isInstanceOf(IllegalStateException.class);
        }
    }

    /** A cursor that forwards only the methods every cursor must have, so it inherits the copying views. */
    private static Cursor copyingOnly(Cursor c) {
        return new Cursor() {
            @Override
            public boolean next() {
                return c.next();
            }

            @Override
            public byte[] key() {
                return c.key();
            }

            @Override
            public byte[] value() {
                return c.value();
            }

            @Override
            public void seek(byte[] key) {
                c.seek(key);
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }
}
