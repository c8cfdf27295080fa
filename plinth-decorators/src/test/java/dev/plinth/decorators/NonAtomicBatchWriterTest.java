package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunks within the store's limits, in order, with counts; a failure says what was and was not written. */
class NonAtomicBatchWriterTest {
    /** Records the size of every batch; fails the batch numbered {@code failAt} (from 1), if set. */
    static final class RecordingEngine extends ForwardingEngine {
        final List<Integer> sizes = new ArrayList<>();
        int failAt;

        RecordingEngine(Engine delegate) {
            super(delegate);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            if (sizes.size() + 1 == failAt) {
                sizes.add(-batch.mutations().size());
                throw new StorageIOException("injected failure of a write to the test store");
            }
            sizes.add(batch.mutations().size());
            return super.apply(batch);
        }
    }

    private final RecordingEngine[] engine = new RecordingEngine[1];

    private Store open() {
        return Plinth.builder("mem:").decorate(e -> engine[0] = new RecordingEngine(e))
                .decorate(EngineDecorators.builder().sizeLimits(64, 1000, 4, 100).build()).open();
    }

    private static byte[] key(int i) {
        return String.format("k%03d", i).getBytes();
    }

    @Test
    void writesEverythingInChunksTheStoreAccepts() {
        try (Store store = open()) {
            Keyspace ks = store.defaultKeyspace();
            NonAtomicBatchWriter w = NonAtomicBatchWriter.over(store);
            for (int i = 0; i < 10; i++) {
                w.put(ks, key(i), new byte[10]); // 14 bytes each: 4 fit by count (56 bytes)
            }
            assertThat(w.chunksWritten()).isEqualTo(2);
            assertThat(w.pending()).isEqualTo(2);
            w.put(ks, key(10), new byte[90]); // 94 bytes: does not fit with two others
            w.close();
            w.close();
            assertThat(engine[0].sizes).containsExactly(4, 4, 2, 1);
            assertThat(w.chunksWritten()).isEqualTo(4);
            assertThat(w.operationsWritten()).isEqualTo(11);
            assertThat(w.bytesWritten()).isEqualTo(10 * 14 + 94);
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(11);
            assertThatThrownBy(() -> w.put(ks, key(99), new byte[1])).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void deletesAndRangeDeletesAreChunkedInOrder() {
        try (Store store = open()) {
            Keyspace ks = store.defaultKeyspace();
            try (NonAtomicBatchWriter w = NonAtomicBatchWriter.over(store, WriteOptions.durability(Durability.NONE))) {
                for (int i = 0; i < 6; i++) {
                    w.put(ks, key(i), new byte[1]);
                }
                w.delete(ks, key(0));
                w.deleteRange(ks, Range.of(key(2), key(4)));
                w.put(ks, key(3), new byte[1]); // after the range delete, so it stays
            }
            assertThat(ks.get(key(0))).isNull();
            assertThat(ks.get(key(1))).isNotNull();
            assertThat(ks.get(key(2))).isNull();
            assertThat(ks.get(key(3))).isNotNull();
            assertThat(ks.get(key(5))).isNotNull();
        }
    }

    @Test
    void aFailedChunkSaysWhatWasWrittenAndWhatWasNot() {
        try (Store store = open()) {
            Keyspace ks = store.defaultKeyspace();
            engine[0].failAt = 2;
            NonAtomicBatchWriter w = NonAtomicBatchWriter.over(store);
            for (int i = 0; i < 4; i++) {
                w.put(ks, key(i), new byte[1]);
            }
            assertThatThrownBy(() -> {
                for (int i = 4; i < 9; i++) {
                    w.put(ks, key(i), new byte[1]);
                }
            }).isInstanceOfSatisfying(PartialWriteException.class, e -> {
                assertThat(e.written()).isEqualTo(4);
                assertThat(e.notWritten()).isEqualTo(4);
                assertThat(e).hasMessageContaining("mem:").hasMessageContaining("stay written")
                        .hasCauseInstanceOf(StorageIOException.class);
            });
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(4);
        }
    }

    @Test
    void anOperationLargerThanAChunkIsRefusedByTheStore() {
        try (Store store = open()) {
            NonAtomicBatchWriter w = NonAtomicBatchWriter.over(store);
            w.put(store.defaultKeyspace(), key(1), new byte[200]);
            assertThatThrownBy(w::flush).isInstanceOf(PartialWriteException.class)
                    .hasCauseInstanceOf(LimitExceededException.class);
        }
    }
}
