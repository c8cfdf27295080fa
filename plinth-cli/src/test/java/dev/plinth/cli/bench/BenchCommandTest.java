package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.PlinthCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class BenchCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = PlinthCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--keys abc|'--keys'",
        "--keys 0|--keys must be 1 to",
        "--threads 0|--threads must be 1 to 1024, got 0",
        "--duration soon|--duration 'soon' is not a duration",
        "--durability maybe|--durability 'maybe' is not one of",
        "--workloads fillseq,nosuch|unknown workload 'nosuch'",
        "--key-size 4|--key-size must be at least 8",
        "--value-size 3|--value-size must be at least 12",
        "--rounds 0|--rounds must be 1 to 100",
        "nosuch:|unknown engine scheme 'nosuch'",
        "justtext|malformed store URI 'justtext'",
        "--nosuchflag|--nosuchflag"})
    void badFlagsAreOneLineUsageErrors(String args, String expected) {
        Run r = run(("bench " + args).split(" "));
        assertThat(r.exit()).isEqualTo(2);
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).contains(expected);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anLmdbRowThatSyncsEveryCommitIsFlaggedUnlessTheRunAsksForSync() {
        List<String> uris = List.of("mem:", "lmdb:", "lmdb:?noSync=true", "lmdb:");
        assertThat(BenchCommand.labels(uris, DurabilityChoice.WEAKEST)).containsExactly("mem:",
                "lmdb: [fsyncs every commit]", "lmdb:?noSync=true", "lmdb: [fsyncs every commit]#2");
        assertThat(BenchCommand.labels(uris, DurabilityChoice.NONE)).contains("lmdb: [fsyncs every commit]");
        assertThat(BenchCommand.labels(uris, DurabilityChoice.SYNC)).containsExactly("mem:", "lmdb:",
                "lmdb:?noSync=true", "lmdb:#2");
    }

    @Test
    void aNonEmptyDirectoryIsRefused() throws IOException {
        Path d = Files.createDirectories(dir.resolve("data"));
        Files.writeString(d.resolve("precious"), "keep me");
        Run r = run("bench", "rocksdb:" + d);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).contains("refusing to benchmark in", "not an empty directory");
        assertThat(Files.readString(d.resolve("precious"))).isEqualTo("keep me");
    }

    @Test
    void aReportPathThatIsAFileIsRefusedBeforeAnythingRuns() throws IOException {
        Path file = Files.writeString(dir.resolve("report.txt"), "keep me");
        Run r = run("bench", "--report", file.toString(), "--keys", "100", "-d", "10ms", "--warmup", "0", "mem:");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).contains("--report " + file + " is not a directory");
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void aLevelTheEngineDoesNotHonourFailsInOneLine() {
        Run r = run("bench", "--durability", "sync", "--keys", "100", "-d", "10ms", "--warmup", "0", "mem:");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("SYNC").contains("mem");
    }

    @Test
    void helpListsTheFlagsAndWorkloads() {
        Run r = run("bench", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--keys", "--durability", "--report", "ycsb-a", "readwhilewriting");
    }

    @Test
    void durationsAcceptShortForms() {
        assertThat(BenchCommand.parseDuration("-d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(BenchCommand.parseDuration("-d", "2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(BenchCommand.parseDuration("-d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(BenchCommand.parseDuration("-d", "1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(BenchCommand.parseDuration("-d", "PT3S")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aTinyRunThroughTheCommandPrintsTablesAndWritesTheReport() throws IOException {
        Path report = dir.resolve("report");
        Run r = run("bench", "mem:", "--keys", "500", "-d", "20ms", "--warmup", "0", "-w", "fillseq,c",
                "--report", report.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\nfillseq: ", "\nycsb-c: ", "command:        plinth bench mem: --keys 500");
        assertThat(report.resolve("report.md")).exists();
        assertThat(report.resolve("results.csv")).exists();
        assertThat(report.resolve(Charts.OPS_FILE)).exists();
    }

    @Test
    void aDecoratedUriOverAPersistentEngineRunsInItsOwnTemporaryDirectory() {
        Run r = run("bench", "rocksdb:?cache=1m&metrics=true", "--keys", "300", "--ops", "300", "--threads", "1",
                "--warmup", "0", "-w", "fillrandom,readrandom");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\nreadrandom: ", " rocksdb:?cache=1m&metrics=true ");
    }

    @Test
    void anInvalidDecoratorParameterIsOneLine() {
        Run r = run("bench", "mem:?cache=lots", "--keys", "100", "--ops", "10", "--warmup", "0", "-w", "readrandom");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("invalid mem store URI mem:?cache=lots: parameter cache=lots is not a size");
    }
}
