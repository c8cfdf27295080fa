package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.quadstore.internal.IndexOrder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.util.IsoMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sorted load ({@link QuadStore#loadSorted}): it holds what Jena reads and dumps it back, in several runs and
 * batches; its temporary run files stay in their directory, are bounded by the runs, and are gone when it returns
 * or throws; a parse error, a failing listener or a non-empty store leave an empty (or unchanged) store; other
 * writers are refused while it runs; and a store left with its marker is refused on open until discarded.
 */
class SortedLoadTest {
    @TempDir
    Path dir;

    private QuadStoreOptions options(int batch, int run) throws IOException {
        return QuadStoreOptions.builder().loadBatchQuads(batch).sortRunQuads(run)
                .sortDirectory(Files.createDirectories(dir.resolve("sort"))).build();
    }

    private static InputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The run files under the sort directory now. The listener is told on the loading thread while the merge threads
     * delete the files of the orders they have written, so a file or directory that vanishes during the walk is
     * simply not counted.
     */
    private long sortFiles() throws IOException {
        long[] count = {0};
        Files.walkFileTree(dir.resolve("sort"), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    count[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return count[0];
    }

    @Test
    void aSortedLoadHoldsWhatJenaReadsAndDumpsItBack() throws Exception {
        String part = LoadDumpTest.nquads(1_500, 7);
        String nquads = part + part.lines().limit(250).map(l -> l + "\n").collect(java.util.stream.Collectors.joining()); // repeats
        DatasetGraph expected = DatasetGraphFactory.create();
        RDFParser.fromString(nquads, Lang.NQUADS).parse(expected);
        List<LoadProgress> heard = new ArrayList<>();
        long[] mostFiles = {0};
        try (QuadStore store = QuadStore.open("lsm:" + dir.resolve("lsm"), options(50, 350))) {
            LoadProgress p = store.loadSorted(in(nquads), Lang.NQUADS, null, progress -> {
                heard.add(progress);
                try {
                    mostFiles[0] = Math.max(mostFiles[0], sortFiles());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long distinct = org.apache.jena.atlas.iterator.Iter.count(expected.find());
            assertThat(p.quadsRead()).isEqualTo(1_750);
            assertThat(p.quadsAdded()).isEqualTo(distinct).isEqualTo(store.size()).isLessThanOrEqualTo(1_500);
            assertThat(p.batches()).isEqualTo(35);
            assertThat(p.indexesWritten()).isEqualTo(6);
            assertThat(heard).hasSize(35 + 6);
            assertThat(heard.subList(0, 35)).allSatisfy(h -> assertThat(h.quadsAdded()).isZero());
            assertThat(heard.get(35).indexesWritten()).isEqualTo(1);
            assertThat(heard.get(35).quadsAdded()).isEqualTo(distinct);
            // 1,750 quads in runs of 350: 4 runs of 6 files were spilled before the last one; none are left.
            assertThat(mostFiles[0]).isBetween(6L, 5L * 6);
            assertThat(sortFiles()).isZero();
            assertThat(Files.list(dir.resolve("sort")).count()).as("the temporary directory is deleted").isZero();
            assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), expected)).isTrue();
            ByteArrayOutputStream dump = new ByteArrayOutputStream();
            assertThat(store.dump(dump, Lang.TRIG)).isEqualTo(distinct);
            DatasetGraph back = DatasetGraphFactory.create();
            RDFParser.source(new ByteArrayInputStream(dump.toByteArray())).lang(Lang.TRIG).parse(back);
            assertThat(IsoMatcher.isomorphic(back, expected)).isTrue();
            // The store after a sorted load takes ordinary writes, with new terms on ids of their own.
            Quad extra = Quad.create(NodeFactory.createURI("http://example.org/g9"), NodeFactory.createURI("http://example.org/new"),
                    NodeFactory.createURI("http://example.org/p0"), NodeFactory.createLiteralString("a term first seen now"));
            assertThat(store.add(extra)).isTrue();
            expected.add(extra);
        }
        try (QuadStore store = QuadStore.open("lsm:" + dir.resolve("lsm"))) {
            assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), expected)).as("after a reopen").isTrue();
            assertThat(store.store().keyspace(QuadStore.META_KEYSPACE).get("load".getBytes(StandardCharsets.US_ASCII)))
                    .as("no load marker").isNull();
        }
    }

    @Test
    void aParseErrorAfterSeveralRunsLeavesAnEmptyStoreAndNoFiles() throws Exception {
        String good = LoadDumpTest.nquads(1_000, 3);
        String text = good + "<http://example.org/a> <http://example.org/b> \"unclosed .\n";
        try (QuadStore store = QuadStore.open("lsm:" + dir.resolve("lsm"), options(50, 300))) {
            assertThatThrownBy(() -> store.loadSorted(in(text), Lang.NQUADS, null, LoadListener.NONE))
                    .isInstanceOf(RdfParseException.class)
                    .hasMessageContaining("line 1002")
                    .hasMessageContaining("Nothing of the sorted load is kept");
            assertEmpty(store);
            assertThat(sortFiles()).isZero();
            // It can be loaded again, and holds exactly the good part then.
            LoadProgress p = store.loadSorted(in(good), Lang.NQUADS, null, LoadListener.NONE);
            DatasetGraph expected = DatasetGraphFactory.create();
            RDFParser.fromString(good, Lang.NQUADS).parse(expected);
            assertThat(p.quadsAdded()).isEqualTo(store.size());
            assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), expected)).isTrue();
        }
    }

    @Test
    void aListenerThatThrowsWhileTheIndexesAreWrittenLeavesAnEmptyStore() throws Exception {
        try (QuadStore store = QuadStore.open("mem:", options(50, 200))) {
            assertThatThrownBy(() -> store.loadSorted(in(LoadDumpTest.nquads(1_000, 5)), Lang.NQUADS, null, p -> {
                if (p.indexesWritten() == 3) {
                    throw new IllegalStateException("listener gave up");
                }
            })).hasMessage("listener gave up");
            assertEmpty(store);
            assertThat(sortFiles()).isZero();
        }
    }

    @Test
    void anInterruptWhileItSpillsIsACancellationThatSaysNothingIsKept() throws Exception {
        try (QuadStore store = QuadStore.open("mem:", options(50, 200))) {
            try {
                assertThatThrownBy(() -> store.loadSorted(in(LoadDumpTest.nquads(1_000, 6)), Lang.NQUADS, null, p -> {
                    if (p.batches() == 5) {
                        Thread.currentThread().interrupt();
                    }
                })).isInstanceOf(java.util.concurrent.CancellationException.class)
                        .hasMessageContaining("mem:")
                        .hasMessageContaining("was interrupted")
                        .hasMessageContaining("Nothing of the sorted load is kept")
                        .hasMessageNotContaining("stay");
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt stays set").isTrue();
            } finally {
                Thread.interrupted();
            }
            assertEmpty(store);
            assertThat(sortFiles()).isZero();
        }
    }

    @Test
    void aStoreWithQuadsIsRefusedUnchanged() throws Exception {
        try (QuadStore store = QuadStore.open("mem:", options(50, 200))) {
            Quad q = Quad.create(Quad.defaultGraphIRI, NodeFactory.createURI("http://example.org/s"),
                    NodeFactory.createURI("http://example.org/p"), NodeFactory.createURI("http://example.org/o"));
            store.add(q);
            AtomicBoolean closed = new AtomicBoolean();
            InputStream input = new ByteArrayInputStream(LoadDumpTest.nquads(100, 1).getBytes(StandardCharsets.UTF_8)) {
                @Override
                public void close() {
                    closed.set(true);
                }
            };
            assertThatThrownBy(() -> store.loadSorted(input, Lang.NQUADS, null, LoadListener.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds 1 quads")
                    .hasMessageContaining("mem:");
            assertThat(closed).isTrue();
            assertThat(store.size()).isEqualTo(1);
            assertThat(store.contains(q)).isTrue();
            assertThat(Files.list(dir.resolve("sort")).count()).isZero();
        }
    }

    @Test
    void otherWritersAreRefusedWhileItRunsAndAnInterruptedLoadIsRefusedOnOpenUntilDiscarded() throws Exception {
        Path data = dir.resolve("lsm");
        Path left = Files.createDirectories(dir.resolve("sort").resolve("plinth-quad-sort-of-a-killed-load"));
        Files.write(left.resolve("run-0-spog"), new byte[90]);
        Quad other = Quad.create(Quad.defaultGraphIRI, NodeFactory.createURI("http://example.org/x"),
                NodeFactory.createURI("http://example.org/p"), NodeFactory.createURI("http://example.org/y"));
        try (Store s = dev.plinth.Plinth.open("lsm:" + data);
                QuadStore loader = QuadStore.on(s, options(100, 300));
                QuadStore second = QuadStore.on(s)) {
            List<Throwable> refusals = new ArrayList<>();
            byte[] formatKey = "format".getBytes(StandardCharsets.US_ASCII);
            List<Integer> formats = new ArrayList<>();
            loader.loadSorted(in(LoadDumpTest.nquads(1_000, 9)), Lang.NQUADS, null, p -> {
                formats.add(java.nio.ByteBuffer.wrap(s.keyspace(QuadStore.META_KEYSPACE).get(formatKey)).getInt());
                if (p.batches() == 3 && p.indexesWritten() == 0 || p.indexesWritten() == 2) {
                    try {
                        second.add(other);
                    } catch (IncompleteLoadException e) {
                        refusals.add(e);
                    }
                    try {
                        QuadStore.on(s, QuadStoreOptions.builder().discardIncompleteLoad(true).build());
                    } catch (IncompleteLoadException e) {
                        refusals.add(e);
                    }
                }
            });
            assertThat(refusals).hasSize(4);
            // While it runs the stored format is one that readers older than the marker refuse; then 2 again.
            assertThat(formats).isNotEmpty().containsOnly(1_000_002);
            assertThat(s.keyspace(QuadStore.META_KEYSPACE).get(formatKey)).containsExactly(0, 0, 0, 2);
            assertThat(refusals.get(0)).hasMessageContaining("refuses writes while a sorted load fills it");
            assertThat(refusals.get(1)).hasMessageContaining("running in this JVM");
            assertThat(second.contains(other)).isFalse();
            assertThat(second.add(other)).as("after the load").isTrue();
            // A marker and run files left behind, as a killed load leaves them: the open is refused, naming the
            // temporary directory, until it is discarded, which deletes the directory.
            s.keyspace(QuadStore.META_KEYSPACE).put("load".getBytes(StandardCharsets.US_ASCII),
                    ("sorted load of a test, run files in " + left).getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> QuadStore.open("lsm:" + data))
                .isInstanceOf(IncompleteLoadException.class)
                .hasMessageContaining("lsm:")
                .hasMessageContaining(left.toString())
                .hasMessageContaining("discardIncompleteLoad(true)");
        assertThat(left).isDirectory();
        try (QuadStore store = QuadStore.open("lsm:" + data, QuadStoreOptions.builder().discardIncompleteLoad(true).build())) {
            assertEmpty(store);
            assertThat(store.add(other)).isTrue();
        }
        assertThat(left).doesNotExist();
    }

    @Test
    void aDiscardedLoadKeepsTheDictionarySoTermIdsCachedByOtherObjectsStillResolve() throws Exception {
        Quad q = Quad.create(Quad.defaultGraphIRI, NodeFactory.createURI("http://example.org/x"),
                NodeFactory.createURI("http://example.org/p"), NodeFactory.createURI("http://example.org/y"));
        String one = "<http://example.org/x> <http://example.org/p> <http://example.org/y> .\n";
        String bad = LoadDumpTest.nquads(200, 4) + "<http://example.org/a> <http://example.org/b> \"unclosed .\n";
        for (boolean loadThroughA : new boolean[] {true, false}) {
            try (Store s = dev.plinth.Plinth.open("mem:");
                    QuadStore a = QuadStore.on(s, options(50, 100));
                    QuadStore b = QuadStore.on(s, options(50, 100))) {
                assertThat(a.add(q)).isTrue();
                assertThat(a.remove(q)).isTrue(); // a caches the ids of x, p and y
                assertThatThrownBy(() -> b.loadSorted(in(bad), Lang.NQUADS, null, LoadListener.NONE))
                        .isInstanceOf(RdfParseException.class);
                assertEmpty(b);
                QuadStore loader = loadThroughA ? a : b;
                assertThat(loader.loadSorted(in(one), Lang.NQUADS, null, LoadListener.NONE).quadsAdded()).isEqualTo(1);
                assertThat(a.contains(q)).as("through a").isTrue();
                assertThat(b.contains(q)).as("through b").isTrue();
                try (QuadStore fresh = QuadStore.on(s); QuadIterator all = fresh.find(null, null, null, null)) {
                    List<Quad> found = new ArrayList<>();
                    all.forEachRemaining(found::add);
                    assertThat(found).containsExactly(q);
                }
            }
        }
    }

    @Test
    void aRunSizeWhoseIdsWouldNotFitOneArrayIsRefused() {
        assertThat(QuadStoreOptions.builder().sortRunQuads(QuadStoreOptions.MAX_SORT_RUN_QUADS).build().sortRunQuads())
                .isEqualTo(QuadStoreOptions.MAX_SORT_RUN_QUADS);
        assertThatThrownBy(() -> QuadStoreOptions.builder().sortRunQuads(QuadStoreOptions.MAX_SORT_RUN_QUADS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sortRunQuads must be 1 to");
        assertThatThrownBy(() -> QuadStoreOptions.builder().sortRunQuads(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** No quad, no index key, no marker (the dictionary is kept: entries no quad uses are allowed). */
    static void assertEmpty(QuadStore store) {
        assertThat(store.size()).isZero();
        Store s = store.store();
        for (IndexOrder order : IndexOrder.values()) {
            assertThat(s.keyspace(order.keyspaceName()).scan(Range.all(), ScanOptions.forward().withLimit(1)))
                    .as(order.keyspaceName()).isEmpty();
        }
        assertThat(s.keyspace(QuadStore.META_KEYSPACE).get("load".getBytes(StandardCharsets.US_ASCII))).isNull();
    }
}
