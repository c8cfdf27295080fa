package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.jena.atlas.iterator.Iter;
import org.apache.jena.graph.Node;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random runs of adds, removes, batch adds and removes, pattern removals, graph clears and (on
 * persistent stores) reopens, applied to a quad store and to Jena's in-memory dataset as the oracle. After every
 * step the return value (how many quads changed) must match, and every so often all 16 patterns of bound and
 * unbound S, P, O, G are checked, each with random terms: the same set of quads from {@code find}, the same
 * {@code count} and {@code contains}, the same size and named graphs. Each seed is printed on failure;
 * {@code -Dplinth.seed=N} runs only that seed, {@code -Dplinth.quadstore.seeds=N} sets how many run.
 */
public abstract class QuadStoreModelContract {
    static final int STEPS = 300;

    @TempDir
    Path dir;

    /**
     * Opens the quad store under test, empty the first time and as left on later calls with the same directory.
     *
     * @param dir the directory of this seed
     * @return an open quad store
     */
    protected abstract QuadStore open(Path dir);

    /** Whether reopening keeps the data (a persistent engine). */
    protected boolean persistent() {
        return false;
    }

    /**
     * How many random quads (with repeats, without blank nodes, whose labels a load replaces) are bulk-loaded with
     * {@link QuadStore#loadSorted} into the empty store before the random steps; 0 for none.
     */
    protected int sortedLoadQuads() {
        return 0;
    }

    /** Seeds to run by default. */
    protected int defaultSeeds() {
        return Integer.getInteger("plinth.quadstore.seeds", 8);
    }

    @Test
    void randomOperationsMatchJenasInMemoryDataset() throws Exception {
        String one = System.getProperty("plinth.seed");
        boolean single = one != null && !one.isBlank();
        long first = single ? Long.parseLong(one.trim()) : 1;
        int seeds = single ? 1 : defaultSeeds();
        for (long seed = first; seed < first + seeds; seed++) {
            Path d = Files.createDirectories(dir.resolve("seed-" + seed));
            List<String> trace = new ArrayList<>();
            try {
                runSeed(seed, d, trace);
            } catch (Throwable t) {
                int from = Math.max(0, trace.size() - 15);
                throw new AssertionError("seed " + seed + " failed (replay with -Dplinth.seed=" + seed
                        + "); last steps:\n  " + String.join("\n  ", trace.subList(from, trace.size())), t);
            }
        }
    }

    private void runSeed(long seed, Path d, List<String> trace) {
        Random rnd = new Random(seed);
        RandomQuads gen = new RandomQuads(rnd, 10 + rnd.nextInt(30));
        DatasetGraph oracle = DatasetGraphFactory.create();
        QuadStore store = open(d);
        try {
            if (sortedLoadQuads() > 0) {
                sortedLoad(store, oracle, gen, rnd, trace);
            }
            for (int step = 0; step < STEPS; step++) {
                int op = rnd.nextInt(100);
                if (op < 40) {
                    Quad q = gen.quad();
                    trace.add("add " + q);
                    boolean expected = !oracle.contains(q);
                    oracle.add(q);
                    assertThat(store.add(q)).as("add %s", q).isEqualTo(expected);
                } else if (op < 55) {
                    Quad q = rnd.nextBoolean() ? gen.quad() : anyOf(oracle, rnd, gen);
                    trace.add("remove " + q);
                    boolean expected = oracle.contains(q);
                    oracle.delete(q);
                    assertThat(store.remove(q)).as("remove %s", q).isEqualTo(expected);
                } else if (op < 70) {
                    List<Quad> batch = new ArrayList<>();
                    int n = rnd.nextInt(12);
                    for (int i = 0; i < n; i++) {
                        batch.add(rnd.nextInt(5) == 0 && !batch.isEmpty() ? batch.get(0) : gen.quad());
                    }
                    trace.add("addAll " + batch);
                    Set<Quad> fresh = new HashSet<>();
                    for (Quad q : batch) {
                        if (!oracle.contains(q)) {
                            fresh.add(q);
                        }
                    }
                    batch.forEach(oracle::add);
                    assertThat(store.addAll(batch)).as("addAll").isEqualTo(fresh.size());
                } else if (op < 78) {
                    List<Quad> batch = new ArrayList<>();
                    int n = rnd.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        batch.add(rnd.nextBoolean() ? gen.quad() : anyOf(oracle, rnd, gen));
                    }
                    trace.add("removeAll " + batch);
                    Set<Quad> present = new HashSet<>();
                    for (Quad q : batch) {
                        if (oracle.contains(q)) {
                            present.add(q);
                        }
                    }
                    batch.forEach(oracle::delete);
                    assertThat(store.removeAll(batch)).as("removeAll").isEqualTo(present.size());
                } else if (op < 81) {
                    Node s = gen.patternTerm(0);
                    Node p = gen.patternTerm(1);
                    Node g = gen.patternTerm(3);
                    trace.add("removeMatching " + s + " " + p + " * " + g);
                    long expected = quads(oracle.find(wild(g), wild(s), wild(p), Node.ANY)).size();
                    oracle.deleteAny(wild(g), wild(s), wild(p), Node.ANY);
                    assertThat(store.removeMatching(s, p, null, g)).as("removeMatching").isEqualTo(expected);
                } else if (op < 83) {
                    Node g = gen.graph();
                    trace.add("clearGraph " + g);
                    long expected = quads(oracle.find(g, Node.ANY, Node.ANY, Node.ANY)).size();
                    oracle.deleteAny(g, Node.ANY, Node.ANY, Node.ANY);
                    assertThat(store.clearGraph(g)).as("clearGraph").isEqualTo(expected);
                } else if (op < 86 && persistent()) {
                    trace.add("reopen");
                    store.close();
                    store = open(d);
                } else {
                    trace.add("check patterns");
                    checkPatterns(store, oracle, gen);
                }
            }
            trace.add("final check");
            checkPatterns(store, oracle, gen);
        } finally {
            store.close();
        }
    }

    private void sortedLoad(QuadStore store, DatasetGraph oracle, RandomQuads gen, Random rnd, List<String> trace) {
        List<Quad> quads = new ArrayList<>();
        while (quads.size() < sortedLoadQuads()) {
            Quad q = rnd.nextInt(6) == 0 && !quads.isEmpty() ? quads.get(rnd.nextInt(quads.size())) : gen.quad();
            if (!q.getSubject().isBlank() && !q.getObject().isBlank() && !q.getGraph().isBlank()) {
                quads.add(q);
            }
        }
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        org.apache.jena.riot.RDFDataMgr.writeQuads(text, quads.iterator());
        trace.add("loadSorted " + quads.size() + " quads");
        quads.forEach(oracle::add);
        LoadProgress p = store.loadSorted(new java.io.ByteArrayInputStream(text.toByteArray()),
                org.apache.jena.riot.Lang.NQUADS, null, LoadListener.NONE);
        assertThat(p.quadsRead()).as("quads read").isEqualTo(quads.size());
        assertThat(p.quadsAdded()).as("distinct quads added").isEqualTo(new HashSet<>(quads).size());
        assertThat(p.indexesWritten()).isEqualTo(6);
        checkPatterns(store, oracle, gen);
    }

    private static void checkPatterns(QuadStore store, DatasetGraph oracle, RandomQuads gen) {
        assertThat(store.size()).as("size").isEqualTo(quads(oracle.find()).size());
        Set<Node> named = new HashSet<>();
        oracle.listGraphNodes().forEachRemaining(g -> {
            if (oracle.contains(g, Node.ANY, Node.ANY, Node.ANY)) {
                named.add(g);
            }
        });
        assertThat(new HashSet<>(store.graphs())).as("graphs").isEqualTo(named);
        assertThat(store.graphs()).doesNotHaveDuplicates();
        for (int mask = 0; mask < 16; mask++) {
            Node[] t = new Node[4];
            for (int i = 0; i < 4; i++) {
                if ((mask & (1 << i)) != 0) {
                    Node n = gen.patternTerm(i);
                    t[i] = n == null ? gen.patternTerm(i) : n;
                }
            }
            Set<Quad> expected = quads(oracle.find(wild(t[3]), wild(t[0]), wild(t[1]), wild(t[2])));
            Set<Quad> actual;
            try (QuadIterator it = store.find(t[0], t[1], t[2], t[3])) {
                actual = new HashSet<>();
                it.forEachRemaining(q -> assertThat(actual.add(q)).as("no quad twice: %s", q).isTrue());
            }
            String pattern = "pattern " + t[0] + " " + t[1] + " " + t[2] + " " + t[3];
            assertThat(actual).as(pattern).isEqualTo(expected);
            assertThat(store.count(t[0], t[1], t[2], t[3])).as("count " + pattern).isEqualTo(expected.size());
            assertThat(store.contains(t[0], t[1], t[2], t[3])).as("contains " + pattern).isEqualTo(!expected.isEmpty());
        }
    }

    private static Node wild(Node n) {
        return n == null ? Node.ANY : n;
    }

    private static Quad anyOf(DatasetGraph oracle, Random rnd, RandomQuads gen) {
        List<Quad> all = new ArrayList<>(quads(oracle.find()));
        return all.isEmpty() ? gen.quad() : all.get(rnd.nextInt(all.size()));
    }

    /** The quads of a Jena iterator, the default graph under one name. */
    static Set<Quad> quads(Iterator<Quad> it) {
        Set<Quad> out = new HashSet<>();
        try {
            while (it.hasNext()) {
                Quad q = it.next();
                out.add(q.isDefaultGraph() ? Quad.create(Quad.defaultGraphIRI, q.asTriple()) : q);
            }
        } finally {
            Iter.close(it);
        }
        return out;
    }
}
