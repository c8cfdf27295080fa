package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.keys.KeyWriter;
import dev.plinth.raftlog.testkit.RaftLogStorageContract;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the store-backed implementation writes, and how it meets damaged or changing data. */
class RaftLogOnStoreInternalsTest {
    private final Store mem = Plinth.open("mem:");
    private final List<WriteBatch> writes = new ArrayList<>();
    /** The store, seen through a proxy that records every batch written. */
    private final Store recorded = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(),
            new Class<?>[] {Store.class}, (proxy, method, args) -> {
                if (method.getName().equals("write")) {
                    writes.add((WriteBatch) args[0]);
                }
                try {
                    return method.invoke(mem, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final RaftStorage s = RaftLogs.onStore(recorded);
    private static final Durability D = Durability.NONE;

    @AfterEach
    void close() {
        s.close();
        mem.close();
    }

    @Test
    void replaceFromIsOneBatchThatDeletesTheOldSuffixAndPutsTheNewOne() {
        s.append(1, RaftLogStorageContract.run(1, 10, 1), D);
        writes.clear();
        s.replaceFrom(1, 4, RaftLogStorageContract.run(4, 5, 2), D);
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).operations()).extracting(o -> o.kind().name())
                .containsExactly("DELETE_RANGE", "PUT", "PUT");
    }

    @Test
    void purgeIsOneBatchWithTheBoundary() {
        s.append(1, RaftLogStorageContract.run(1, 10, 1), D);
        writes.clear();
        s.purge(1, 4, D);
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).operations()).extracting(o -> o.keyspace().name() + " " + o.kind())
                .containsExactly(RaftLogs.ENTRIES_KEYSPACE + " DELETE_RANGE", RaftLogs.BOUNDS_KEYSPACE + " PUT");
    }

    @Test
    void entriesAreStoredUnderTheSharedKeyEncoding() {
        s.append(0x0102, List.of(new LogEntry(1, 7, new byte[] {9})), D);
        byte[] key = new KeyWriter().writeFixedLong(0x0102).writeFixedLong(1).toByteArray();
        assertThat(HexFormat.of().formatHex(key)).isEqualTo("0000000000000102" + "0000000000000001");
        assertThat(mem.keyspace(RaftLogs.ENTRIES_KEYSPACE).get(key))
                .isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 7, 9});
    }

    @Test
    void aDamagedEntryIsReportedNeverReturned() {
        s.append(1, RaftLogStorageContract.run(1, 3, 1), D);
        byte[] key = new KeyWriter().writeFixedLong(1).writeFixedLong(2).toByteArray();
        mem.keyspace(RaftLogs.ENTRIES_KEYSPACE).put(key, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> s.entry(1, 2)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("index 2 of group 1");
        assertThatThrownBy(() -> s.termAt(1, 2)).isInstanceOf(CorruptionException.class);
        assertThatThrownBy(() -> s.entries(1, 1, 4)).isInstanceOf(CorruptionException.class);
    }

    @Test
    void aDamagedBoundaryOrHardStateIsReported() {
        mem.keyspace(RaftLogs.BOUNDS_KEYSPACE).put(new KeyWriter().writeFixedLong(5).toByteArray(), new byte[3]);
        mem.keyspace(RaftLogs.META_KEYSPACE).put(new byte[] {0, 0, 0, 0, 0, 0, 0, 5, 0}, new byte[5]);
        RaftStorage fresh = RaftLogs.onStore(mem);
        assertThatThrownBy(() -> fresh.lastIndex(5)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("purge boundary of group 5");
        assertThatThrownBy(() -> fresh.loadHardState(5)).isInstanceOf(CorruptionException.class);
        fresh.close();
    }

    @Test
    void aMissingEntryInsideTheLogIsCorruption() {
        s.append(1, RaftLogStorageContract.run(1, 3, 1), D);
        mem.keyspace(RaftLogs.ENTRIES_KEYSPACE).delete(new KeyWriter().writeFixedLong(1).writeFixedLong(2).toByteArray());
        assertThatThrownBy(() -> s.entry(1, 2)).isInstanceOf(CorruptionException.class);
        assertThatThrownBy(() -> s.termAt(1, 2)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("index 2").hasMessageContaining("the store has none");
    }

    @Test
    void aReaderSeesATruncationAsAnErrorNotAShortRead() {
        // The range moves before the reader's view is taken: a second storage on the same store still holds the
        // bounds it loaded when the first one truncates. (A truncate through the reader's own storage after the
        // reader was created is invisible to it: RaftLogOnStoreReaderViewTest.)
        s.append(1, RaftLogStorageContract.run(1, 10, 1), D);
        RaftStorage stale = RaftLogs.onStore(mem);
        assertThat(stale.lastIndex(1)).isEqualTo(10);
        s.truncate(1, 6, D);
        try (LogReader r = stale.entries(1, 1, 11, Long.MAX_VALUE)) {
            for (int i = 1; i <= 5; i++) {
                assertThat(r.next()).isTrue();
            }
            assertThatThrownBy(r::next).isInstanceOf(LogIndexOutOfRangeException.class)
                    .hasMessageContaining("Group 1 on mem:").hasMessageContaining("no entry at index 6")
                    .hasMessageContaining("truncated or purged");
        }
        s.purge(1, 2, D);
        try (LogReader r = stale.entries(1, 1, 6, Long.MAX_VALUE)) {
            assertThatThrownBy(r::next).isInstanceOf(LogIndexOutOfRangeException.class)
                    .hasMessageContaining("no entry at index 1").hasMessageContaining("truncated or purged");
        }
        stale.close();
    }

    @Test
    void aReaderFailsOnceTheStorageIsClosed() {
        s.append(1, RaftLogStorageContract.run(1, 3, 1), D);
        LogReader r = s.entries(1, 1, 4, 100);
        s.close();
        assertThatThrownBy(r::next).isInstanceOf(dev.plinth.StoreClosedException.class);
        r.close();
    }

    @Test
    void anUnhonouredDurabilityIsRejectedBeforeAnythingChanges() {
        assertThatThrownBy(() -> s.append(1, RaftLogStorageContract.run(1, 3, 1), Durability.SYNC))
                .isInstanceOf(dev.plinth.UnsupportedCapabilityException.class);
        assertThat(s.lastIndex(1)).isZero();
        assertThat(mem.keyspace(RaftLogs.ENTRIES_KEYSPACE).scan(dev.plinth.Range.all(),
                dev.plinth.ScanOptions.forward())).isEmpty();
    }
}
