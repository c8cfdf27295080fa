package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves single-key reads and writes: absence, overwrite, delete, empty values, binary keys, the key and
 * value size limits (the maximum accepted, one more rejected before anything is written, in every write
 * path), empty keys rejected, and that arrays crossing the API are copies in both directions.
 *
 * <p>Runs against the store under test; switched by {@link dev.plinth.Capabilities#maxKeySize()} and
 * {@link dev.plinth.Capabilities#maxValueSize()} only to size its inputs.
 */
public interface CrudContract extends ContractSupport {
    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual).as("value").isNotNull();
        assertThat(actual.length).as("value length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);
    }

    @Test
    default void absentKeyReadsAsNull() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "c");
        assertThat(ks.get(bytes("b"))).isNull();
        assertThat(ks.contains(bytes("b"))).isFalse();
        assertThat(store().get(ks, bytes("b"))).isNull();
        assertThat(store().contains(ks, bytes("b"))).isFalse();
    }

    @Test
    default void putThenGetReturnsTheValue() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v"));
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v"));
        assertThat(store().get(ks, bytes("k"))).isEqualTo(bytes("v"));
        assertThat(ks.contains(bytes("k"))).isTrue();
        assertThat(store().contains(ks, bytes("k"))).isTrue();
    }

    @Test
    default void overwriteReplacesTheValue() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("first, a longer value"));
        ks.put(bytes("k"), bytes("2nd"));
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("2nd"));
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("k=2nd");
    }

    @Test
    default void deleteRemovesTheKey() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        ks.delete(bytes("b"));
        assertThat(ks.get(bytes("b"))).isNull();
        assertThat(ks.contains(bytes("b"))).isFalse();
        assertThat(keysIn(ks)).containsExactly("a", "c");
        ks.put(bytes("b"), bytes("again"));
        assertThat(ks.get(bytes("b"))).isEqualTo(bytes("again"));
    }

    @Test
    default void deleteOfAbsentKeyChangesNothing() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "c");
        ks.delete(bytes("b"));
        ks.delete(bytes("zzz"), WriteOptions.DEFAULT);
        assertThat(keysIn(ks)).containsExactly("a", "c");
        assertThat(ks.get(bytes("a"))).isEqualTo(bytes("v-a"));
    }

    @Test
    default void emptyValueIsPresentAndNotNull() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), new byte[0]);
        assertThat(ks.get(bytes("k"))).isNotNull().isEmpty();
        assertThat(ks.contains(bytes("k"))).isTrue();
        List<String> entries = Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()));
        assertThat(entries).containsExactly("k=0x");
        ks.put(bytes("k"), bytes("x"));
        ks.put(bytes("k"), new byte[0]);
        assertThat(ks.get(bytes("k"))).isNotNull().isEmpty();
    }

    @Test
    default void binaryKeysWithZeroAndFfBytesAreDistinct() {
        Keyspace ks = defaultKs();
        List<byte[]> keys = List.of(raw(0x00), raw(0x00, 0x00), raw(0x00, 0xFF), raw(0xFF), raw(0xFF, 0x00),
                raw(0xFF, 0xFF), raw(0x01, 0x00, 0x01), raw(0x80), raw(0x7F));
        for (int i = 0; i < keys.size(); i++) {
            ks.put(keys.get(i), raw(i, 0x00, 0xFF));
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(ks.get(keys.get(i))).as("key %s", Bytes.show(keys.get(i))).isEqualTo(raw(i, 0x00, 0xFF));
        }
        assertThat(keysIn(ks)).containsExactly("0x00", "0x0000", "0x00ff", "0x010001", "0x7f", "0x80", "0xff",
                "0xff00", "0xffff");
        ks.delete(raw(0x00));
        assertThat(ks.get(raw(0x00, 0x00))).isEqualTo(raw(1, 0x00, 0xFF));
        assertThat(ks.contains(raw(0x00))).isFalse();
    }

    @Test
    default void everyByteValueRoundTripsInValues() {
        Keyspace ks = defaultKs();
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        ks.put(bytes("k"), all);
        assertThat(ks.get(bytes("k"))).isEqualTo(all);
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            assertThat(c.value()).isEqualTo(all);
        }
    }

    @Test
    default void keysThatArePrefixesOfEachOtherAreDistinct() {
        Keyspace ks = defaultKs();
        ks.put(bytes("a"), bytes("1"));
        ks.put(raw('a', 0), bytes("2"));
        ks.put(bytes("ab"), bytes("3"));
        ks.delete(bytes("a"));
        assertThat(ks.get(raw('a', 0))).isEqualTo(bytes("2"));
        assertThat(ks.get(bytes("ab"))).isEqualTo(bytes("3"));
        assertThat(keysIn(ks)).containsExactly("0x6100", "ab");
    }

    @Test
    default void maxSizeKeyIsAccepted() {
        Keyspace ks = defaultKs();
        byte[] key = Bytes.filled(caps().maxKeySize(), 1);
        byte[] shorter = Arrays.copyOf(key, key.length - 1);
        ks.put(key, bytes("v"));
        assertThat(ks.get(key)).isEqualTo(bytes("v"));
        assertThat(ks.contains(shorter)).as("a prefix of the key").isFalse();
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            assertSameBytes(c.key(), key);
            assertThat(c.next()).isFalse();
        }
        assertThat(ks.compareAndSet(key, bytes("v"), bytes("w"))).isTrue();
        ks.delete(key);
        assertThat(ks.contains(key)).isFalse();
    }

    @Test
    default void maxSizeValueIsAccepted() {
        Keyspace ks = defaultKs();
        byte[] value = Bytes.filled(maxValueToTest(), 2);
        ks.put(bytes("big"), value);
        assertSameBytes(ks.get(bytes("big")), value);
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            assertSameBytes(c.value(), value);
        }
    }

    @Test
    default void oversizedKeyIsRejectedBeforeAnythingIsWritten() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        byte[] key = Bytes.filled(caps().maxKeySize() + 1, 3);
        assertThatThrownBy(() -> ks.put(key, bytes("v")))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.KEY_SIZE));
        assertThat(keysIn(ks)).as("store unchanged, no truncated key").containsExactly("a");
        assertThatThrownBy(() -> ks.compareAndSet(key, null, bytes("v")))
                .isInstanceOf(LimitExceededException.class);
        assertThat(keysIn(ks)).containsExactly("a");
    }

    @Test
    default void oversizedValueIsRejectedBeforeAnythingIsWritten() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "k");
        byte[] value = new byte[maxValueToTest() + 1];
        assertThatThrownBy(() -> ks.put(bytes("k"), value))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.VALUE_SIZE));
        assertThat(ks.get(bytes("k"))).as("old value kept").isEqualTo(bytes("v-k"));
        assertThatThrownBy(() -> ks.put(bytes("new"), value)).isInstanceOf(LimitExceededException.class);
        assertThat(ks.contains(bytes("new"))).isFalse();
        assertThatThrownBy(() -> ks.compareAndSet(bytes("k"), bytes("v-k"), value))
                .isInstanceOf(LimitExceededException.class);
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v-k"));
    }

    @Test
    default void oversizedEntryInABatchRejectsTheWholeBatch() {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "keep");
        byte[] bigKey = Bytes.filled(caps().maxKeySize() + 1, 4);
        WriteBatch keyBatch = new WriteBatch()
                .put(other, bytes("first"), bytes("1"))
                .delete(ks, bytes("keep"))
                .put(ks, bigKey, bytes("v"))
                .put(ks, bytes("last"), bytes("2"));
        assertThatThrownBy(() -> store().write(keyBatch)).isInstanceOf(LimitExceededException.class);
        byte[] bigValue = new byte[maxValueToTest() + 1];
        WriteBatch valueBatch = new WriteBatch()
                .put(other, bytes("first"), bytes("1"))
                .delete(ks, bytes("keep"))
                .put(ks, bytes("big"), bigValue);
        assertThatThrownBy(() -> store().write(valueBatch)).isInstanceOf(LimitExceededException.class);
        assertThat(keysIn(ks)).containsExactly("keep");
        assertThat(keysIn(other)).isEmpty();
    }

    @Test
    default void oversizedEntryInATransactionRejectsTheWholeCommit() {
        Keyspace ks = defaultKs();
        fill(ks, "keep");
        byte[] bigKey = Bytes.filled(caps().maxKeySize() + 1, 5);
        byte[] bigValue = new byte[maxValueToTest() + 1];
        for (Isolation iso : Isolation.values()) {
            try (Transaction tx = store().begin(iso)) {
                assertThatThrownBy(() -> {
                    tx.put(ks, bytes("first"), bytes("1"));
                    tx.delete(ks, bytes("keep"));
                    tx.put(ks, bigKey, bytes("v"));
                    tx.commit();
                }).as(iso.name()).isInstanceOf(LimitExceededException.class);
            }
            try (Transaction tx = store().begin(iso)) {
                assertThatThrownBy(() -> {
                    tx.put(ks, bytes("first"), bytes("1"));
                    tx.delete(ks, bytes("keep"));
                    tx.put(ks, bytes("big"), bigValue);
                    tx.commit();
                }).as(iso.name()).isInstanceOf(LimitExceededException.class);
            }
            assertThat(keysIn(ks)).as(iso.name()).containsExactly("keep");
        }
    }

    @Test
    default void emptyKeyIsRejected() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        byte[] empty = new byte[0];
        assertThatThrownBy(() -> ks.put(empty, bytes("v"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ks.get(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ks.contains(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ks.delete(empty)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ks.compareAndSet(empty, null, bytes("v")))
                .isInstanceOf(IllegalArgumentException.class);
        WriteBatch batch = new WriteBatch().put(ks, bytes("b"), bytes("v")).put(ks, empty, bytes("v"));
        assertThatThrownBy(() -> store().write(batch)).isInstanceOf(IllegalArgumentException.class);
        try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
            assertThatThrownBy(() -> {
                tx.put(ks, bytes("c"), bytes("v"));
                tx.put(ks, empty, bytes("v"));
                tx.commit();
            }).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(keysIn(ks)).containsExactly("a");
    }

    @Test
    default void returnedValuesAreCopies() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("value"));
        byte[] got = ks.get(bytes("k"));
        got[0] = 'X';
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("value"));
        byte[] viaStore = store().get(ks, bytes("k"));
        viaStore[1] = 'X';
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("value"));
        List<dev.plinth.KeyValue> scanned = ks.scan(Range.all(), ScanOptions.forward());
        scanned.get(0).key()[0] = 'X';
        scanned.get(0).value()[0] = 'X';
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("k=value");
    }

    @Test
    default void cursorKeysAndValuesAreCopies() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
            byte[] k = c.key();
            byte[] v = c.value();
            k[0] = 'Z';
            v[0] = 'Z';
            assertThat(c.key()).isEqualTo(bytes("a"));
            assertThat(c.value()).isEqualTo(bytes("v-a"));
        }
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("a=v-a", "b=v-b");
    }

    @Test
    default void arraysPassedInAreCopied() {
        Keyspace ks = defaultKs();
        byte[] key = bytes("k");
        byte[] value = bytes("value");
        ks.put(key, value);
        key[0] = 'j';
        value[0] = 'X';
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("value"));
        assertThat(ks.contains(bytes("j"))).isFalse();

        byte[] expected = bytes("value");
        byte[] next = bytes("next");
        assertThat(ks.compareAndSet(bytes("k"), expected, next)).isTrue();
        next[0] = 'X';
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("next"));

        byte[] bk = bytes("b");
        byte[] bv = bytes("bv");
        WriteBatch batch = new WriteBatch().put(ks, bk, bv);
        bk[0] = 'c';
        bv[0] = 'X';
        assertThat(store().write(batch)).isTrue();
        assertThat(ks.get(bytes("b"))).isEqualTo(bytes("bv"));
        assertThat(ks.contains(bytes("c"))).isFalse();
    }

    @Test
    default void containsAgreesWithGet() {
        Keyspace ks = defaultKs();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add(bytes("key" + i));
        }
        for (int i = 0; i < 20; i += 2) {
            ks.put(keys.get(i), i % 4 == 0 ? new byte[0] : bytes("v"));
        }
        ks.delete(keys.get(4));
        for (byte[] k : keys) {
            assertThat(ks.contains(k)).as(Bytes.show(k)).isEqualTo(ks.get(k) != null);
        }
        assertThat(ks.contains(keys.get(0))).isTrue();
        assertThat(ks.contains(keys.get(4))).isFalse();
        assertThat(ks.contains(keys.get(1))).isFalse();
    }
}
