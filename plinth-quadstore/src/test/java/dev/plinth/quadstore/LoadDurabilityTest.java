package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a bulk load asks of the engine: each batch at the store's default durability, or at the load's if set
 * ({@code PROCESS} survives {@code kill -9}), and one flush after the last applied batch, before {@code load}
 * returns or throws. Recorded on {@code lsm:} under a forwarding engine. A level the store does not honour is
 * refused before anything is read; a cancelled (interrupted) load leaves the store writable.
 */
class LoadDurabilityTest {
    @TempDir
    Path dir;

    /** Records, in order, the durability of each applied batch ("PROCESS", "SYNC") and each flush ("flush"). */
    private static final class RecordingEngine extends ForwardingEngine {
        final List<String> calls = new ArrayList<>();

        RecordingEngine(Engine delegate) {
            super(delegate);
        }

        @Override
        public synchronized boolean apply(EngineBatch batch) {
            boolean applied = super.apply(batch);
            if (applied) {
                calls.add(batch.durability().name());
            }
            return applied;
        }

        @Override
        public synchronized void flush() {
            super.flush();
            calls.add("flush");
        }

        synchronized List<String> calls() {
            return new ArrayList<>(calls);
        }
    }

    private static String lines(int n, String tail) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("<http://example.org/s").append(i).append("> <http://example.org/p> \"object ").append(i)
                    .append("\" <http://example.org/g> .\n");
        }
        return text.append(tail).toString();
    }

    /** The engine calls of a load (after the quad store's own first writes), whether it returned or threw. */
    private List<String> load(QuadStoreOptions options, String text, Class<? extends Throwable> thrown, long size) {
        RecordingEngine[] engine = new RecordingEngine[1];
        try (Store store = StoreOptions.builder("lsm:" + dir).decorate(e -> engine[0] = new RecordingEngine(e)).open();
                QuadStore quads = QuadStore.on(store, options)) {
            int before = engine[0].calls().size(); // the quad store's format and first state
            Runnable load = () -> quads.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                    Lang.NQUADS, null, LoadListener.NONE);
            if (thrown == null) {
                load.run();
            } else {
                assertThatThrownBy(load::run).isInstanceOf(thrown);
            }
            assertThat(quads.size()).isEqualTo(size);
            List<String> calls = engine[0].calls();
            return calls.subList(before, calls.size());
        }
    }

    @Test
    void byDefaultEachBatchIsWrittenAtTheStoresDefaultAndTheLoadFlushedOnceAtTheEnd() {
        assertThat(load(QuadStoreOptions.builder().loadBatchQuads(10).build(), lines(35, ""), null, 35))
                .containsExactly("SYNC", "SYNC", "SYNC", "SYNC", "flush");
    }

    @Test
    void processBatchesAreWrittenWithoutSyncAndFlushedOnceAtTheEnd() {
        assertThat(load(QuadStoreOptions.builder().loadBatchQuads(10).loadDurability(Durability.PROCESS).build(),
                lines(35, ""), null, 35)).containsExactly("PROCESS", "PROCESS", "PROCESS", "PROCESS", "flush");
    }

    @Test
    void aLoadThatFailsFlushesTheBatchesAppliedBeforeItThrows() {
        assertThat(load(QuadStoreOptions.builder().loadBatchQuads(10).loadDurability(Durability.PROCESS).build(),
                lines(25, "<http://example.org/broken\n"), RdfParseException.class, 20))
                .containsExactly("PROCESS", "PROCESS", "flush");
    }

    @Test
    void aDurabilityTheStoreDoesNotHonourIsRefusedBeforeAnythingIsReadOrWritten() {
        boolean[] closed = {false};
        ByteArrayInputStream in = new ByteArrayInputStream(lines(5, "").getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try (Store store = Plinth.open("mem:");
                QuadStore quads = QuadStore.on(store, QuadStoreOptions.builder().loadDurability(Durability.SYNC).build())) {
            assertThatThrownBy(() -> quads.load(in, Lang.NQUADS, null, LoadListener.NONE))
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageContaining("cannot load at durability SYNC").hasMessageContaining("mem:");
            assertThat(in.available()).as("nothing was read").isEqualTo(lines(5, "").length());
            assertThat(closed[0]).as("the input is closed, as every load closes it").isTrue();
            assertThat(quads.size()).isZero();
        }
    }

    /** Regression: the flush at the end of a cancelled load ran on the interrupted thread and failed the lsm: store. */
    @Test
    void anInterruptedLoadLeavesTheStoreWritableWithItsBatchesFlushedAndTheInterruptSet() {
        try (Store store = Plinth.open("lsm:" + dir);
                QuadStore quads = QuadStore.on(store, QuadStoreOptions.builder().loadBatchQuads(10)
                        .loadDurability(Durability.PROCESS).build())) {
            try {
                assertThatThrownBy(() -> quads.load(new ByteArrayInputStream(lines(200, "").getBytes(StandardCharsets.UTF_8)),
                        Lang.NQUADS, null, progress -> Thread.currentThread().interrupt()))
                        .isInstanceOf(CancellationException.class);
                assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt stays set").isTrue();
            } finally {
                Thread.interrupted();
            }
            long loaded = quads.size();
            assertThat(loaded).isPositive();
            assertThat(quads.add(Quad.create(NodeFactory.createURI("http://example.org/g"),
                    NodeFactory.createURI("http://example.org/after"), NodeFactory.createURI("http://example.org/p"),
                    NodeFactory.createLiteralString("written after the cancelled load")))).isTrue();
            assertThat(quads.size()).isEqualTo(loaded + 1);
        }
    }
}
