package dev.plinth.lmdb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plinth.Plinth;
import dev.plinth.testkit.crash.CrashHarness;
import dev.plinth.testkit.crash.CrashReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LMDB under kill -9: {@code plinth.crashCycles} cycles (50 by default, 2000 with {@code -Psoak}) of a
 * child JVM writing and being killed, each followed by recovery and the crash-level checks. Replay a
 * seed with {@code -Dplinth.seed=N}. See docs/reliability.md.
 */
class LmdbCrashTest {
    @TempDir
    Path dir;

    @Test
    void survivesKillNine() {
        // Skipped (not passed) while the engine is not on the class path, e.g. before it is merged; the
        // module's own tests fail loudly if its provider is missing once it is.
        assumeTrue(Plinth.schemes().contains("lmdb"), "no lmdb engine on the class path");
        CrashReport report = CrashHarness.forUri("lmdb:" + dir.resolve("db"))
                .workDir(dir.resolve("work"))
                // lmdbjava on Java 17 (lmdbjava #205): the child is a plain JVM and needs them too.
                .jvmArgs("--add-opens", "java.base/java.nio=ALL-UNNAMED",
                        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED")
                .cycles(CrashHarness.cyclesProperty(CrashHarness.DEFAULT_CYCLES))
                .seed(CrashHarness.seedProperty())
                .progress(System.out::println, 100)
                .run();
        System.out.println(report.summary());
        report.assertClean();
    }
}
