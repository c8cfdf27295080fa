package dev.plinth.bench.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.internal.segment.EntryCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LZ4 append benchmark does what it says once per case: its text payloads are stored compressed and its random
 * ones as they are, and appends land. No timing here.
 */
class RaftLogCompressionBenchmarkTest {

    @ParameterizedTest
    @CsvSource({"segmented,lz4,text", "segmented,none,random", "shared,lz4,random", "shared,none,text"})
    void appendsBatchesAndClosesCleanly(String log, String compression, String payload) throws Exception {
        RaftLogCompressionBenchmark b = new RaftLogCompressionBenchmark();
        b.log = log;
        b.compression = compression;
        b.payload = payload;
        b.durability = "NONE";
        b.setUp();
        try {
            for (int i = 0; i < 5; i++) {
                b.append();
            }
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @CsvSource({"text,true", "random,false"})
    void textPayloadsCompressAndRandomOnesDoNot(String payload, boolean compresses) {
        for (byte[] p : RaftLogCompressionBenchmark.payloads(payload, 1)) {
            assertThat(p).hasSize(RaftLogCompressionBenchmark.ENTRY_BYTES);
            int stored = EntryCodec.store(new LogEntry(1, 1, p), true).recordBytes();
            int plain = EntryCodec.store(new LogEntry(1, 1, p), false).recordBytes();
            if (compresses) {
                assertThat(stored).isLessThan(plain);
            } else {
                assertThat(stored).isEqualTo(plain);
            }
        }
    }
}
