package dev.plinth.raftlog;

import static dev.plinth.raftlog.testkit.RaftLogStorageContract.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.keys.KeyWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader of the log on a store reads the one view of the store taken when {@link LogStore#entries} returned: a
 * truncate, replace or purge made after that never changes what it yields, and, within that view, a missing index
 * between two entries it holds is damage, not a truncate or purge.
 */
class RaftLogOnStoreReaderViewTest {
    private static final long GROUP = 1;
    private static final Durability D = Durability.NONE;

    @TempDir
    Path dir;

    private Store open(String engine) {
        return Plinth.open(engine.equals("mem") ? "mem:" : engine + ":" + dir.resolve(engine));
    }

    private static List<LogEntry> readAll(LogReader r) {
        List<LogEntry> read = new ArrayList<>();
        while (r.next()) {
            read.add(r.entry());
        }
        return read;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "lsm", "lmdb", "rocksdb"})
    void aReplaceAfterTheReaderWasCreatedDoesNotChangeWhatItYields(String engine) {
        try (Store store = open(engine); RaftStorage log = RaftLogs.onStore(store)) {
            log.append(GROUP, run(1, 10, 1), D);
            try (LogReader r = log.entries(GROUP, 5, 11, Long.MAX_VALUE)) {
                log.replaceFrom(GROUP, 5, run(5, 10, 2), D);
                assertThat(readAll(r)).containsExactlyElementsOf(run(5, 10, 1));
            }
            assertThat(log.entries(GROUP, 5, 11)).containsExactlyElementsOf(run(5, 10, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "lsm"})
    void aTruncateOrPurgeAfterTheReaderWasCreatedDoesNotCutItShort(String engine) {
        try (Store store = open(engine); RaftStorage log = RaftLogs.onStore(store)) {
            log.append(GROUP, run(1, 10, 1), D);
            try (LogReader truncated = log.entries(GROUP, 1, 11, Long.MAX_VALUE)) {
                log.truncate(GROUP, 3, D);
                try (LogReader purged = log.entries(GROUP, 1, 3, Long.MAX_VALUE)) {
                    log.purge(GROUP, 2, D);
                    assertThat(readAll(purged)).containsExactlyElementsOf(run(1, 2, 1));
                }
                assertThat(readAll(truncated)).containsExactlyElementsOf(run(1, 10, 1));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "lsm"})
    void anIndexMissingBetweenTwoStoredEntriesIsCorruption(String engine) {
        try (Store store = open(engine); RaftStorage log = RaftLogs.onStore(store)) {
            log.append(GROUP, run(1, 10, 1), D);
            store.keyspace(RaftLogs.ENTRIES_KEYSPACE)
                    .delete(new KeyWriter().writeFixedLong(GROUP).writeFixedLong(7).toByteArray());
            try (LogReader r = log.entries(GROUP, 5, 11, Long.MAX_VALUE)) {
                assertThat(r.next()).isTrue();
                assertThat(r.next()).isTrue();
                assertThatThrownBy(r::next).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining("group " + GROUP).hasMessageContaining(store.uri().toString())
                        .hasMessageContaining("expected index 7").hasMessageContaining("found index 8");
            }
        }
    }
}
