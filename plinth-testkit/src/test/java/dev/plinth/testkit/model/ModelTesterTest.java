package dev.plinth.testkit.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ModelContract;
import dev.plinth.testkit.StoreFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTesterTest {
    private static final StoreFactory MEM = dir -> StoreOptions.builder("mem:");

    @TempDir
    Path tmp;

    @Test
    void sameSeedGeneratesTheSameSteps() {
        ModelTester t = ModelTester.builder(MEM).build();
        assertThat(t.describe(42)).isEqualTo(t.describe(42)).hasSize(ModelTester.DEFAULT_OPS);
        assertThat(t.describe(42)).isNotEqualTo(t.describe(43));
    }

    @Test
    void everyKindOfStepAppearsInEachThousandStepRun() {
        Set<String> all = new TreeSet<>();
        for (Class<?> c : Op.class.getPermittedSubclasses()) {
            all.add(c.getSimpleName());
        }
        all.add("InterleavedTx");
        assertThat(new TreeSet<>(List.of(ModelTester.KINDS.split(", ")))).isEqualTo(all);
        for (long seed = 1; seed <= 20; seed++) {
            Set<String> seen = new TreeSet<>();
            for (Op op : OpGenerator.generate(seed, 1000)) {
                seen.add(op.kind());
            }
            assertThat(seen).as("step kinds of seed %d", seed).isEqualTo(all);
        }
    }

    @Test
    void excludedKindsAreLeftOutAndTheRestStayTheSame() {
        List<String> all = ModelTester.builder(MEM).build().describe(9);
        List<String> some = ModelTester.builder(MEM).excluding("Put", "InterleavedTx").build().describe(9);
        assertThat(some).noneMatch(l -> l.matches("#\\d+ put .*") || l.contains("another writer"));
        assertThat(all).containsAll(some);
        assertThat(some.size()).isLessThan(all.size());
    }

    @Test
    void runsExerciseTheInterestingOutcomes() {
        ModelTester t = ModelTester.builder(MEM).build();
        Map<String, Integer> total = new HashMap<>();
        for (long seed = 1; seed <= 5; seed++) {
            ModelResult r = t.run(seed, tmp.resolve("s" + seed));
            assertThat(r.passed()).as(r.report()).isTrue();
            r.events().forEach((k, v) -> total.merge(k, v, Integer::sum));
        }
        assertThat(total).containsKeys("batch applied", "batch rejected", "cas swapped", "cas refused",
                "transaction committed", "transaction conflict", "transaction rolled back",
                "other writer aimed at the transaction", "other writer aimed elsewhere",
                "clock set to an expiry instant", "clock set next to an expiry instant",
                "dropped keyspace handle rejected", "skipped",
                "transaction committed a time to live set before the clock moved");
        System.out.println("model events over 5 seeds on mem: " + new java.util.TreeMap<>(total));
    }

    @Test
    void healthyMemEnginePassesManySeeds() {
        ModelTester t = ModelTester.builder(MEM).build();
        List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= 30; seed++) {
            ModelResult r = t.run(seed, tmp.resolve("s" + seed));
            if (r.failed()) {
                failures.add(r.report());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void reopenKeepsEverythingOnAPersistentEngine() {
        try (KeptMemEngines engines = new KeptMemEngines()) {
            ModelTester t = ModelTester.builder(engines.factory()).build();
            int reopens = 0;
            for (long seed = 1; seed <= 10; seed++) {
                ModelResult r = t.run(seed, tmp.resolve("p" + seed));
                assertThat(r.passed()).as(r.report()).isTrue();
                reopens += r.events().getOrDefault("reopened", 0);
            }
            assertThat(reopens).isPositive();
        }
    }

    @Test
    void replaySeedTreatsEmptyAndUnresolvedValuesAsUnset() {
        String before = System.getProperty("plinth.seed");
        try {
            System.setProperty("plinth.seed", "");
            assertThat(ModelContract.replaySeed()).isNull();
            System.setProperty("plinth.seed", "${plinth.seed}");
            assertThat(ModelContract.replaySeed()).isNull();
            System.setProperty("plinth.seed", " 17 ");
            assertThat(ModelContract.replaySeed()).isEqualTo(17L);
            System.clearProperty("plinth.seed");
            assertThat(ModelContract.replaySeed()).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("plinth.seed");
            } else {
                System.setProperty("plinth.seed", before);
            }
        }
    }
}
