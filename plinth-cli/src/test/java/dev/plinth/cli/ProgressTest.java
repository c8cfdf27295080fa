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
    void longCommandsAreQuietWithoutATerminal() {
        assertThat(System.console()).as("this test needs a JVM without a terminal").isNull();
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
}
