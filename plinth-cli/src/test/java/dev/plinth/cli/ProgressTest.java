package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a terminal (as under Surefire) the progress bar draws nothing, even on the process's stderr. */
class ProgressTest {
    @TempDir
    Path tmp;

    @Test
    void onlyTerminalDevicesCountAsTerminals() {
        assertThat(Progress.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(Progress.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(Progress.isTerminalDevice("/dev/console")).isTrue();
        assertThat(Progress.isTerminalDevice("pipe:[40213]")).isFalse();
        assertThat(Progress.isTerminalDevice("/tmp/err.log")).isFalse();
        assertThat(Progress.isTerminalDevice("/dev/null")).isFalse();
        assertThat(Progress.isTerminalDevice("socket:[1]")).isFalse();
    }

    @Test
    void longCommandsAreQuietWithoutATerminal() {
        assertThat(System.console()).as("this test needs a JVM without a terminal").isNull();
        assertThat(isTerminal()).as("this test needs standard error not to be a terminal").isFalse();
        String src = "rocksdb:" + tmp.resolve("src");
        try (Store s = Plinth.open(src)) {
            for (int i = 0; i < 5_000; i++) {
                s.defaultKeyspace().put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[10]);
            }
        }
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CliRun dump;
        CliRun load;
        CliRun copy;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            dump = CliRun.run("dump", src, tmp.resolve("d.dump").toString());
            load = CliRun.run("load", "lmdb:" + tmp.resolve("l"), tmp.resolve("d.dump").toString());
            copy = CliRun.run("copy", src, "rocksdb:" + tmp.resolve("c"));
        } finally {
            System.setErr(saved);
        }
        for (CliRun run : new CliRun[] {dump, load, copy}) {
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).isEmpty();
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static boolean isTerminal() {
        try {
            return Progress.isTerminalDevice(java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString());
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
