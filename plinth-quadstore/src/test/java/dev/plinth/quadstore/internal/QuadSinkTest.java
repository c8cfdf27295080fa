package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.quadstore.LoadProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.RiotParseException;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;

/** The bulk load's parse / write pipeline: order, bounded batches, and every way it can stop. */
class QuadSinkTest {
    private static Quad quad(int i) {
        return Quad.create(NodeFactory.createURI("http://g"), NodeFactory.createURI("http://s" + i),
                NodeFactory.createURI("http://p"), NodeFactory.createLiteralString("o" + i));
    }

    /** Every batch the writer got, in order, on which thread. */
    private final List<List<Quad>> written = new CopyOnWriteArrayList<>();
    private final List<Thread> writerThreads = new CopyOnWriteArrayList<>();

    private int write(List<Quad> batch) {
        written.add(new ArrayList<>(batch));
        writerThreads.add(Thread.currentThread());
        return batch.size();
    }

    private static void assertNoParserThreadLeft() {
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("test-parse"));
    }

    @Test
    void batchesAreWrittenInOrderOnTheLoadingThreadAndTheListenerSeesEach() {
        List<LoadProgress> told = new ArrayList<>();
        QuadSink sink = new QuadSink(7, this::write, told::add);
        LoadProgress p = sink.run(s -> {
            for (int i = 0; i < 100; i++) {
                s.quad(quad(i));
            }
            s.finish();
        }, "test-parse");
        assertThat(p).isEqualTo(new LoadProgress(100, 100, 15, 0));
        assertThat(written).hasSize(15).allMatch(b -> b.size() <= 7);
        List<Quad> all = new ArrayList<>();
        written.forEach(all::addAll);
        for (int i = 0; i < 100; i++) {
            assertThat(all.get(i)).isEqualTo(quad(i));
        }
        assertThat(writerThreads).containsOnly(Thread.currentThread());
        assertThat(told).hasSize(15).last().isEqualTo(p);
        assertNoParserThreadLeft();
    }

    @Test
    void aParseErrorArrivesAfterTheBatchesBeforeItAndDropsTheBatchBeingGathered() {
        QuadSink sink = new QuadSink(10, this::write, p -> { });
        assertThatThrownBy(() -> sink.run(s -> {
            for (int i = 0; i < 25; i++) {
                s.quad(quad(i));
            }
            s.finish(); // RIOT calls finish from a finally: it must not write the partial batch
            throw new RiotParseException("bad", 26, 3);
        }, "test-parse")).isInstanceOf(RiotParseException.class);
        assertThat(written).hasSize(2);
        assertThat(sink.progress()).isEqualTo(new LoadProgress(20, 20, 2, 0));
        assertNoParserThreadLeft();
    }

    @Test
    void aFailedWriteStopsTheParserAndIsThrownAsItIs() {
        IllegalStateException boom = new IllegalStateException("injected write failure");
        QuadSink sink = new QuadSink(5, batch -> {
            if (written.size() == 3) {
                throw boom;
            }
            return write(batch);
        }, p -> { });
        List<Integer> parsed = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> sink.run(s -> {
            for (int i = 0; i < 1_000_000; i++) { // far more than the queue holds: the parser must be stopped
                s.quad(quad(i));
                parsed.add(i);
            }
        }, "test-parse")).isSameAs(boom);
        assertThat(written).hasSize(3);
        assertThat(sink.progress().batches()).isEqualTo(3);
        assertThat(parsed.size()).isLessThan(5 * (3 + 1 + QuadSink.QUEUE_BATCHES + 2));
        assertNoParserThreadLeft();
    }

    @Test
    void aListenerThatThrowsStopsTheLoadAfterItsBatch() {
        QuadSink sink = new QuadSink(4, this::write, p -> {
            if (p.batches() == 2) {
                throw new IllegalStateException("listener says stop");
            }
        });
        assertThatThrownBy(() -> sink.run(s -> {
            for (int i = 0; i < 100_000; i++) {
                s.quad(quad(i));
            }
        }, "test-parse")).hasMessage("listener says stop");
        assertThat(written).hasSize(2);
        assertNoParserThreadLeft();
    }

    @Test
    void anErrorOfTheParserIsRethrownAsItIs() {
        QuadSink sink = new QuadSink(4, this::write, p -> { });
        assertThatThrownBy(() -> sink.run(s -> {
            throw new StackOverflowError("deep input");
        }, "test-parse")).isInstanceOf(StackOverflowError.class);
        assertThat(written).isEmpty();
        assertNoParserThreadLeft();
    }
}
