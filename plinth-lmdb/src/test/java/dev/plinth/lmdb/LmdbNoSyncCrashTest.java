package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.testkit.crash.CrashHarness;
import dev.plinth.testkit.crash.CrashReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LMDB with {@code noSync=true} under kill -9. Nothing is synced in this mode, so everything rests on the
 * page cache outliving the process: the harness checks that every write acknowledged with {@code PROCESS},
 * the strongest level the mode honours, survives, that batches are whole, and that the file opens. (The
 * harness writes only {@code SYNC} and {@code PROCESS}, each if honoured; {@code NONE} promises nothing
 * after a crash.) Runs {@value #DEFAULT_CYCLES} cycles, or as many as {@code -Dplinth.crashCycles=N} asks
 * for (2000 in the {@code soak} profile); see {@link #cycles()} and docs/reliability.md.
 */
class LmdbNoSyncCrashTest {
    /** Fewer than the default mode's run: this one adds a mode, not a new engine. */
    static final int DEFAULT_CYCLES = 20;

    @TempDir
    Path tempDir;

    /**
     * The cycles to run. The build always passes {@code plinth.crashCycles}: the crash tests' default,
     * {@link CrashHarness#DEFAULT_CYCLES}, unless a run asks for another count (the {@code soak} profile,
     * or {@code -Dplinth.crashCycles=N}). So that default counts as "nothing asked", and this test runs its
     * own; an explicit {@code -Dplinth.crashCycles=50} therefore runs {@value #DEFAULT_CYCLES} too.
     */
    static int cycles() {
        int asked = CrashHarness.cyclesProperty(DEFAULT_CYCLES);
        return asked == CrashHarness.DEFAULT_CYCLES ? DEFAULT_CYCLES : asked;
    }

    @Test
    void survivesKillNineWithoutSyncing() {
        CrashReport report = CrashHarness.forUri("lmdb:" + tempDir.resolve("store") + "?noSync=true")
                .workDir(tempDir.resolve("work"))
                .jvmArgs(LmdbCrashTest.CHILD_JVM_ARGS.toArray(String[]::new))
                .cycles(cycles())
                .seed(CrashHarness.seedProperty())
                .progress(System.out::println, 100)
                .run();
        System.out.println(report.summary());
        assertThat(report.levels()).as("the levels the mode honours that the harness can check")
                .containsExactly(Durability.PROCESS);
        report.assertClean();
    }
}
