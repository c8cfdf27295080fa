package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code plinth raftlog bench}: its usage errors, a short run of each kind of log, and where it writes. */
class RaftLogBenchCommandTest {
    @TempDir
    Path dir;

    private static BenchCommandTest.Run run(String... args) {
        return BenchCommandTest.run(args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--groups 0|--groups values must be 1 to 1024, got 0",
        "--batch x|--batch 'x' is not a comma-separated list of numbers",
        "--entry-size 8|--entry-size must be 16 to",
        "--durability maybe|--durability 'maybe' is not one of sync, process, none",
        "--duration soon|--duration 'soon' is not a duration",
        "--batches 0|--batches must be at least 1, got 0",
        "--depth -1|--depth must be 0 to 1024, got -1",
        "--depth 4 --durability none|--depth 4 pipelines durable appends (appendAsync); it needs --durability sync",
        "nosuch:|unknown log scheme 'nosuch'",
        "justtext|malformed log URI 'justtext'"})
    void badFlagsAreOneLineUsageErrors(String args, String expected) {
        BenchCommandTest.Run r = run(("raftlog bench " + args).split(" "));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).contains(expected);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aShortRunOfEachKindOfLogPrintsBothTablesAndChecksWhatItReads() {
        Path keep = dir.resolve("kept");
        BenchCommandTest.Run r = run("raftlog", "bench", "shared:", "segmented:?compression=lz4", "lsm:" + keep,
                "--groups", "1,2", "--batch", "64", "--batches", "170", "--warmup", "0", "--reads", "500");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("command:        plinth raftlog bench shared: segmented:?compression=lz4",
                "\nappend (all groups together", "\nreads and purges");
        // 170 batches of 64 in group 1: 10,880 entries, enough for one purge of 10,000.
        assertThat(r.out().lines().filter(l -> l.startsWith("  segmented:?compression=lz4 ")).count()).isEqualTo(4);
        assertThat(r.out()).containsPattern("  shared: +1 +64 +10,880 .* 1\\n");
        // An explicit path keeps each cell's log; a bare scheme's temporary directory is gone.
        assertThat(keep.resolve("g1-b64")).isDirectory();
        assertThat(keep.resolve("g2-b64")).isDirectory();
    }

    @Test
    void pipelinedAppendsCountEveryBatchOnceItsFutureCompletes() {
        BenchCommandTest.Run r = run("raftlog", "bench", "shared:", "segmented:", "--depth", "4", "--groups", "1",
                "--batch", "64", "--batches", "170", "--warmup", "0", "--reads", "500");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("appends pipelined with appendAsync, 4 batches in flight per group");
        // Every batch is waited for: 170 batches of 64, 10,880 entries, read back and checked, one purge.
        assertThat(r.out()).containsPattern("  shared: +1 +64 +10,880 .* 1\\n");
        assertThat(r.out()).containsPattern("  segmented: +1 +64 +10,880 .* 1\\n");
    }

    @Test
    void aLevelTheEngineDoesNotHonourFailsInOneLine() {
        BenchCommandTest.Run r = run("raftlog", "bench", "mem:", "--batches", "1", "--warmup", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("SYNC").contains("mem");
    }

    @Test
    void aNonEmptyDirectoryIsRefused() throws IOException {
        Path d = Files.createDirectories(dir.resolve("data"));
        Files.writeString(d.resolve("precious"), "keep me");
        BenchCommandTest.Run r = run("raftlog", "bench", "shared:" + d);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).contains("refusing to benchmark in",
                "not an empty directory");
        assertThat(Files.readString(d.resolve("precious"))).isEqualTo("keep me");
    }

    @Test
    void timesKeepThreeFigures() {
        assertThat(RaftLogBenchCommand.time(812)).isEqualTo("812 ns");
        assertThat(RaftLogBenchCommand.time(12_345)).isEqualTo("12.3 us");
        assertThat(RaftLogBenchCommand.time(1_254_000)).isEqualTo("1.25 ms");
        assertThat(RaftLogBenchCommand.time(2_000_000_000L)).isEqualTo("2.00 s");
    }
}
