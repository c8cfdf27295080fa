package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteBatch;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** A store opened read-only refuses every kind of write before the engine sees it, and still reads. */
class ReadOnlyStoreTest {
    private final AtomicInteger applied = new AtomicInteger();

    private Store open(String uri, boolean builderFlag) {
        return Plinth.builder(uri).readOnly(builderFlag).decorate(e -> new ForwardingEngine(e) {
            @Override
            public boolean apply(EngineBatch batch) {
                applied.incrementAndGet();
                return super.apply(batch);
            }
        }).open();
    }

    private static void refused(ThrowingCallable write) {
        assertThatThrownBy(write).isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessageContaining("was opened read-only (readOnly=true)").hasMessageContaining("nothing was written");
    }

    @Test
    void everyWritePathIsRefusedAndNothingReachesTheEngine() {
        for (Store store : new Store[] {open("mem:", true), open("mem:?readOnly=true", false)}) {
            try (store) {
                Keyspace ks = store.defaultKeyspace();
                byte[] k = {1};
                refused(() -> ks.put(k, k));
                assertThatThrownBy(() -> ks.put(k, k)).hasMessageStartingWith("Store ")
                        .hasMessageContaining("writing key " + Bytes.hex(k) + " in keyspace 'default'");
                refused(() -> ks.delete(k));
                refused(() -> ks.deleteRange(Range.all()));
                refused(() -> ks.compareAndSet(k, null, k));
                refused(() -> store.write(new WriteBatch().put(ks, k, k)));
                refused(() -> store.createKeyspace("new"));
                refused(() -> store.dropKeyspace("other"));
                refused(store::compact);
                refused(() -> {
                    try (Transaction tx = store.begin(Isolation.SNAPSHOT)) {
                        tx.put(ks, k, k);
                        tx.commit();
                    }
                });
                assertThat(applied).hasValue(0);
                assertThat(ks.get(k)).isNull();
                assertThat(store.verify()).isEmpty();
                store.flush();
            }
        }
    }

    @Test
    void readOnlyIsAParameterOfEveryStoreAndMustBeTrueOrFalse() {
        assertThatThrownBy(() -> Plinth.open("mem:?readOnly=yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readOnly=yes must be true or false");
        try (Store s = Plinth.open("mem:?readOnly=false")) {
            s.defaultKeyspace().put(new byte[] {1}, new byte[] {2});
        }
    }
}
