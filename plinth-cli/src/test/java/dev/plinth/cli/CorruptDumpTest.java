package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged dump is refused with one line and exit code 1, before anything is written: every single
 * damaged byte, every truncation, and bytes after the trailer.
 */
class CorruptDumpTest {
    @TempDir
    Path tmp;

    private byte[] dump;
    private int attempt;

    @BeforeEach
    void makeDump() throws Exception {
        String src = "rocksdb:" + tmp.resolve("src");
        try (Store s = Plinth.open(src)) {
            s.defaultKeyspace().put(new byte[] {'a'}, new byte[] {'1'});
            s.defaultKeyspace().put(new byte[] {'b', 0}, new byte[0]);
            s.createKeyspace("users").put(new byte[] {(byte) 0xFF}, new byte[] {'x', 'y', 'z'});
            s.createKeyspace("void");
        }
        Path file = tmp.resolve("good.dump");
        assertThat(CliRun.run("dump", src, file.toString()).exitCode()).isZero();
        dump = Files.readAllBytes(file);
    }

    @Test
    void theUndamagedDumpLoads() throws Exception {
        CliRun run = load(dump);
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void everyDamagedByteIsRefused() throws Exception {
        for (int i = 0; i < dump.length; i++) {
            byte[] bad = dump.clone();
            bad[i] = (byte) ~bad[i];
            assertRefused(bad, "byte " + i + " flipped");
        }
    }

    @Test
    void everyTruncationIsRefused() throws Exception {
        for (int n = 0; n < dump.length; n++) {
            assertRefused(Arrays.copyOf(dump, n), "truncated to " + n + " bytes");
        }
    }

    @Test
    void bytesAfterTheTrailerAreRefused() throws Exception {
        byte[] longer = Arrays.copyOf(dump, dump.length + 1);
        CliRun run = assertRefused(longer, "one byte appended");
        assertThat(run.err()).contains("unexpected bytes after the trailer");
    }

    @Test
    void verifyAgainstADamagedDumpFails() throws Exception {
        byte[] bad = dump.clone();
        bad[bad.length - 10] ^= 1;
        Path file = tmp.resolve("bad.dump");
        Files.write(file, bad);
        CliRun run = CliRun.run("verify", "--against", file.toString(), "rocksdb:" + tmp.resolve("src"));
        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("is damaged");
    }

    @Test
    void aDamagedDumpLeavesAnExistingStoreUntouched() throws Exception {
        String dst = "lmdb:" + tmp.resolve("dst");
        try (Store d = Plinth.open(dst)) {
            d.defaultKeyspace().put(new byte[] {'k'}, new byte[] {'v'});
        }
        Map<String, Map<String, String>> before = StoreContents.read(dst);
        byte[] bad = dump.clone();
        bad[dump.length / 2] ^= 0x10;
        Path file = tmp.resolve("bad.dump");
        Files.write(file, bad);

        CliRun run = CliRun.run("load", "--allow-nonempty", dst, file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(StoreContents.read(dst)).isEqualTo(before);
    }

    private CliRun load(byte[] contents) throws Exception {
        Path file = tmp.resolve("try.dump");
        Files.write(file, contents);
        return CliRun.run("load", "rocksdb:" + tmp.resolve("dst" + attempt++), file.toString());
    }

    private CliRun assertRefused(byte[] contents, String what) throws Exception {
        int n = attempt;
        CliRun run = load(contents);
        assertThat(run.exitCode()).as(what + ": " + run).isEqualTo(ExitCode.FAILURE);
        assertThat(run.out()).as(what).isEmpty();
        assertThat(run.errLines()).as(what).hasSize(1);
        assertThat(run.err()).as(what).startsWith("plinth: refusing to load: " + tmp.resolve("try.dump"))
                .endsWith("; nothing was written\n");
        assertThat(tmp.resolve("dst" + n)).as(what + ": the store must not be created").doesNotExist();
        return run;
    }
}
