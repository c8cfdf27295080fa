package dev.plinth.bench.rdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RDF benchmarks' targets load the same data and answer the same patterns and queries (no timing). */
class RdfBenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyTargetLoadsTheDataAndAnswersAlike() throws Exception {
        UniversityData data = new UniversityData(3_000, 1);
        Path file = data.writeNQuads(dir.resolve("data.nq"));
        Set<Quad> distinct = new HashSet<>();
        data.forEach(distinct::add);
        Long[] rows = new Long[RdfPatternBenchmark.QUERIES.length];
        for (String name : new String[] {"plinth-lsm", "plinth-rocksdb", "tdb2"}) {
            try (RdfTarget t = new RdfTarget(name, dir.resolve(name))) {
                t.load(file);
                long n = t.read(() -> org.apache.jena.atlas.iterator.Iter.count(t.dataset().find()));
                assertThat(n).as(name).isEqualTo(distinct.size());
                for (int i = 0; i < rows.length; i++) {
                    String q = RdfPatternBenchmark.QUERIES[i];
                    long r = t.read(() -> org.apache.jena.atlas.iterator.Iter.count(
                            org.apache.jena.sparql.exec.QueryExec.dataset(t.dataset()).query(q).select()));
                    if (rows[i] == null) {
                        rows[i] = r;
                    }
                    assertThat(r).as("%s: %s", name, q).isEqualTo(rows[i]);
                }
            }
        }
        assertThat(rows[2]).isPositive();
    }

    @Test
    void aCachedStoreIsLoadedOnceAndOpenedAfter() throws Exception {
        Path cache = dir.resolve("cache");
        for (String name : new String[] {"plinth-lsm", "tdb2"}) {
            long first;
            try (RdfTarget t = RdfTarget.openLoaded(name, 2_000, cache)) {
                first = t.read(() -> org.apache.jena.atlas.iterator.Iter.count(t.dataset().find()));
            }
            assertThat(cache.resolve(name + "-2000.loaded")).exists();
            try (RdfTarget t = RdfTarget.openLoaded(name, 2_000, cache)) {
                assertThat(t.read(() -> org.apache.jena.atlas.iterator.Iter.count(t.dataset().find())))
                        .as("%s opened again, not loaded again", name).isEqualTo(first).isPositive();
            }
        }
    }

    @Test
    void distinctQuadsAreTheDataWithoutRepeatsInOrder() {
        UniversityData data = new UniversityData(20_000, 1);
        java.util.LinkedHashSet<Quad> want = new java.util.LinkedHashSet<>();
        long[] all = {0};
        data.forEach(q -> {
            want.add(q);
            all[0]++;
        });
        java.util.List<Quad> got = new java.util.ArrayList<>();
        data.forEachDistinct(got::add);
        assertThat(all[0]).as("the data has repeats, so the check means something").isGreaterThan(want.size());
        assertThat(got).containsExactlyElementsOf(want);
    }

    @Test
    void thePatternBenchmarksSetupChecksItsSamplesAgainstTheData() throws Exception {
        for (String pattern : new String[] {"____", "_PO_", "S_OG"}) {
            RdfPatternBenchmark b = new RdfPatternBenchmark();
            b.quads = 3_000;
            b.target = "plinth-lsm";
            b.pattern = pattern;
            b.storeCache = dir.resolve("cache").toString();
            b.load(); // throws if a sample's count differs from the data's
            try {
                assertThat(b.find()).as(pattern).isPositive();
            } finally {
                b.close();
            }
        }
    }
}
