package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors are one line and an exit code; --verbose adds the stack trace; verify reports corruption. */
class ErrorReportingTest {
    @TempDir
    Path tmp;

    @Test
    void anErrorIsOneLineWithoutVerbose() {
        CliRun run = CliRun.run("get", "nosuch:/x", "k");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).containsExactly(
                "plinth: unknown engine scheme 'nosuch' in store URI 'nosuch:/x'; schemes on the class path: "
                        + Plinth.schemes());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void verboseAddsTheStackTrace() {
        for (List<String> args : List.of(List.of("--verbose", "get", "nosuch:/x", "k"),
                List.of("get", "--verbose", "nosuch:/x", "k"))) {
            CliRun run = CliRun.run(args.toArray(String[]::new));
            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines().get(0)).startsWith("plinth: unknown engine scheme 'nosuch'");
            assertThat(run.errLines()).hasSizeGreaterThan(2);
            assertThat(run.err()).contains("IllegalArgumentException").contains("\tat dev.plinth.");
        }
    }

    /**
     * An engine check that could not be made (an {@code lsm:} store beside a writer that kept changing its
     * manifest throws {@link dev.plinth.ConflictException}) is a failure to verify, exit 1, not damage, exit 4.
     */
    @Test
    void verifyWhoseEngineCheckCouldNotBeMadeFailsWithoutCallingTheStoreDamaged() {
        String store = "verify-could-not-check";
        try {
            assertThat(CliRun.run("put", "testmem:" + store, "k", "v").exitCode()).isEqualTo(ExitCode.OK);
            SharedMemEngineProvider.failVerify(store, new dev.plinth.ConflictException("verify of testmem:" + store
                    + " could not check the manifest: a writer kept changing it; verify again"));
            CliRun run = CliRun.run("verify", "testmem:" + store);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILURE);
            assertThat(run.outText()).as(run.toString()).contains("keyspace default: 1 entry")
                    .contains("problem: the check of the store's own files could not be made: verify of testmem:"
                            + store + " could not check the manifest: a writer kept changing it; verify again");
            assertThat(run.err()).contains("verify found 1 problem in testmem:" + store).doesNotContain("damaged");
        } finally {
            SharedMemEngineProvider.reset();
        }
    }

    @Test
    void multiLineMessagesArePrintedAsOneLine() {
        assertThat(PlinthCommand.oneLine("first\n  second\r\nthird\n")).isEqualTo("first; second; third");
    }

    @Test
    void verifyOfADamagedRocksDbStoreFailsInOneLine() throws IOException {
        String uri = "rocksdb:" + tmp.resolve("db");
        byte[] value = new byte[100];
        try (Store s = Plinth.open(uri)) {
            for (int i = 0; i < 2_000; i++) {
                java.util.Arrays.fill(value, (byte) i);
                s.defaultKeyspace().put(String.format("key%06d", i).getBytes(), value);
            }
            s.compact();
        }
        List<Path> tables;
        try (Stream<Path> files = Files.list(tmp.resolve("db"))) {
            tables = files.filter(p -> p.toString().endsWith(".sst")).toList();
        }
        assertThat(tables).isNotEmpty();
        for (Path t : tables) {
            try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
                // Damage data blocks; RocksDB may notice when it opens the table or when verify reads it.
                for (long at = 100; at < Math.min(f.length() / 2, 20_000); at += 997) {
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x5A);
                }
            }
        }

        CliRun run = CliRun.run("verify", uri);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.DAMAGED);
        assertThat(run.errLines()).as(run.toString()).hasSize(1);
        assertThat(run.err()).startsWith("plinth: ");
        assertThat(run.outText() + run.err()).containsIgnoringCase("corrupt");
    }
}
