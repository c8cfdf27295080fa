package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.keys.KeyWriter;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming read of the log on a store reads each entry from the bytes its cursor lends (on {@code lsm:} and
 * {@code lmdb:}, whose engine cursors lend their entries, the core lends them out of an arena it reuses batch after
 * batch): every entry returned must own its payload, and damage met in the lent bytes must be reported with the
 * group and index, never returned. Each test runs on both engines.
 */
class RaftLogOnStoreLentReadTest {
    private static final long GROUP = 3;
    private static final Durability D = Durability.NONE;

    @TempDir
    Path dir;
    private Store store;
    private RaftStorage log;

    /** The engines whose cursors lend their entries ({@code EngineCursor.lendsEntries()}): the reads under test. */
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest
    @ValueSource(strings = {"lsm", "lmdb"})
    @interface OnLendingEngines {
    }

    private void open(String engine) {
        // On lsm:, a small memtable, so that most entries are read from sorted files, the others from the memtable.
        store = Plinth.open(engine.equals("lsm") ? "lsm:" + dir.resolve("lsm") + "?memtableSize=8k"
                : engine + ":" + dir.resolve(engine));
        log = RaftLogs.onStore(store);
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Entries 1 to n, each payload its own bytes and of its own length (0 to 60 bytes). */
    private static List<LogEntry> distinct(int n) {
        List<LogEntry> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            byte[] payload = new byte[(i * 7) % 61];
            for (int b = 0; b < payload.length; b++) {
                payload[b] = (byte) (i * 31 + b);
            }
            list.add(new LogEntry(i, 1 + i / 100, payload));
        }
        return list;
    }

    private static byte[] entryKey(long group, long index) {
        return new KeyWriter().writeFixedLong(group).writeFixedLong(index).toByteArray();
    }

    @OnLendingEngines
    void everyEntryReadKeepsItsOwnPayloadAfterTheReaderMovesOn(String engine) {
        open(engine);
        List<LogEntry> written = distinct(500);
        log.append(GROUP, written.subList(0, 250), D);
        log.flush();
        log.append(GROUP, written.subList(250, 500), D);
        List<LogEntry> read = new ArrayList<>();
        try (LogReader r = log.entries(GROUP, 1, 501, Long.MAX_VALUE)) {
            while (r.next()) {
                read.add(r.entry());
            }
        }
        // Compared only once the whole range was read: an entry over the cursor's lent bytes would by now hold a
        // later entry's payload.
        assertThat(read).containsExactlyElementsOf(written);
    }

    @OnLendingEngines
    void theBudgetStopsAtTheLastWholeEntryThatFits(String engine) {
        open(engine);
        List<LogEntry> written = distinct(40);
        log.append(GROUP, written, D);
        long budget = 0;
        for (LogEntry e : written.subList(9, 29)) { // indexes 10 to 29
            budget += e.size();
        }
        List<LogEntry> read = new ArrayList<>();
        try (LogReader r = log.entries(GROUP, 10, 41, budget + written.get(29).size() - 1)) {
            while (r.next()) {
                read.add(r.entry());
            }
            assertThat(r.next()).isFalse();
        }
        assertThat(read).containsExactlyElementsOf(written.subList(9, 29));
    }

    @OnLendingEngines
    void aDamagedValueMetByTheReaderIsReportedWithItsGroupAndIndex(String engine) {
        open(engine);
        log.append(GROUP, distinct(100), D);
        store.keyspace(RaftLogs.ENTRIES_KEYSPACE).put(entryKey(GROUP, 60), new byte[] {1, 2, 3});
        try (LogReader r = log.entries(GROUP, 50, 70, Long.MAX_VALUE)) {
            for (int i = 50; i < 60; i++) {
                assertThat(r.next()).isTrue();
                assertThat(r.entry().index()).isEqualTo(i);
            }
            assertThatThrownBy(r::next).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("index 60 of group " + GROUP).hasMessageContaining("3 bytes");
        }
        store.keyspace(RaftLogs.ENTRIES_KEYSPACE).put(entryKey(GROUP, 61), new byte[] {-1, 0, 0, 0, 0, 0, 0, 0, 5});
        try (LogReader r = log.entries(GROUP, 61, 62, Long.MAX_VALUE)) {
            assertThatThrownBy(r::next).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("index 61 of group " + GROUP).hasMessageContaining("negative term");
        }
    }

    @OnLendingEngines
    void aStrayKeyAmongTheEntriesIsReportedNeverSkipped(String engine) {
        open(engine);
        log.append(GROUP, distinct(20), D);
        byte[] stray = new KeyWriter().writeFixedLong(GROUP).writeFixedLong(5).writeRaw(new byte[] {0}).toByteArray();
        store.keyspace(RaftLogs.ENTRIES_KEYSPACE).put(stray, new byte[8]);
        try (LogReader r = log.entries(GROUP, 4, 10, Long.MAX_VALUE)) {
            assertThat(r.next()).isTrue();
            assertThat(r.next()).isTrue();
            assertThatThrownBy(r::next).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("group " + GROUP).hasMessageContaining("17 bytes instead of 16")
                    .hasMessageContaining("where the entry at index 6 was expected");
        }
        // The same key met as the group's last entry, when a fresh storage loads the group's bounds.
        store.keyspace(RaftLogs.ENTRIES_KEYSPACE).put(
                new KeyWriter().writeFixedLong(GROUP).writeFixedLong(99).writeRaw(new byte[] {0}).toByteArray(),
                new byte[8]);
        try (RaftStorage fresh = RaftLogs.onStore(store)) {
            assertThatThrownBy(() -> fresh.lastIndex(GROUP)).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("group " + GROUP).hasMessageContaining("where its last entry was expected");
        }
    }
}
