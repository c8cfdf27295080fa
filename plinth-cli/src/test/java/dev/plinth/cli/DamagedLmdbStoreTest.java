package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes flipped in a real LMDB {@code data.mdb}, as a new user did: before, {@code verify} printed that every
 * get matched the scan and exited 0 while a value had changed. LMDB keeps no checksums of its own; the
 * core's CRC32C in each stored value must catch the change on every read and in {@code verify}, which exits
 * with the damage code.
 */
class DamagedLmdbStoreTest {
    private static final int ENTRIES = 2_000;

    @TempDir
    Path dir;

    private String uri;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String key(int i) {
        return String.format("key-%05d", i);
    }

    private static String value(int i) {
        return String.format("value of entry %05d, long enough to sit in the middle of a page", i);
    }

    @BeforeEach
    void fill() {
        uri = "lmdb:" + dir.resolve("db");
        try (Store s = Plinth.open(uri)) {
            for (int i = 0; i < ENTRIES; i++) {
                s.defaultKeyspace().put(b(key(i)), b(value(i)));
            }
        }
    }

    /** Flips 16 bytes of {@code data.mdb} starting where {@code marker} is stored; fails if it is not there. */
    private void flipAt(String marker) throws IOException {
        Path file = dir.resolve("db").resolve("data.mdb");
        byte[] data = Files.readAllBytes(file);
        int at = indexOf(data, b(marker));
        assertThat(at).as("where %s is stored in data.mdb", marker).isNotNegative();
        for (int i = 0; i < 16; i++) {
            data[at + i] ^= (byte) 0x5A;
        }
        Files.write(file, data);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aChangedValueIsReportedByGetScanAndVerifyWithTheDamageExitCode() throws IOException {
        int victim = ENTRIES / 2;
        flipAt(value(victim).substring(15, 31)); // 16 bytes inside the value, not its first or last

        CliRun get = CliRun.run("get", uri, key(victim));
        assertThat(get.exitCode()).as(get.toString()).isEqualTo(ExitCode.DAMAGED);
        assertThat(get.err()).contains("is damaged", "'default'");

        CliRun other = CliRun.run("get", uri, key(victim + 1));
        assertThat(other.exitCode()).as(other.toString()).isZero();
        assertThat(new String(other.out(), StandardCharsets.UTF_8)).contains(value(victim + 1));

        CliRun scan = CliRun.run("scan", "--keys-only", uri);
        assertThat(scan.exitCode()).as("a keys-only scan checks whole values").isEqualTo(ExitCode.DAMAGED);

        CliRun verify = CliRun.run("verify", uri);
        String out = new String(verify.out(), StandardCharsets.UTF_8);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.DAMAGED);
        assertThat(out).contains("problem: ").contains("CRC32C");
        assertThat(verify.err()).as("one damaged value is one problem, though both verify walks meet it")
                .contains("verify found 1 problem in").contains("the store is damaged");
    }

    @Test
    void aDamagedPageHeaderIsReportedNotPrintedAsKeys() throws IOException {
        Path file = dir.resolve("db").resolve("data.mdb");
        byte[] data = Files.readAllBytes(file);
        int at = indexOf(data, b(key(ENTRIES / 2)));
        assertThat(at).isNotNegative();
        int page = at - at % 4096; // the leaf page holding that key; its 16-byte header comes first
        for (int i = 0; i < 16; i++) {
            data[page + i] ^= (byte) 0x5A;
        }
        Files.write(file, data);

        CliRun scan = CliRun.run("scan", "--keys-only", uri);
        assertThat(scan.exitCode()).as(scan.toString()).isNotZero();
        CliRun verify = CliRun.run("verify", uri);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.DAMAGED);
    }

    @Test
    void anUndamagedStoreVerifiesClean() {
        CliRun verify = CliRun.run("verify", uri);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(new String(verify.out(), StandardCharsets.UTF_8))
                .contains("checked 1 keyspace, " + String.format("%,d", ENTRIES) + " entries");
    }
}
