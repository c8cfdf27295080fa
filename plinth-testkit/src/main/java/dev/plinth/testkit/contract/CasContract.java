package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.longBytes;
import static dev.plinth.testkit.contract.Bytes.toLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Keyspace;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Proves compare-and-set: insert-if-absent ({@code expected == null}), update-if-equal, delete-if-equal
 * ({@code newValue == null}); a mismatch returns {@code false} and writes nothing; an empty value is not
 * absence; under racing threads with the same expected value exactly one wins; and counters driven by
 * CAS loops from several threads reach the exact total.
 */
public interface CasContract extends ContractSupport {
    @Test
    default void insertIfAbsent() {
        Keyspace ks = defaultKs();
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("first"))).isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("first"));
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("second"))).isFalse();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("first"));
    }

    @Test
    default void updateIfEqual() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v1"));
        assertThat(ks.compareAndSet(bytes("k"), bytes("v1"), bytes("v2"))).isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v2"));
        assertThat(ks.compareAndSet(bytes("k"), bytes("v1"), bytes("v3"))).as("stale expected value").isFalse();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v2"));
    }

    @Test
    default void deleteIfEqual() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "k", "z");
        assertThat(ks.compareAndSet(bytes("k"), bytes("wrong"), null)).isFalse();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v-k"));
        assertThat(ks.compareAndSet(bytes("k"), bytes("v-k"), null)).isTrue();
        assertThat(ks.contains(bytes("k"))).isFalse();
        assertThat(keysIn(ks)).containsExactly("a", "z");
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("back"))).as("absent again").isTrue();
    }

    @Test
    default void mismatchChangesNothing() {
        Keyspace ks = defaultKs();
        fill(ks, "k");
        assertThat(ks.compareAndSet(bytes("k"), bytes("v-"), bytes("x"))).as("a prefix of the value").isFalse();
        assertThat(ks.compareAndSet(bytes("k"), bytes("v-kk"), bytes("x"))).as("a longer value").isFalse();
        assertThat(ks.compareAndSet(bytes("k"), new byte[0], bytes("x"))).as("empty expected").isFalse();
        assertThat(ks.compareAndSet(bytes("k"), bytes("v-k "), null)).isFalse();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v-k"));
        assertThat(keysIn(ks)).containsExactly("k");
    }

    @Test
    default void expectedValueOnAnAbsentKeyFails() {
        Keyspace ks = defaultKs();
        assertThat(ks.compareAndSet(bytes("k"), bytes("v"), bytes("new"))).isFalse();
        assertThat(ks.contains(bytes("k"))).isFalse();
        assertThat(ks.compareAndSet(bytes("k"), new byte[0], bytes("new"))).as("empty is not absent").isFalse();
        assertThat(ks.contains(bytes("k"))).isFalse();
        assertThat(ks.compareAndSet(bytes("k"), bytes("v"), null)).isFalse();
        assertThat(keysIn(ks)).isEmpty();
    }

    @Test
    default void emptyValueIsNotAbsent() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), new byte[0]);
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("x"))).as("present with an empty value").isFalse();
        assertThat(ks.get(bytes("k"))).isEmpty();
        assertThat(ks.compareAndSet(bytes("k"), new byte[0], bytes("x"))).isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("x"));
        assertThat(ks.compareAndSet(bytes("k"), bytes("x"), new byte[0])).isTrue();
        assertThat(ks.get(bytes("k"))).isNotNull().isEmpty();
    }

    @Test
    default void deleteOfAnAbsentKeyExpectingAbsenceSucceeds() {
        Keyspace ks = defaultKs();
        assertThat(ks.compareAndSet(bytes("k"), null, null)).as("absent held absent and now holds absent").isTrue();
        assertThat(ks.contains(bytes("k"))).isFalse();
        ks.put(bytes("k"), bytes("v"));
        assertThat(ks.compareAndSet(bytes("k"), null, null)).isFalse();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v"));
    }

    @Test
    default void casStaysInItsKeyspace() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        a.put(bytes("k"), bytes("in a"));
        assertThat(b.compareAndSet(bytes("k"), null, bytes("in b"))).isTrue();
        assertThat(b.compareAndSet(bytes("k"), bytes("in a"), bytes("x"))).isFalse();
        assertThat(a.compareAndSet(bytes("k"), bytes("in a"), null)).isTrue();
        assertThat(a.contains(bytes("k"))).isFalse();
        assertThat(b.get(bytes("k"))).isEqualTo(bytes("in b"));
    }

    @Test
    default void casWithOptionsUsesThem() {
        Keyspace ks = defaultKs();
        WriteOptions opts = WriteOptions.durability(caps().defaultDurability());
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("v"), opts)).isTrue();
        assertThat(ks.compareAndSet(bytes("k"), bytes("v"), bytes("w"), WriteOptions.DEFAULT)).isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("w"));
    }

    @Test
    default void racingUpdatesFromTheSameValueHaveExactlyOneWinner() {
        Keyspace ks = defaultKs();
        int threads = 8;
        int rounds = 40;
        for (int round = 0; round < rounds; round++) {
            byte[] expected = bytes("round-" + round);
            ks.put(bytes("k"), expected);
            ConcurrentLinkedQueue<Integer> winners = new ConcurrentLinkedQueue<>();
            Concurrently.run(threads, t -> {
                if (ks.compareAndSet(bytes("k"), expected, bytes("winner-" + t))) {
                    winners.add(t);
                }
            });
            assertThat(winners).as("round %d", round).hasSize(1);
            assertThat(ks.get(bytes("k"))).isEqualTo(bytes("winner-" + winners.peek()));
        }
    }

    @Test
    default void racingInsertsIfAbsentHaveExactlyOneWinner() {
        Keyspace ks = defaultKs();
        int threads = 8;
        for (int round = 0; round < 40; round++) {
            byte[] key = bytes("key-" + round);
            ConcurrentLinkedQueue<Integer> winners = new ConcurrentLinkedQueue<>();
            Concurrently.run(threads, t -> {
                if (ks.compareAndSet(key, null, bytes("winner-" + t))) {
                    winners.add(t);
                }
            });
            assertThat(winners).as("round %d", round).hasSize(1);
            assertThat(ks.get(key)).isEqualTo(bytes("winner-" + winners.peek()));
        }
    }

    @Test
    default void racingDeletesIfEqualHaveExactlyOneWinner() {
        Keyspace ks = defaultKs();
        for (int round = 0; round < 40; round++) {
            ks.put(bytes("k"), bytes("v"));
            AtomicInteger wins = new AtomicInteger();
            Concurrently.run(8, t -> {
                if (ks.compareAndSet(bytes("k"), bytes("v"), null)) {
                    wins.incrementAndGet();
                }
            });
            assertThat(wins.get()).as("round %d", round).isEqualTo(1);
            assertThat(ks.contains(bytes("k"))).isFalse();
        }
    }

    @Test
    default void casCountersFromSeveralThreadsReachTheExactTotal() {
        Keyspace ks = defaultKs();
        int threads = 4;
        int increments = 500;
        List<byte[]> counters = new ArrayList<>(List.of(bytes("c0"), bytes("c1")));
        for (byte[] c : counters) {
            ks.put(c, longBytes(0));
        }
        Concurrently.run(threads, t -> {
            byte[] counter = counters.get(t % counters.size());
            for (int i = 0; i < increments; i++) {
                boolean done = false;
                for (int attempt = 0; !done; attempt++) {
                    assertThat(attempt).as("attempts for one increment").isLessThan(100_000);
                    byte[] cur = ks.get(counter);
                    done = ks.compareAndSet(counter, cur, longBytes(toLong(cur) + 1));
                }
            }
        });
        long total = 0;
        for (byte[] c : counters) {
            total += toLong(ks.get(c));
        }
        assertThat(total).isEqualTo((long) threads * increments);
        assertThat(toLong(ks.get(counters.get(0)))).isEqualTo((long) (threads / 2) * increments);
    }
}
