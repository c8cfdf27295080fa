package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StorageIOException;
import dev.plinth.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SortedLoader} on its own: with more runs than one merge reads at once it merges in passes (memory and
 * open files bounded whatever the number of runs) and writes every index whole; and a task that fails stops the
 * others, those not started never start, and its own failure is the one thrown.
 */
class SortedLoaderTest {
    /** A merge of at most this many runs, so that a few hundred runs take several passes. */
    private static final int FAN_IN = 4;
    /** Runs of one quad: more than {@code FAN_IN}^3, so three merge passes before the final merge. */
    private static final int QUADS = FAN_IN * FAN_IN * FAN_IN + 30;

    @TempDir
    Path dir;
    private Store store;
    private final Keyspace[] indexes = new Keyspace[IndexOrder.values().length];
    private TermDictionary dictionary;

    @BeforeEach
    void open() {
        store = Plinth.open("mem:");
        for (IndexOrder order : IndexOrder.values()) {
            indexes[order.ordinal()] = store.createKeyspace(order.keyspaceName());
        }
        dictionary = new TermDictionary(store.uri(), store.createKeyspace("ids"), store.createKeyspace("terms"), 0);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private SortedLoader loader(int runQuads) {
        return new SortedLoader(store, indexes, dictionary, TermCodec.FIRST_DICTIONARY_ID, runQuads, dir,
                SortedLoader.newDirectoryName(), WriteOptions.DEFAULT, FAN_IN);
    }

    private static List<Quad> quads(int n) {
        List<Quad> quads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            quads.add(Quad.create(NodeFactory.createURI("http://example.org/g" + i % 7),
                    NodeFactory.createURI("http://example.org/s" + i % 101),
                    NodeFactory.createURI("http://example.org/p"),
                    NodeFactory.createURI("http://example.org/o" + i)));
        }
        return quads;
    }

    private long keys(IndexOrder order) {
        return store.keyspace(order.keyspaceName()).scan(Range.all(), ScanOptions.forward()).size();
    }

    private long files() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void manyRunsAreMergedInPassesAndEveryIndexIsWhole() throws Exception {
        List<Quad> quads = quads(QUADS);
        try (SortedLoader loader = loader(1)) {
            for (int from = 0; from < QUADS; from += 20) {
                loader.add(quads.subList(from, Math.min(QUADS, from + 20)));
                loader.add(quads.subList(0, 3)); // repeats across runs count once
            }
            assertThat(loader.writeIndexes(i -> { })).isEqualTo(QUADS);
            int passes = 0;
            int merged = 0;
            for (int left = loader.runs(); left > FAN_IN; passes++) {
                left = (left + FAN_IN - 1) / FAN_IN;
                merged += left;
            }
            assertThat(passes).isEqualTo(3);
            assertThat(loader.mergedRuns()).isEqualTo(IndexOrder.values().length * merged);
            for (IndexOrder order : IndexOrder.values()) {
                assertThat(keys(order)).as(order.keyspaceName()).isEqualTo(QUADS);
            }
            assertThat(files()).as("the run files of written orders are deleted").isZero();
        }
        assertThat(Files.list(dir).count()).isZero();
    }

    @Test
    void anInterruptWhileARunIsSortedIsACancellationThatSaysNothingIsKept() {
        try (SortedLoader loader = loader(2)) {
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> loader.add(quads(3))) // the third quad spills the first two
                        .isInstanceOf(java.util.concurrent.CancellationException.class)
                        .hasMessageContaining("mem:")
                        .hasMessageContaining("was interrupted while it sorted a run of quads")
                        .hasMessageContaining("Nothing of the sorted load is kept");
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt stays set").isTrue();
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void aFailingIndexStopsTheOthersAndIsTheFailureThrown() throws Exception {
        try (SortedLoader loader = loader(1)) {
            loader.add(quads(QUADS)); // runs of one quad: all but the last spilled
            Path first;
            try (Stream<Path> files = Files.walk(dir)) {
                first = files.filter(f -> f.getFileName().toString().equals("run-0-"
                        + IndexOrder.values()[0].name().toLowerCase(java.util.Locale.ROOT))).findFirst().orElseThrow();
            }
            Files.delete(first);
            assertThatThrownBy(() -> loader.writeIndexes(i -> { }))
                    .isInstanceOf(StorageIOException.class);
            for (IndexOrder order : IndexOrder.values()) {
                assertThat(keys(order)).as("%s: stopped or never started", order.keyspaceName()).isZero();
            }
        }
        assertThat(Files.list(dir).count()).isZero();
    }
}
