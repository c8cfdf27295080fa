package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dump then load, through the command, gives back every keyspace and entry, checked key by key. */
class DumpLoadRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void rocksDbDumpLoadedIntoLmdbHoldsEveryEntry() throws Exception {
        String src = "rocksdb:" + tmp.resolve("src");
        String dst = "lmdb:" + tmp.resolve("dst");
        Path file = tmp.resolve("src.dump");
        Map<String, Map<String, String>> written = StoreContents.fillRandom(src, StoreContents.seed());

        CliRun dump = CliRun.run("dump", src, file.toString());
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        assertThat(dump.err()).isEmpty();
        CliRun load = CliRun.run("load", dst, file.toString());
        assertThat(load.exitCode()).as(load.toString()).isZero();
        assertThat(load.err()).isEmpty();
        long entries = written.values().stream().mapToLong(Map::size).sum();
        assertThat(load.outText()).contains("loaded 4 keyspaces, " + StoreContents.count(entries) + " entries")
                .contains("key by key (" + StoreContents.count(entries) + " entries)");

        assertThat(StoreContents.read(dst)).isEqualTo(written);
        assertThat(StoreContents.read(src)).isEqualTo(written);
    }

    @Test
    void dumpToStandardOutputLoadsFromStandardInput() {
        String src = "rocksdb:" + tmp.resolve("src");
        String dst = "rocksdb:" + tmp.resolve("dst");
        Map<String, Map<String, String>> written = StoreContents.fillRandom(src, StoreContents.seed());

        CliRun dump = CliRun.run("dump", src, "-");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        // The report goes to standard error; standard output carries only the dump.
        assertThat(dump.err()).startsWith("dumped 4 keyspaces, ").endsWith(" from " + src + " to standard output\n");
        CliRun load = CliRun.runWithInput(dump.out(), "load", dst, "-");
        assertThat(load.exitCode()).as(load.toString()).isZero();

        assertThat(StoreContents.read(dst)).isEqualTo(written);
    }

    @Test
    void theSameContentsGiveTheSameDumpBytes() throws Exception {
        String a = "rocksdb:" + tmp.resolve("a");
        String b = "lmdb:" + tmp.resolve("b");
        long seed = StoreContents.seed();
        StoreContents.fillRandom(a, seed);
        StoreContents.fillRandom(b, seed);

        assertThat(CliRun.run("dump", a, tmp.resolve("a.dump").toString()).exitCode()).isZero();
        assertThat(CliRun.run("dump", b, tmp.resolve("b.dump").toString()).exitCode()).isZero();

        assertThat(Files.readAllBytes(tmp.resolve("b.dump"))).isEqualTo(Files.readAllBytes(tmp.resolve("a.dump")));
    }

    /** A dump file gets the mode the umask gives any new file, not a temporary file's 0600. */
    @Test
    void aDumpFileHasTheModeTheUmaskGivesNewFiles() throws Exception {
        String src = "rocksdb:" + tmp.resolve("mode-src");
        StoreContents.fillRandom(src, 1);
        Path file = tmp.resolve("mode.dump");
        CliRun dump = CliRun.run("dump", src, file.toString());
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        Path plain = Files.createFile(tmp.resolve("plain-new-file"));
        assertThat(Files.getPosixFilePermissions(file)).as("the dump's mode")
                .isEqualTo(Files.getPosixFilePermissions(plain));
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
