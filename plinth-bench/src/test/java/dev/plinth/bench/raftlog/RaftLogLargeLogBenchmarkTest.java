package dev.plinth.bench.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The large-log benchmark on a small data set: {@code main} builds it, the benchmark opens it, and each operation
 * does what it says once. No timing here.
 */
class RaftLogLargeLogBenchmarkTest {
    private static final long ENTRIES = 20_000;

    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty(RaftLogLargeLogBenchmark.DATA_PROPERTY);
        System.clearProperty(RaftLogLargeLogBenchmark.ENTRIES_PROPERTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented", "plinth-lsm"})
    void entries10kReadsTenThousandEntriesAndPurgeRemovesTenThousand(String log) throws Exception {
        System.setProperty(RaftLogLargeLogBenchmark.ENTRIES_PROPERTY, Long.toString(ENTRIES));
        System.setProperty(RaftLogLargeLogBenchmark.DATA_PROPERTY, dir.toString());
        RaftLogLargeLogBenchmark.main(new String[] {dir.toString(), log});

        RaftLogLargeLogBenchmark b = new RaftLogLargeLogBenchmark();
        b.log = log;
        b.setUp();
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(b.entries10k()).isEqualTo((long) RaftLogLargeLogBenchmark.READ
                        * RaftLogLargeLogBenchmark.ENTRY_BYTES);
            }
            assertThat(b.entry().size()).isEqualTo(RaftLogLargeLogBenchmark.ENTRY_BYTES);
            assertThat(b.lastIndex()).isEqualTo(ENTRIES);
            assertThat(b.purge10k()).isEqualTo(RaftLogLargeLogBenchmark.PURGE);
        } finally {
            b.tearDown();
        }
    }
}
