package dev.plinth.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.testkit.crash.CrashViolation.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CrashReport#assertClean()} fails every run that is not both clean and meaningful: one with a
 * violation, one that stopped early, and one that verified too little to prove anything.
 */
class CrashReportTest {
    private static final List<Durability> BOTH = List.of(Durability.SYNC, Durability.PROCESS);

    @Test
    void aRunThatVerifiedEnoughOfEverythingPasses() {
        CrashReport r = report(BOTH, 10, 10, 40, 40, 12, List.of());
        assertThat(r.clean()).isTrue();
        assertThat(r.assertClean()).isSameAs(r);
        assertThat(r.summary()).startsWith("crash: test:x 10 cycles, 80 writes verified (SYNC 40, PROCESS 40), "
                + "12 batches all-or-nothing, 0 violations");
    }

    @Test
    void aViolationFailsTheRunAndIsNamed() {
        CrashViolation v = new CrashViolation(3, 7, Kind.MISSING_ACKNOWLEDGED, "2 acknowledged write(s) absent",
                "child said this");
        CrashReport r = report(BOTH, 10, 3, 40, 40, 12, List.of(v));
        assertThat(r.clean()).isFalse();
        assertThatThrownBy(r::assertClean).isInstanceOf(AssertionError.class)
                .hasMessageContaining("crash check failed")
                .hasMessageContaining("cycle 3 (seed 7): MISSING_ACKNOWLEDGED: 2 acknowledged write(s) absent")
                .hasMessageContaining("child said this")
                .hasMessageContaining("kept in " + Path.of("work"));
    }

    @Test
    void aRunThatStoppedEarlyIsNotClean() {
        CrashReport r = report(BOTH, 10, 9, 40, 40, 12, List.of());
        assertThat(r.clean()).isFalse();
        assertThat(r.summary()).contains(" 9 of 10 cycles");
        assertThatThrownBy(r::assertClean).isInstanceOf(AssertionError.class).hasMessageContaining("crash check failed");
    }

    @Test
    void aRunThatVerifiedTooLittleFails() {
        // fewer writes than cycles, no batch, a level never verified: each alone proves too little
        for (CrashReport r : List.of(report(BOTH, 10, 10, 4, 5, 1, List.of()), report(BOTH, 10, 10, 40, 40, 0, List.of()),
                report(BOTH, 10, 10, 80, 0, 12, List.of()), report(BOTH, 10, 10, 0, 80, 12, List.of()))) {
            assertThat(r.clean()).isTrue();
            assertThatThrownBy(r::assertClean).as("%s", r).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("verified too little");
        }
        // a level the engine does not honour is not asked for
        assertThat(report(List.of(Durability.SYNC), 10, 10, 80, 0, 12, List.of()).assertClean()).isNotNull();
    }

    private static CrashReport report(List<Durability> levels, int planned, int cycles, long sync, long process,
            long batches, List<CrashViolation> violations) {
        return new CrashReport("test:x", 7, levels, planned, cycles, 0, sync, process, batches, 0, 0, 0,
                sync + process, violations, Path.of("work"), Duration.ofSeconds(1));
    }
}
