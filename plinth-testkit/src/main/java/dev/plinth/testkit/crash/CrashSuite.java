package dev.plinth.testkit.crash;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plinth.Plinth;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 crash test of one persistent engine: an engine's test extends this class and names its
 * store URI. Runs {@code -Dplinth.crashCycles=N} cycles ({@link CrashHarness#DEFAULT_CYCLES} by default;
 * the build's {@code soak} profile asks for thousands) with the seed of {@code -Dplinth.seed=N} or a fresh
 * one, prints the report's summary line, and fails on any violation or if too little was verified (see
 * {@link CrashReport#assertClean()}). See {@code docs/reliability.md}.
 */
public abstract class CrashSuite {
    @TempDir
    Path tempDir;

    /**
     * The URI of a store kept in {@code dir}, e.g. {@code "rocksdb:" + dir}.
     *
     * @param dir an empty directory owned by the test
     * @return the URI
     */
    protected abstract String uri(Path dir);

    /**
     * JVM options the child needs besides {@link CrashHarness#CHILD_JVM_ARGS}, e.g. LMDB's
     * {@code --add-opens}.
     *
     * @return the options; none by default
     */
    protected List<String> childJvmArgs() {
        return List.of();
    }

    @Test
    void survivesKillNine() {
        String uri = uri(tempDir.resolve("store"));
        String scheme = uri.substring(0, Math.max(0, uri.indexOf(':')));
        // Skipped, not passed, while the engine is not on the class path (before it is merged); once it is,
        // the module's other tests fail loudly if its provider goes missing.
        assumeTrue(Plinth.schemes().contains(scheme), "no " + scheme + " engine on the class path");
        CrashReport report = CrashHarness.forUri(uri)
                .workDir(tempDir.resolve("work"))
                .jvmArgs(childJvmArgs().toArray(String[]::new))
                .cycles(CrashHarness.cyclesProperty(CrashHarness.DEFAULT_CYCLES))
                .seed(CrashHarness.seedProperty())
                .progress(System.out::println, 100)
                .run();
        System.out.println(report.summary());
        report.assertClean();
    }
}
