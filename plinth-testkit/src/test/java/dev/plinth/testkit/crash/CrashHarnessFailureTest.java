package dev.plinth.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.testkit.crash.CrashFaultEngineProvider.Fault;
import dev.plinth.testkit.crash.CrashViolation.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's own failure paths, end to end with real child JVMs: a child that cannot open the store, one
 * that never gets ready, one that dies before the kill, a store that does not open after the kill, and one
 * that cannot be read. Each must come back as a violation that fails {@link CrashReport#assertClean()},
 * never as a clean run. The engine is {@link CrashFaultEngineProvider}, so each case is deterministic and
 * costs one child JVM.
 */
class CrashHarnessFailureTest {
    private static final String CHILD_FLAG = "-D" + CrashFaultEngineProvider.CHILD_PROPERTY + "=true";
    /** Far longer than a child needs to die by itself: the harness wakes at its death, not after this. */
    private static final Duration LONG = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    /** The store's name: the temporary directory's, so unique per test, though nothing is written there. */
    private String name;

    @BeforeEach
    void name() {
        name = dir.toString();
    }

    @AfterEach
    void forgetStore() {
        CrashFaultEngineProvider.forget(name);
    }

    @Test
    void aChildThatCannotOpenTheStoreFailsTheRunWithItsStderr() {
        CrashReport r = harness(Fault.CHILD_OPEN).jvmArgs(CHILD_FLAG).run();
        CrashViolation v = onlyViolation(r, Kind.CHILD_FAILED);
        assertThat(v.description()).isEqualTo("the child exited with status " + CrashWorkload.EXIT_FAILED
                + " before it got ready");
        assertThat(v.childOutput()).contains("injected failure to open in the child");
        assertThat(r.workDir().resolve("cycle-00000.stderr")).exists();
    }

    @Test
    void aChildThatNeverGetsReadyFailsTheRun() {
        CrashReport r = harness(Fault.CHILD_STALL).jvmArgs(CHILD_FLAG).readyTimeout(Duration.ofSeconds(1)).run();
        CrashViolation v = onlyViolation(r, Kind.CHILD_FAILED);
        assertThat(v.description()).isEqualTo("the child did not get ready within PT1S");
    }

    @Test
    void aChildThatDiesBeforeTheKillFailsTheRun() {
        CrashReport r = harness(Fault.CHILD_EXIT).jvmArgs(CHILD_FLAG).killDelay(LONG, LONG).run();
        CrashViolation v = onlyViolation(r, Kind.CHILD_FAILED);
        assertThat(v.description()).isEqualTo("the child exited by itself with status "
                + CrashFaultEngineProvider.CHILD_EXIT_STATUS + " before the kill, after its ready line");
    }

    @Test
    void aStoreThatDoesNotOpenAfterTheKillFailsTheRun() {
        CrashReport r = harness(Fault.REOPEN).run();
        CrashViolation v = onlyViolation(r, Kind.OPEN_FAILED);
        assertThat(v.description()).startsWith("the store did not open after the kill: dev.plinth.StorageIOException")
                .contains("injected failure to recover after the crash");
    }

    @Test
    void aStoreThatCannotBeReadAfterTheKillFailsTheRun() {
        CrashReport r = harness(Fault.READ).run();
        CrashViolation v = onlyViolation(r, Kind.READ_FAILED);
        assertThat(v.description()).startsWith("reading the store after the kill failed: dev.plinth.CorruptionException")
                .contains("injected checksum mismatch");
    }

    @Test
    void aStoreThatAlreadyHoldsWorkloadKeysIsRefused() {
        String uri = CrashFaultEngineProvider.uri(name, Fault.NONE);
        try (Store s = Plinth.open(uri)) {
            s.createKeyspace(WriteSpec.KEYSPACE_B).put(WriteSpec.key(0), "left over".getBytes(StandardCharsets.US_ASCII));
        }
        assertThatThrownBy(() -> CrashHarness.forUri(uri).workDir(dir.resolve("work")).cycles(1).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keyspace " + WriteSpec.KEYSPACE_B).hasMessageContaining("not empty");
        assertThat(dir.resolve("work")).doesNotExist();
    }

    @Test
    void onlyAnEndBySigkillCountsAsAKill() {
        assertThat(CrashHarness.notKilledBySigkill(42, true, CrashHarness.SIGKILL_STATUS, false)).isNull();
        assertThat(CrashHarness.notKilledBySigkill(42, true, 0, false))
                .isEqualTo("the child 42 ended with status 0, not by SIGKILL (status 137)");
        assertThat(CrashHarness.notKilledBySigkill(42, true, CrashWorkload.EXIT_FAILED, false))
                .contains("ended with status " + CrashWorkload.EXIT_FAILED);
        assertThat(CrashHarness.notKilledBySigkill(42, false, -1, false)).contains("still alive").endsWith("after SIGKILL");
        assertThat(CrashHarness.notKilledBySigkill(42, true, CrashHarness.SIGKILL_STATUS, true))
                .contains("a process with its pid is still alive");
    }

    /** A harness over a fresh store with {@code fault}: several cycles planned, no kills during startup. */
    private CrashHarness harness(Fault fault) {
        return CrashHarness.forUri(CrashFaultEngineProvider.uri(name, fault))
                .workDir(dir.resolve("work"))
                .cycles(3)
                .seed(7)
                .killDuringStartup(0)
                .killDelay(Duration.ofMillis(20), Duration.ofMillis(50));
    }

    /** Checks that the run failed in its first cycle with exactly one violation of {@code kind}. */
    private static CrashViolation onlyViolation(CrashReport r, Kind kind) {
        assertThat(r.clean()).as("%s", r).isFalse();
        assertThat(r.cycles()).as("cycles completed").isZero();
        assertThat(r.violations()).as("%s", r).hasSize(1);
        CrashViolation v = r.violations().get(0);
        assertThat(v.kind()).as("%s", r).isEqualTo(kind);
        assertThat(v.cycle()).isZero();
        assertThat(v.seed()).isEqualTo(7);
        assertThatThrownBy(r::assertClean).isInstanceOf(AssertionError.class)
                .hasMessageContaining(kind.name()).hasMessageContaining(r.workDir().toString());
        return v;
    }
}
