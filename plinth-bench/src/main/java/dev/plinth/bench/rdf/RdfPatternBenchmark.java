package dev.plinth.bench.rdf;

import dev.plinth.bench.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.jena.atlas.iterator.Iter;
import org.apache.jena.graph.Node;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.out.NodeFmtLib;
import org.apache.jena.riot.system.StreamRDFBase;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.exec.QueryExec;
import org.apache.jena.sparql.exec.RowSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The 16 quad patterns (and a few SPARQL basic graph patterns) on the loaded {@link UniversityData}: each call
 * takes the next of 256 quads sampled from the data, binds the pattern's components from it, and counts every
 * match through Jena's {@code DatasetGraph.find} (the interface ARQ itself uses), in a read transaction. The
 * Plinth quad store (on lsm and RocksDB) against Jena TDB2. Patterns are named by their bound components, in
 * the order S, P, O, G ({@code ____} binds none, {@code SP_G} binds all but the object). At setup each target's
 * count for the first {@link #CHECKED} samples is checked against a count over the generated quads held in
 * memory, so every target answers the same question correctly.
 *
 * <p>Warm-up is {@link #WARMUP_ITERATIONS} seconds a fork: a find on Plinth runs through more code than one on TDB2
 * (the quad store, the store's cursor, the engine, RocksDB's JNI), and on the shared two-core machine the JIT took
 * several seconds to compile it; with two seconds of warm-up, short patterns such as {@code __OG} and {@code S_OG}
 * measured the interpreter (150 to 250 µs a call on {@code rocksdb:} where the compiled code takes about 15).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = RdfPatternBenchmark.WARMUP_ITERATIONS, time = 1)
@Measurement(iterations = 3, time = 1)
public class RdfPatternBenchmark {
    /** One-second warm-up iterations a fork: enough for the JIT to compile a find on every target. */
    static final int WARMUP_ITERATIONS = 8;
    static final int SAMPLES = 256;
    /** Samples whose counts are checked against the data at setup. */
    static final int CHECKED = 32;
    static final String[] QUERIES = {
        // students of a professor's courses: a three-way join
        "SELECT ?s WHERE { GRAPH ?g { ?p <" + UniversityData.NS + "teacherOf> ?c . ?s <" + UniversityData.NS
                + "takesCourse> ?c . ?p <" + UniversityData.NS + "name> \"Professor 3.1\" } }",
        // advisor ages of students taking one course
        "SELECT ?a ?age WHERE { GRAPH ?g { ?s <" + UniversityData.NS + "takesCourse> <" + UniversityData.NS
                + "dept2/course5> . ?s <" + UniversityData.NS + "advisor> ?a . ?a <" + UniversityData.NS + "age> ?age } }",
        // every professor with name and e-mail in one graph
        "SELECT ?p ?n ?e WHERE { GRAPH <" + UniversityData.NS + "dept1> { ?p a <" + UniversityData.NS
                + "Professor> ; <" + UniversityData.NS + "name> ?n ; <" + UniversityData.NS + "email> ?e } }"};

    /** Quads loaded. */
    @Param({"1000000"})
    public long quads;

    /** The store. */
    @Param({"plinth-lsm", "plinth-rocksdb", "tdb2"})
    public String target;

    /** Bound components, S P O G, {@code _} for unbound. */
    @Param({"____", "S___", "_P__", "__O_", "___G", "SP__", "S_O_", "S__G", "_PO_", "_P_G", "__OG", "SPO_", "SP_G",
        "S_OG", "_POG", "SPOG"})
    public String pattern;

    /**
     * A directory where loaded stores are kept across trials ({@link RdfTarget#openLoaded}); empty: load each
     * trial into a fresh temporary directory. Fill it ahead with {@code RdfTarget}'s {@code main}.
     */
    @Param({""})
    public String storeCache;

    private Path dir;
    private RdfTarget store;
    private final List<Node[]> samples = new ArrayList<>();
    private int next;

    /** Loads the data (or opens the cached store) and draws the samples. */
    @Setup(Level.Trial)
    public void load() throws Exception {
        if (storeCache.isEmpty()) {
            Path file = new UniversityData(quads, 1).writeNQuads(Files.createTempFile("plinth-bench-rdf-", ".nq"));
            dir = Files.createTempDirectory("plinth-bench-rdf-" + target + "-");
            store = new RdfTarget(target, dir);
            store.load(file);
            Files.delete(file);
        } else {
            store = RdfTarget.openLoaded(target, quads, Path.of(storeCache));
        }
        java.util.Map<List<Node>, long[]> expected = samplesAndCounts();
        // The first CHECKED samples are checked.
        // Samples that bind the same terms are checked once (every sample of ____ is one whole-store scan).
        java.util.Set<List<Node>> checked = new java.util.HashSet<>();
        for (Node[] b : samples.subList(0, CHECKED)) {
            List<Node> bound = boundPart(b[0], b[1], b[2], b[3]);
            if (!checked.add(bound)) {
                next++;
                continue;
            }
            long want = expected.get(bound)[0];
            long actual = find();
            if (actual != want) {
                throw new IllegalStateException(target + " finds " + actual + " quads for pattern " + pattern + " "
                        + java.util.Arrays.toString(b) + "; the generated data holds " + want);
            }
        }
        next = 0;
    }

    /**
     * Fills {@link #samples} and returns each one's expected count, by its bound components. Computed from the
     * generated data (two passes over it, about a minute at ten million quads) or, with a store cache, read from
     * the files {@code samples-QUADS.nq} and {@code counts-QUADS-PATTERN.txt} there, which the first fork of a
     * pattern writes (or {@link #main} ahead of a run) so that the other targets' forks skip the passes.
     */
    private java.util.Map<List<Node>, long[]> samplesAndCounts() throws Exception {
        Path sampleFile = storeCache.isEmpty() ? null : Path.of(storeCache, "samples-" + quads + ".nq");
        Path countFile = storeCache.isEmpty() ? null : Path.of(storeCache, "counts-" + quads + "-" + pattern + ".txt");
        List<Quad> drawn = sampleFile != null && Files.exists(sampleFile) ? readQuads(sampleFile) : drawSamples();
        if (sampleFile != null && !Files.exists(sampleFile)) {
            StringBuilder text = new StringBuilder();
            for (Quad q : drawn) {
                text.append(NodeFmtLib.strNQ(q)).append('\n');
            }
            writeAtomically(sampleFile, text.toString());
        }
        for (Quad q : drawn) {
            Node[] b = {q.getSubject(), q.getPredicate(), q.getObject(), q.getGraph()};
            for (int k = 0; k < 4; k++) {
                if (pattern.charAt(k) == '_') {
                    b[k] = Node.ANY;
                }
            }
            samples.add(b);
        }
        java.util.Map<List<Node>, long[]> expected = new java.util.HashMap<>();
        for (Node[] b : samples) {
            expected.put(boundPart(b[0], b[1], b[2], b[3]), new long[1]);
        }
        if (countFile != null && Files.exists(countFile)) {
            List<String> counts = Files.readAllLines(countFile);
            for (int i = 0; i < SAMPLES; i++) {
                Node[] b = samples.get(i);
                expected.get(boundPart(b[0], b[1], b[2], b[3]))[0] = Long.parseLong(counts.get(i));
            }
            return expected;
        }
        // Each sample's expected count, in one pass over the distinct quads: the count of its bound components.
        new UniversityData(quads, 1).forEachDistinct(q -> {
            long[] n = expected.get(boundPart(q.getSubject(), q.getPredicate(), q.getObject(), q.getGraph()));
            if (n != null) {
                n[0]++;
            }
        });
        if (countFile != null) {
            StringBuilder text = new StringBuilder();
            for (Node[] b : samples) {
                text.append(expected.get(boundPart(b[0], b[1], b[2], b[3]))[0]).append('\n');
            }
            writeAtomically(countFile, text.toString());
        }
        return expected;
    }

    /**
     * Writes the sample and count files of {@link #samplesAndCounts} into a store cache ahead of a run, outside
     * the benchmark lock: {@code RdfPatternBenchmark CACHE_DIR QUADS PATTERN...}.
     *
     * @param args the cache directory, the number of quads, the patterns
     */
    public static void main(String[] args) throws Exception {
        for (int i = 2; i < args.length; i++) {
            RdfPatternBenchmark b = new RdfPatternBenchmark();
            b.storeCache = args[0];
            b.quads = Long.parseLong(args[1]);
            b.pattern = args[i];
            b.samplesAndCounts();
            System.out.printf("%s: samples and counts of %,d quads in %s%n", args[i], b.quads, args[0]);
        }
    }

    /** The quads at {@link #SAMPLES} seeded positions of the data, found in one pass that holds only them. */
    private List<Quad> drawSamples() {
        // (a list of every quad would not fit the fork's heap at ten million quads)
        Random rnd = new Random(7);
        int[] positions = new int[SAMPLES];
        java.util.Map<Integer, Quad> atPosition = new java.util.HashMap<>();
        for (int i = 0; i < SAMPLES; i++) {
            positions[i] = rnd.nextInt(Math.toIntExact(quads));
            atPosition.put(positions[i], null);
        }
        int[] position = {0};
        new UniversityData(quads, 1).forEach(q -> {
            int at = position[0]++;
            if (atPosition.containsKey(at)) {
                atPosition.put(at, q);
            }
        });
        List<Quad> drawn = new ArrayList<>(SAMPLES);
        for (int i = 0; i < SAMPLES; i++) {
            drawn.add(atPosition.get(positions[i]));
        }
        return drawn;
    }

    private static List<Quad> readQuads(Path file) {
        List<Quad> quads = new ArrayList<>();
        RDFParser.source(file).lang(Lang.NQUADS).parse(new StreamRDFBase() {
            @Override
            public void quad(Quad quad) {
                quads.add(quad);
            }
        });
        if (quads.size() != SAMPLES) {
            throw new IllegalStateException(file + " holds " + quads.size() + " samples, not " + SAMPLES
                    + "; delete it to draw them again");
        }
        return quads;
    }

    private static void writeAtomically(Path file, String text) throws java.io.IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The components of a quad this benchmark's pattern binds, as a hash key. */
    private List<Node> boundPart(Node s, Node p, Node o, Node g) {
        Node[] c = {s, p, o, g};
        List<Node> key = new ArrayList<>(4);
        for (int k = 0; k < 4; k++) {
            key.add(pattern.charAt(k) == '_' ? Node.ANY : c[k]);
        }
        return key;
    }

    /** Closes and deletes the store. */
    @TearDown(Level.Trial)
    public void close() {
        store.close();
        if (dir != null) {
            Targets.deleteTree(dir);
        }
    }

    /** Counts the matches of the next sample's pattern. */
    @Benchmark
    public long find() {
        Node[] b = samples.get(next++ & (SAMPLES - 1));
        return store.read(() -> {
            Iterator<Quad> it = store.dataset().find(b[3], b[0], b[1], b[2]);
            try {
                long n = 0;
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
                return n;
            } finally {
                Iter.close(it);
            }
        });
    }

    /**
     * Runs the SPARQL queries of {@link #QUERIES} in turn (only meaningful once per target: run with
     * {@code -p pattern=SPOG}).
     *
     * @return rows
     */
    @Benchmark
    public long sparqlBgp() {
        Query q = QueryFactory.create(QUERIES[next++ % QUERIES.length]);
        return store.read(() -> {
            RowSet rows = QueryExec.dataset(store.dataset()).query(q).select();
            long n = 0;
            while (rows.hasNext()) {
                rows.next();
                n++;
            }
            return n;
        });
    }
}
