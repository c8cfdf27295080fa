package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ReadView;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves that arrays are copied at the API's edge, as the package documentation promises: every array
 * argument of every call (keys, values, expected values, range bounds, seek targets, batch and transaction
 * contents) is changed by the caller right after the call returns, and nothing follows the change; and every
 * array returned is the caller's own, so changing it changes nothing either.
 */
public interface ArgumentCopyContract extends ContractSupport {
    /** Overwrites an array the caller passed in, as a caller reusing its buffer would. */
    private static void scribble(byte[]... arrays) {
        for (byte[] a : arrays) {
            Arrays.fill(a, (byte) 'z');
        }
    }

    @Test
    default void writesAndReadsKeepNothingOfTheCallersArrays() {
        Keyspace ks = defaultKs();
        byte[] k = bytes("k1");
        byte[] v = bytes("v1");
        ks.put(k, v);
        scribble(k, v);
        assertThat(ks.get(bytes("k1"))).as("put").isEqualTo(bytes("v1"));
        assertThat(ks.contains(bytes("zz"))).as("put under the scribbled key").isFalse();

        byte[] got = ks.get(bytes("k1"));
        scribble(got);
        assertThat(ks.get(bytes("k1"))).as("a returned value").isEqualTo(bytes("v1"));

        byte[] ck = bytes("k1");
        byte[] expected = bytes("v1");
        byte[] next = bytes("v2");
        assertThat(ks.compareAndSet(ck, expected, next, WriteOptions.DEFAULT)).isTrue();
        scribble(ck, expected, next);
        assertThat(ks.get(bytes("k1"))).as("compareAndSet").isEqualTo(bytes("v2"));

        byte[] dk = bytes("k1");
        ks.delete(dk);
        scribble(dk);
        assertThat(ks.contains(bytes("k1"))).as("delete").isFalse();
    }

    @Test
    default void aBatchKeepsWhatItWasGivenNotWhatTheArraysBecame() {
        Keyspace ks = defaultKs();
        ks.put(bytes("check"), bytes("ok"));
        ks.put(bytes("gone"), bytes("x"));
        byte[] k = bytes("b1");
        byte[] v = bytes("bv");
        byte[] checkKey = bytes("check");
        byte[] checkValue = bytes("ok");
        byte[] deleted = bytes("gone");
        byte[] absent = bytes("nope");
        byte[] start = bytes("r0");
        byte[] end = bytes("r9");
        ks.put(bytes("r5"), bytes("in range"));
        WriteBatch batch = new WriteBatch().requireEquals(ks, checkKey, checkValue).requireAbsent(ks, absent)
                .put(ks, k, v).delete(ks, deleted).deleteRange(ks, Range.of(start, end));
        scribble(k, v, checkKey, checkValue, deleted, absent, start, end);
        assertThat(store().write(batch)).as("the checks as given held").isTrue();
        assertThat(ks.get(bytes("b1"))).isEqualTo(bytes("bv"));
        assertThat(ks.contains(bytes("gone"))).isFalse();
        assertThat(ks.contains(bytes("r5"))).isFalse();
        assertThat(ks.contains(bytes("zz"))).isFalse();
    }

    @Test
    default void rangeBoundsAreCopied() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c", "d");
        byte[] start = bytes("b");
        byte[] end = bytes("d");
        Range r = Range.of(start, end);
        scribble(start, end);
        assertThat(keysIn(store(), ks, r, ScanOptions.forward())).containsExactly("b", "c");
        byte[] prefix = bytes("c");
        Range p = Range.prefix(prefix);
        scribble(prefix);
        assertThat(keysIn(store(), ks, p, ScanOptions.forward())).containsExactly("c");
    }

    /** Where a cursor comes from. */
    enum CursorSource { STORE, SNAPSHOT, TRANSACTION }

    @ParameterizedTest
    @EnumSource(CursorSource.class)
    default void seekTargetsAreCopied(CursorSource source) {
        Keyspace ks = defaultKs();
        for (int i = 1; i <= 4; i++) {
            ks.put(new byte[] {1, (byte) i}, bytes("v" + i));
        }
        for (boolean reverse : new boolean[] {false, true}) {
            Snapshot snap = source == CursorSource.SNAPSHOT ? store().snapshot() : null;
            Transaction tx = source == CursorSource.TRANSACTION ? store().begin(Isolation.SERIALIZABLE) : null;
            ReadView view = snap != null ? snap : tx != null ? tx : store();
            try (Cursor c = view.cursor(ks, Range.all(), reverse ? ScanOptions.reverse() : ScanOptions.forward())) {
                byte[] target = {1, 2};
                c.seek(target);
                target[1] = (byte) (reverse ? 1 : 4); // where a cursor that kept the array would go instead
                assertThat(c.next()).isTrue();
                assertThat(c.key()).as("%s cursor%s after seek, then the target changed", source,
                        reverse ? ", reverse" : "").isEqualTo(new byte[] {1, 2});
                byte[] key = c.key();
                byte[] value = c.value();
                scribble(key, value);
                assertThat(c.key()).as("a returned key").isEqualTo(new byte[] {1, 2});
                assertThat(c.value()).as("a returned value").isEqualTo(bytes("v2"));
            } finally {
                if (snap != null) {
                    snap.close();
                }
                if (tx != null) {
                    tx.close();
                }
            }
        }
    }

    @Test
    default void snapshotAndTransactionCallsKeepNothingOfTheCallersArrays() {
        Keyspace ks = defaultKs();
        ks.put(bytes("s"), bytes("sv"));
        try (Snapshot snap = store().snapshot()) {
            byte[] k = bytes("s");
            byte[] got = snap.get(ks, k);
            scribble(k, got);
            assertThat(snap.get(ks, bytes("s"))).isEqualTo(bytes("sv"));
        }
        for (Isolation iso : Isolation.values()) {
            byte[] k = bytes("t-" + iso);
            byte[] v = bytes("tv");
            byte[] del = bytes("s");
            byte[] read = bytes("s");
            try (Transaction tx = store().begin(iso)) {
                byte[] got = tx.get(ks, read);
                tx.put(ks, k, v);
                tx.delete(ks, del);
                scribble(k, v, del, read, got);
                assertThat(tx.get(ks, bytes("t-" + iso))).as(iso + " pending put").isEqualTo(bytes("tv"));
                tx.commit();
            }
            assertThat(ks.get(bytes("t-" + iso))).as(iso + " committed put").isEqualTo(bytes("tv"));
            assertThat(ks.contains(bytes("s"))).as(iso + " committed delete").isFalse();
            ks.put(bytes("s"), bytes("sv"));
        }
        assertThat(keysIn(ks)).doesNotContain("zz", "zzzzzz");
    }

    /**
     * A serializable transaction validates at commit the keys it read and the ranges it walked; changing the
     * caller's arrays after the reads must not move what it validates.
     */
    @Test
    default void serializableReadsDoNotFollowTheirArguments() {
        Keyspace ks = defaultKs();
        fill(ks, "k1", "k2", "k3", "k4", "k5", "k6");
        try (Transaction tx = store().begin(Isolation.SERIALIZABLE)) {
            byte[] read = bytes("k1");
            assertThat(tx.get(ks, read)).isNotNull();
            scribble(read);
            tx.put(ks, bytes("w"), bytes("1"));
            ks.put(bytes("k1"), bytes("changed"));
            assertThatThrownBy(tx::commit).as("k1 was read, then changed").isInstanceOf(ConflictException.class);
        }
        try (Transaction tx = store().begin(Isolation.SERIALIZABLE)) {
            byte[] read = bytes("k2");
            assertThat(tx.contains(ks, read)).isTrue();
            scribble(read);
            tx.put(ks, bytes("w"), bytes("2"));
            ks.delete(bytes("k2"));
            assertThatThrownBy(tx::commit).as("k2 was read, then deleted").isInstanceOf(ConflictException.class);
        }
        try (Transaction tx = store().begin(Isolation.SERIALIZABLE)) {
            byte[] start = bytes("k3");
            byte[] end = bytes("k5");
            Range r = Range.of(start, end);
            scribble(start, end);
            assertThat(keysIn(tx, ks, r, ScanOptions.forward())).containsExactly("k3", "k4");
            tx.put(ks, bytes("w"), bytes("3"));
            ks.put(bytes("k3a"), bytes("phantom"));
            assertThatThrownBy(tx::commit).as("a phantom in the walked range").isInstanceOf(ConflictException.class);
        }
        try (Transaction tx = store().begin(Isolation.SERIALIZABLE)) {
            try (Cursor c = tx.cursor(ks, Range.all(), ScanOptions.forward())) {
                byte[] target = bytes("k5");
                c.seek(target);
                target[1] = '9'; // past k5: a walk recorded from the changed target would not cover k5
                assertThat(c.next()).isTrue();
                assertThat(c.key()).isEqualTo(bytes("k5"));
            }
            tx.put(ks, bytes("w"), bytes("4"));
            ks.put(bytes("k5"), bytes("changed"));
            assertThatThrownBy(tx::commit).as("k5 was walked, then changed").isInstanceOf(ConflictException.class);
        }
        assertThat(ks.contains(bytes("w"))).as("no conflicting commit applied").isFalse();
    }
}
