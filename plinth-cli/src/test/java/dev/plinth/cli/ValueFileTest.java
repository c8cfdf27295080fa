package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code put} and {@code get} with {@code --value-file}: a value too long for a command line (the shell
 * refuses about 128 KiB in one argument) and binary bytes go through a file or the standard streams
 * unchanged.
 */
class ValueFileTest {
    private static final int SIZE = 200 * 1024;

    @TempDir
    Path tmp;

    private static byte[] binary(long seed) {
        byte[] v = new byte[SIZE];
        new Random(seed).nextBytes(v);
        v[0] = 0;
        v[1] = (byte) 0xFF;
        v[2] = '\n';
        return v;
    }

    /** Compares without printing 200 KiB twice: the lengths and the first differing offset. */
    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual.length).as("length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);
    }

    @Test
    void aLargeBinaryValueGoesInFromStandardInputAndOutToStandardOutput() {
        long seed = StoreContents.seed();
        byte[] value = binary(seed);
        String uri = "rocksdb:" + tmp.resolve("db");

        CliRun put = CliRun.runWithInput(value, "put", "--value-file", "-", uri, "big");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.err()).isEmpty();

        CliRun get = CliRun.run("get", "--value-file", "-", uri, "big");
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertSameBytes(get.out(), value);
    }

    @Test
    void aLargeBinaryValueGoesInFromAFileAndOutToAFile() throws Exception {
        long seed = StoreContents.seed();
        byte[] value = binary(seed);
        Path in = tmp.resolve("in.bin");
        Path out = tmp.resolve("out.bin");
        Files.write(in, value);
        Files.writeString(out, "replaced");
        String uri = "lmdb:" + tmp.resolve("db");

        CliRun put = CliRun.run("put", "--value-file", in.toString(), uri, "big");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        CliRun get = CliRun.run("get", "--value-file", out.toString(), uri, "big");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.out()).isEmpty();

        assertSameBytes(Files.readAllBytes(out), value);
        // No temporary file is left beside it.
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("in.bin", "out.bin", "db");
        }
    }

    @Test
    void anEmptyStandardInputIsAnEmptyValue() {
        String uri = "rocksdb:" + tmp.resolve("db");
        assertThat(CliRun.run("put", "--value-file", "-", uri, "k").exitCode()).isZero();
        CliRun get = CliRun.run("get", "--format", "hex", uri, "k");
        assertThat(get.outText()).isEqualTo("\n");
    }
}
