package dev.plinth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.testkit.broken.CursorsSeeLaterWritesEngine;
import dev.plinth.testkit.broken.IgnoresPreconditionsEngine;
import dev.plinth.testkit.broken.NonAtomicBatchesEngine;
import dev.plinth.testkit.broken.OffByOneVersionsEngine;
import dev.plinth.testkit.broken.ReturnsExpiredEntriesEngine;
import dev.plinth.testkit.model.ModelResult;
import dev.plinth.testkit.model.ModelTester;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves the kit can fail: each broken engine, a decorator over the real in-memory engine, must be caught
 * both by the model tester on its own and by the whole conformance suite, while the healthy engine
 * passes the same seeds.
 */
class KitCatchesBrokenEnginesTest {
    /** Seeds each broken engine runs; the healthy engine must pass all of them. */
    private static final int SEEDS = 5;
    private static final int OPS = 1000;
    private static final int SHRINK_RUNS = 150;

    /**
     * The broken engines, the suites that run the whole kit against them, and whether a single writer can
     * expose them. The core first tries a batch whose checks precede its writes blind, leaving the checks to
     * the engine's preconditions, so an engine that ignores them or checks them late is exposed by a single
     * writer's compare-and-set; version preconditions checked one version late are exposed only by a write
     * between a transaction's snapshot and its commit, which only the model's interleaved transactions (and
     * the concurrent contract tests) make.
     */
    enum Broken {
        IgnoresPreconditions(IgnoresPreconditionsEngine::new, IgnoresPreconditionsSuite.class, true),
        NonAtomicBatches(NonAtomicBatchesEngine::new, NonAtomicBatchesSuite.class, true),
        CursorsSeeLaterWrites(CursorsSeeLaterWritesEngine::new, CursorsSeeLaterWritesSuite.class, true),
        ReturnsExpiredEntries(ReturnsExpiredEntriesEngine::new, ReturnsExpiredEntriesSuite.class, true),
        OffByOneVersions(OffByOneVersionsEngine::new, OffByOneVersionsSuite.class, false);

        final UnaryOperator<Engine> decorator;
        final Class<?> suite;
        final boolean singleWriterCatches;

        Broken(UnaryOperator<Engine> decorator, Class<?> suite, boolean singleWriterCatches) {
            this.decorator = decorator;
            this.suite = suite;
            this.singleWriterCatches = singleWriterCatches;
        }

        StoreFactory factory() {
            return dir -> StoreOptions.builder("mem:").decorate(decorator);
        }
    }

    static final StoreFactory HEALTHY = dir -> StoreOptions.builder("mem:");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Broken.class)
    void kitCatchesBrokenEngine(Broken broken) {
        // The broken engine fails on purpose: what the runs print goes to a buffer, not the build log, and is
        // attached to this test's failure if the kit did not catch the engine.
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String summary;
        try {
            summary = runAndCheck(broken);
        } catch (AssertionError e) {
            e.addSuppressed(new AssertionError("output of the runs:\n" + captured.toString(StandardCharsets.UTF_8)));
            throw e;
        } finally {
            System.setOut(out);
        }
        out.println(summary);
    }

    /** Runs the model and the suite against a broken engine, checks both caught it, and says how. */
    private String runAndCheck(Broken broken) {
        ModelTester tester = ModelTester.builder(broken.factory()).ops(OPS).shrinkRuns(SHRINK_RUNS).build();
        List<ModelResult> failing = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ModelResult r = tester.run(seed, tmp.resolve("model-" + seed));
            if (r.failed()) {
                failing.add(r);
            }
        }

        // The same seeds without the other writer: which steps catch it on their own.
        ModelTester alone = ModelTester.builder(broken.factory()).ops(OPS).shrinkRuns(0).excluding("InterleavedTx")
                .build();
        List<ModelResult> failingAlone = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ModelResult r = alone.run(seed, tmp.resolve("alone-" + seed));
            if (r.failed()) {
                failingAlone.add(r);
            }
        }

        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(broken.suite))
                .execute();
        List<String> caughtBy = results.testEvents().failed().stream().map(KitCatchesBrokenEnginesTest::testName)
                .sorted().collect(Collectors.toList());
        long contractTests = results.testEvents().finished().count();

        Map<String, Long> how = failing.stream().collect(Collectors.groupingBy(ModelResult::signature,
                TreeMap::new, Collectors.counting()));
        String summary = "kit caught " + broken + ": model seeds failing " + failing.size() + "/" + SEEDS
                + (failing.isEmpty() ? "" : " " + how + ", first shortened to " + failing.get(0).reproduction().size()
                + " steps")
                + "; without interleaved transactions " + failingAlone.size() + "/" + SEEDS + " "
                + failingAlone.stream().collect(Collectors.groupingBy(ModelResult::signature, TreeMap::new,
                Collectors.counting()))
                + ", contract tests failing " + caughtBy.size() + " of " + contractTests + " " + caughtBy;
        System.out.println(summary);
        if (!failing.isEmpty()) {
            System.out.println(failing.get(0).report());
        }

        assertThat(failing).as("model seeds that caught %s", broken).hasSize(SEEDS);
        for (ModelResult r : failing) {
            assertThat(r.reproduction()).as("shortened reproduction of seed %d", r.seed()).isNotEmpty();
            assertThat(r.reproduction().size()).isLessThanOrEqualTo(r.failedStep() + 1);
        }
        assertThat(failingAlone).as("seeds without interleaved transactions that caught %s", broken)
                .hasSize(broken.singleWriterCatches ? SEEDS : 0);
        assertThat(caughtBy).as("contract tests that caught %s", broken).isNotEmpty();
        return summary;
    }

    @Test
    void healthyEnginePassesTheSameSeeds() {
        ModelTester tester = ModelTester.builder(HEALTHY).ops(OPS).build();
        List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ModelResult r = tester.run(seed, tmp.resolve("healthy-" + seed));
            if (r.failed()) {
                failures.add(r.report());
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String testName(Event e) {
        String name = e.getTestDescriptor().getLegacyReportingName();
        return name.endsWith("()") ? name.substring(0, name.length() - 2) : name;
    }

    /** The whole kit over a broken engine; run only through {@link EngineTestKit} (Surefire skips nested classes). */
    abstract static class BrokenSuite extends ConformanceSuite implements ModelContract {
        abstract Broken broken();

        @Override
        public StoreFactory factory() {
            return broken().factory();
        }

        @Override
        public int modelSeeds() {
            return SEEDS;
        }
    }

    static class IgnoresPreconditionsSuite extends BrokenSuite {
        @Override
        Broken broken() {
            return Broken.IgnoresPreconditions;
        }
    }

    static class NonAtomicBatchesSuite extends BrokenSuite {
        @Override
        Broken broken() {
            return Broken.NonAtomicBatches;
        }
    }

    static class CursorsSeeLaterWritesSuite extends BrokenSuite {
        @Override
        Broken broken() {
            return Broken.CursorsSeeLaterWrites;
        }
    }

    static class ReturnsExpiredEntriesSuite extends BrokenSuite {
        @Override
        Broken broken() {
            return Broken.ReturnsExpiredEntries;
        }
    }

    static class OffByOneVersionsSuite extends BrokenSuite {
        @Override
        Broken broken() {
            return Broken.OffByOneVersions;
        }
    }
}
