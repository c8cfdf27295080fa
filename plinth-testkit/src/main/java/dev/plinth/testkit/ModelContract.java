package dev.plinth.testkit;

import dev.plinth.testkit.model.ModelResult;
import dev.plinth.testkit.model.ModelTester;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Model-based random runs: seeded sequences of every operation, compared after
 * each step with a {@code TreeMap} model by {@link ModelTester}. A test contract: JUnit calls its test
 * from one thread, and it opens its own stores, one per seed, with their own fake clocks.
 *
 * <p>System properties (empty or non-numeric values count as unset):
 * <ul>
 *   <li>{@code plinth.seed}: run only this seed, printing every step; replays a reported failure.
 *   <li>{@code plinth.modelSeeds}: how many seeds, default {@value #DEFAULT_SEEDS}.
 *   <li>{@code plinth.seedBase}: the first seed, default 1; seeds are {@code base .. base + seeds - 1}.
 *   <li>{@code plinth.modelOps}: steps per seed, default {@value ModelTester#DEFAULT_OPS}.
 *   <li>{@code plinth.modelShrinkRuns}: re-runs shrinking a failure may take, default
 *       {@value ModelTester#DEFAULT_SHRINK_RUNS}.
 * </ul>
 * Each seed runs in a fresh directory under {@link #dir()}. Only the first failing seed is shrunk, and the
 * run stops after {@value #MAX_FAILURES} failing seeds.
 */
public interface ModelContract extends ContractSupport {
    /** Seeds run unless {@code plinth.modelSeeds} says otherwise. */
    int DEFAULT_SEEDS = 200;
    /** Failing seeds after which the contract stops looking for more. */
    int MAX_FAILURES = 5;

    /**
     * How many seeds the contract runs; a suite may override it (for a slow engine, say).
     *
     * @return the number of seeds, from {@code plinth.modelSeeds} by default
     */
    default int modelSeeds() {
        return Integer.getInteger("plinth.modelSeeds", DEFAULT_SEEDS);
    }

    /**
     * How many steps each seed runs; a suite may override it.
     *
     * @return the number of steps, from {@code plinth.modelOps} by default
     */
    default int modelOps() {
        return Integer.getInteger("plinth.modelOps", ModelTester.DEFAULT_OPS);
    }

    /**
     * How many re-runs shrinking the first failure may take; a suite of a slow engine may lower it.
     *
     * @return the budget, from {@code plinth.modelShrinkRuns} by default
     */
    default int modelShrinkRuns() {
        return Integer.getInteger("plinth.modelShrinkRuns", ModelTester.DEFAULT_SHRINK_RUNS);
    }

    @Test
    default void modelBasedRandomRuns() {
        Long only = replaySeed();
        long base = Long.getLong("plinth.seedBase", 1L);
        int seeds = only != null ? 1 : modelSeeds();
        int ops = modelOps();
        String uri = store().uri();
        ModelTester shrinking = ModelTester.builder(factory()).ops(ops).shrinkRuns(modelShrinkRuns())
                .trace(only != null ? System.out : null).build();
        ModelTester plain = ModelTester.builder(factory()).ops(ops).shrinkRuns(0).build();
        List<ModelResult> failures = new ArrayList<>();
        long started = System.nanoTime();
        int ran = 0;
        for (int i = 0; i < seeds && failures.size() < MAX_FAILURES; i++) {
            long seed = only != null ? only : base + i;
            ModelResult r = (failures.isEmpty() ? shrinking : plain).run(seed, dir().resolve("model").resolve("seed-" + seed));
            ran++;
            if (r.failed()) {
                failures.add(r);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        StringBuilder summary = new StringBuilder("model: ").append(ran).append(only != null ? " seed (" + only + ")"
                : " seeds").append(" x ").append(ops).append(" ops on ").append(uri).append(", ")
                .append(failures.size()).append(failures.size() == 1 ? " failure" : " failures");
        if (!failures.isEmpty()) {
            summary.append(" (seeds");
            for (ModelResult f : failures) {
                summary.append(' ').append(f.seed());
            }
            summary.append(failures.size() >= MAX_FAILURES && ran < seeds ? "; stopped looking" : "").append(')');
        }
        summary.append(" in ").append(millis).append(" ms");
        System.out.println(summary);
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder(failures.get(0).report());
            for (ModelResult f : failures.subList(1, failures.size())) {
                sb.append("\nalso seed ").append(f.seed()).append(" at step ").append(f.failedStep()).append(": ")
                        .append(f.message());
            }
            throw new AssertionError(summary + "\n" + sb); // the report goes with the failure, not to the log
        }
    }

    /**
     * The seed given with {@code -Dplinth.seed=N}, or {@code null}. The build passes the property through
     * even when unset, so an empty or unresolved ({@code ${plinth.seed}}) value means unset.
     *
     * @return the seed, or {@code null}
     */
    static Long replaySeed() {
        String v = System.getProperty("plinth.seed");
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
