package dev.plinth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.plinth.Isolation;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.StoreOptions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves the kit's leak check can fail: a test that leaves a cursor, a snapshot or a transaction open
 * fails, and the failure names the test line that opened it; a test that closes what it opens passes.
 */
class KitCatchesLeaksTest {
    private static Optional<Throwable> run(String method) {
        List<Event> finished = EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(LeakingSuite.class, method)).execute()
                .testEvents().finished().list();
        assertThat(finished).as("runs of %s", method).hasSize(1);
        TestExecutionResult result = finished.get(0).getPayload(TestExecutionResult.class).orElseThrow();
        return result.getThrowable();
    }

    @Test
    void aLeakedCursorFailsTheTestNamingWhereItWasOpened() {
        assertThat(run("leaksACursor")).get(THROWABLE)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaked 1 resource")
                .hasMessageContaining("LeakingSuite.leaksACursor(KitCatchesLeaksTest.java:");
    }

    @Test
    void aLeakedSnapshotFailsTheTestNamingWhereItWasOpened() {
        assertThat(run("leaksASnapshot")).get(THROWABLE)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaked 1 resource")
                .hasMessageContaining("LeakingSuite.leaksASnapshot(KitCatchesLeaksTest.java:");
    }

    @Test
    void aLeakedTransactionFailsTheTestNamingWhereItWasOpened() {
        assertThat(run("leaksATransaction")).get(THROWABLE)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaked 1 resource")
                .hasMessageContaining("LeakingSuite.leaksATransaction(KitCatchesLeaksTest.java:");
    }

    @Test
    void aTestThatClosesWhatItOpensPasses() {
        assertThat(run("closesEverything")).isEmpty();
    }

    /** The kit over the in-memory engine plus four tests of its own; run only through {@link EngineTestKit}. */
    static class LeakingSuite extends ConformanceSuite {
        @Override
        public StoreFactory factory() {
            return dir -> StoreOptions.builder("mem:");
        }

        @Test
        void leaksACursor() {
            store().defaultKeyspace().cursor(Range.all(), ScanOptions.forward());
        }

        @Test
        void leaksASnapshot() {
            store().snapshot();
        }

        @Test
        void leaksATransaction() {
            store().begin(Isolation.SNAPSHOT);
        }

        @Test
        void closesEverything() {
            store().defaultKeyspace().cursor(Range.all(), ScanOptions.forward()).close();
            store().snapshot().close();
            store().begin(Isolation.SNAPSHOT).close();
        }
    }
}
