package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Limits at the boundary: the limit itself is accepted, one more is refused and nothing is written. */
class SizeLimitedEngineTest {
    private static final int KEY = 16;
    private static final int VALUE = 100;
    private static final int OPS = 3;
    private static final long BYTES = 300;

    private final AtomicReference<Engine> top = new AtomicReference<>();

    private Store open() {
        return Plinth.builder("mem:")
                .decorate(EngineDecorators.builder().name("the size test store").sizeLimits(KEY, VALUE, OPS, BYTES)
                        .build())
                .decorate(e -> {
                    top.set(e);
                    return e;
                })
                .open();
    }

    private static LimitExceededException.Limit limitOf(Throwable t) {
        return ((LimitExceededException) t).limit();
    }

    @Test
    void theStoreReportsAndEnforcesTheLimitsBeforeWriting() {
        try (Store store = open()) {
            Keyspace ks = store.defaultKeyspace();
            assertThat(store.capabilities().maxKeySize()).isEqualTo(KEY);
            assertThat(store.capabilities().maxBatchOps()).isEqualTo(OPS);
            assertThat(store.capabilities().maxBatchBytes()).isEqualTo(BYTES);
            int maxValue = store.capabilities().maxValueSize();
            assertThat(maxValue).isLessThan(VALUE).isGreaterThan(VALUE - 20); // the value header is counted

            ks.put(new byte[KEY], new byte[maxValue]);
            assertThatThrownBy(() -> ks.put(new byte[KEY + 1], new byte[1]))
                    .satisfies(t -> assertThat(limitOf(t)).isEqualTo(LimitExceededException.Limit.KEY_SIZE));
            assertThatThrownBy(() -> ks.put(new byte[] {1}, new byte[maxValue + 1]))
                    .satisfies(t -> assertThat(limitOf(t)).isEqualTo(LimitExceededException.Limit.VALUE_SIZE));

            WriteBatch three = new WriteBatch().put(ks, new byte[] {2}, new byte[1])
                    .put(ks, new byte[] {3}, new byte[1]).put(ks, new byte[] {4}, new byte[1]);
            assertThat(store.write(three)).isTrue();
            WriteBatch four = new WriteBatch().put(ks, new byte[] {5}, new byte[1]).put(ks, new byte[] {6}, new byte[1])
                    .put(ks, new byte[] {7}, new byte[1]).put(ks, new byte[] {8}, new byte[1]);
            assertThatThrownBy(() -> store.write(four))
                    .satisfies(t -> assertThat(limitOf(t)).isEqualTo(LimitExceededException.Limit.BATCH_OPS));
            assertThat(ks.get(new byte[] {5})).isNull();
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(4);

            // three largest keys, two largest values and the rest of the batch's bytes
            int rest = (int) BYTES - 3 * KEY - 2 * maxValue;
            assertThat(rest).isBetween(1, maxValue);
            assertThat(store.write(batchOf(ks, (byte) 10, maxValue, rest))).isTrue();
            assertThatThrownBy(() -> store.write(batchOf(ks, (byte) 20, maxValue, rest + 1)))
                    .satisfies(t -> assertThat(limitOf(t)).isEqualTo(LimitExceededException.Limit.BATCH_BYTES));
            assertThat(ks.get(key((byte) 20))).isNull();
        }
    }

    private static byte[] key(byte first) {
        byte[] k = new byte[KEY];
        k[0] = first;
        return k;
    }

    private static WriteBatch batchOf(Keyspace ks, byte first, int maxValue, int last) {
        return new WriteBatch().put(ks, key(first), new byte[maxValue]).put(ks, key((byte) (first + 1)),
                new byte[maxValue]).put(ks, key((byte) (first + 2)), new byte[last]);
    }

    @Test
    void theEngineItselfRefusesABatchOverTheLimitsWithAMessageNamingStoreAndKey() {
        try (Store store = open()) {
            Engine engine = top.get();
            var ks = engine.keyspace(store.defaultKeyspace().name());
            EngineBatch tooLongKey = EngineBatch.builder(Durability.NONE).put(ks, "0123456789abcdefXYZ".getBytes(),
                    new byte[1]).build();
            assertThatThrownBy(() -> engine.apply(tooLongKey))
                    .isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("a key of 19 bytes is over the 16-byte limit")
                    .hasMessageContaining("\"0123456789abcdefXYZ\"")
                    .hasMessageContaining("the size test store");
            EngineBatch tooBig = EngineBatch.builder(Durability.NONE).put(ks, new byte[] {1}, new byte[VALUE + 1])
                    .build();
            assertThatThrownBy(() -> engine.apply(tooBig))
                    .satisfies(t -> assertThat(limitOf(t)).isEqualTo(LimitExceededException.Limit.VALUE_SIZE));
            EngineBatch.Builder many = EngineBatch.builder(Durability.NONE);
            for (int i = 0; i < 5; i++) {
                many.put(ks, new byte[] {(byte) i}, new byte[90]);
            }
            assertThatThrownBy(() -> engine.apply(many.build()))
                    .satisfies(t -> assertThat(limitOf(t)).isEqualTo(LimitExceededException.Limit.BATCH_OPS));
        }
    }

    @Test
    void limitsAboveTheEnginesOwnLeaveTheEnginesOwn() {
        try (Store plain = Plinth.open("mem:");
             Store limited = Plinth.builder("mem:")
                     .decorate(EngineDecorators.builder().sizeLimits(Integer.MAX_VALUE, Integer.MAX_VALUE,
                             Integer.MAX_VALUE, Long.MAX_VALUE).build()).open()) {
            assertThat(limited.capabilities().maxKeySize()).isEqualTo(plain.capabilities().maxKeySize());
            assertThat(limited.capabilities().maxValueSize()).isEqualTo(plain.capabilities().maxValueSize());
            assertThat(limited.capabilities().maxBatchOps()).isEqualTo(plain.capabilities().maxBatchOps());
        }
    }
}
