package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.testkit.ContractSupport;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves {@link Store#inTransaction}: it commits and returns the body's result; it retries conflicts a
 * bounded number of times (the default and a chosen number) and commits once they stop; it never retries
 * the body's own exceptions; it refuses fewer than one attempt; and it alone ends the transaction, so a body
 * that commits, rolls back or closes it gets {@link IllegalStateException} and nothing commits.
 */
public interface InTransactionContract extends ContractSupport {
    /**
     * Reads {@code k} in the transaction, writes it from outside, then writes it in the transaction, so that
     * the commit conflicts at either isolation level.
     */
    private static <T> T conflictOnce(Keyspace ks, Transaction tx, int attempt) {
        tx.get(ks, bytes("k"));
        ks.put(bytes("k"), bytes("outside-" + attempt));
        tx.put(ks, bytes("k"), bytes("tx-" + attempt));
        return null;
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void inTransactionRetriesConflictsUpToMaxAttempts(Isolation iso) {
        Keyspace ks = defaultKs();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> store().inTransaction(iso, 3, tx -> {
            int n = calls.incrementAndGet();
            return conflictOnce(ks, tx, n);
        })).isInstanceOf(ConflictException.class);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("outside-3"));
        assertThat(store().openResources()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void inTransactionRefusesABodyThatEndsTheTransactionItself(Isolation iso) {
        Keyspace ks = defaultKs();
        List<String> ends = List.of("commit", "rollback", "close");
        for (String end : ends) {
            byte[] key = bytes("by-" + end);
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> store().inTransaction(iso, tx -> {
                runs.incrementAndGet();
                tx.put(ks, key, bytes("v"));
                switch (end) {
                    case "commit" -> tx.commit();
                    case "rollback" -> tx.rollback();
                    default -> tx.close();
                }
                return null;
            })).as(end + " inside the body").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(end + "()").hasMessageContaining("inTransaction")
                    .hasMessageContaining("Nothing was committed");
            assertThat(runs).as("not retried").hasValue(1);
            assertThat(ks.contains(key)).as("the body's write after a refused " + end).isFalse();
        }
        // A body that catches the refusal carries on, and its writes commit when it returns.
        byte[] key = bytes("caught");
        store().inTransaction(iso, tx -> {
            tx.put(ks, key, bytes("v"));
            assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class);
            assertThat(tx.isOpen()).as("still open after the refusal").isTrue();
            return null;
        });
        assertThat(ks.get(key)).isEqualTo(bytes("v"));
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void inTransactionMakesTheDefaultNumberOfAttempts() {
        Keyspace ks = defaultKs();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> store().inTransaction(Isolation.SNAPSHOT, tx -> {
            int n = calls.incrementAndGet();
            return conflictOnce(ks, tx, n);
        })).isInstanceOf(ConflictException.class);
        assertThat(calls.get()).isEqualTo(Store.DEFAULT_TRANSACTION_ATTEMPTS);
        assertThat(store().openResources()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void inTransactionCommitsOnceConflictsStop(Isolation iso) {
        Keyspace ks = defaultKs();
        AtomicInteger calls = new AtomicInteger();
        String result = store().inTransaction(iso, 5, tx -> {
            int n = calls.incrementAndGet();
            if (n <= 2) {
                conflictOnce(ks, tx, n);
            } else {
                tx.get(ks, bytes("k"));
                tx.put(ks, bytes("k"), bytes("tx-" + n));
            }
            return "attempt " + n;
        });
        assertThat(result).isEqualTo("attempt 3");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("tx-3"));
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void inTransactionDoesNotRetryTheBodysExceptions(Isolation iso) {
        Keyspace ks = defaultKs();
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> store().inTransaction(iso, 5, tx -> {
            calls.incrementAndGet();
            tx.put(ks, bytes("k"), bytes("written before the failure"));
            throw boom;
        })).isSameAs(boom);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(ks.contains(bytes("k"))).as("rolled back").isFalse();
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void inTransactionRejectsFewerThanOneAttempt() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> store().inTransaction(Isolation.SNAPSHOT, 0, tx -> calls.incrementAndGet()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(calls.get()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void inTransactionCommitsAndReturnsTheResult(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        byte[] result = store().inTransaction(iso, tx -> {
            assertThat(tx.isolation()).isEqualTo(iso);
            byte[] v = tx.get(ks, bytes("a"));
            tx.put(ks, bytes("b"), v);
            return v;
        });
        assertThat(result).isEqualTo(bytes("v-a"));
        assertThat(ks.get(bytes("b"))).isEqualTo(bytes("v-a"));
        assertThat(store().openResources()).isEmpty();
    }
}
