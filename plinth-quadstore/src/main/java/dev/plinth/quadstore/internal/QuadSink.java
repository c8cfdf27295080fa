package dev.plinth.quadstore.internal;

import dev.plinth.quadstore.LoadListener;
import dev.plinth.quadstore.LoadProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.apache.jena.graph.Triple;
import org.apache.jena.riot.system.StreamRDF;
import org.apache.jena.sparql.core.Quad;

/**
 * A bulk load as a two-stage pipeline: a parser thread runs the parser into this sink, which gathers quads into
 * batches of a bounded size and hands each full batch over through a queue of {@link #QUEUE_BATCHES}; the
 * loading thread (the caller of {@link #run}) writes the batches in order with the quad store's writer and
 * tells the listener after each. Parsing and writing (dictionary lookups, presence checks, six index keys a
 * quad, the engine's batch) so overlap, and memory stays bounded by {@code QUEUE_BATCHES + 2} batches whatever
 * the input's size. Triples go to the default graph.
 *
 * <p>Failures keep the rules of a serial load: a parse failure reaches the loading thread after the batches
 * handed over before it have been written, and the batch being gathered is dropped; a failure of a write or
 * of the listener stops the parser, whose unwritten batches are dropped. Either way {@link #run} throws the
 * failure itself, and {@link #progress()} counts exactly the batches applied.
 *
 * <p>One load, once: {@link #run} is called by one thread; the parser thread only calls the {@code StreamRDF}
 * methods and {@link #warning()}.
 */
public final class QuadSink implements StreamRDF {
    /** Batches parsed ahead of the writer at most. */
    public static final int QUEUE_BATCHES = 2;
    private static final Object END = new Object();

    private final int batchQuads;
    private final ToIntFunction<List<Quad>> writer;
    private final LoadListener listener;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final AtomicLong warnings = new AtomicLong();
    private volatile boolean cancelled;

    // Parser thread only.
    private List<Quad> buffer;

    // Loading thread only; volatile so that progress() may be read from any thread.
    private volatile LoadProgress progress = new LoadProgress(0, 0, 0, 0);

    /**
     * A sink writing batches of {@code batchQuads}.
     *
     * @param batchQuads quads per batch
     * @param writer writes one batch atomically, returning how many quads were new
     * @param listener told after each batch, on the loading thread
     */
    public QuadSink(int batchQuads, ToIntFunction<List<Quad>> writer, LoadListener listener) {
        this.batchQuads = batchQuads;
        this.writer = writer;
        this.listener = listener;
        this.buffer = newBuffer();
    }

    private List<Quad> newBuffer() {
        return new ArrayList<>(Math.min(batchQuads, 65_536));
    }

    /**
     * Runs the load: {@code parse} on a new parser thread (it must deliver everything into this sink and
     * return normally at the end of the input), the writes on this thread.
     *
     * @param parse runs the parser into the sink it is given
     * @param threadName the parser thread's name
     * @return the figures of the load
     * @throws RuntimeException what the parser, a write or the listener threw (an {@link Error} the parser
     *     threw is rethrown as it is)
     */
    public LoadProgress run(Consumer<StreamRDF> parse, String threadName) {
        Thread parser = new Thread(() -> {
            Object last;
            try {
                parse.accept(this);
                handOver(buffer); // the last, partial batch: only once the parser returned normally
                last = END;
            } catch (Throwable t) {
                last = new Failure(t);
            }
            try {
                handOver(last);
            } catch (CancellationException e) {
                // The loading thread stopped first and reports its own failure.
            }
        }, threadName);
        parser.setDaemon(true);
        parser.start();
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) {
                    return progress;
                }
                if (item instanceof Failure f) {
                    if (f.cause instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) f.cause;
                }
                @SuppressWarnings("unchecked")
                List<Quad> batch = (List<Quad>) item;
                int added = writer.applyAsInt(batch);
                LoadProgress p = progress;
                progress = new LoadProgress(p.quadsRead() + batch.size(), p.quadsAdded() + added, p.batches() + 1,
                        warnings.get());
                listener.batchApplied(progress);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the bulk load was interrupted; the batches applied before stay");
        } finally {
            cancelled = true;
            queue.clear(); // unblocks a parser waiting to hand over; it sees the cancellation next
            boolean interrupted = false;
            while (parser.isAlive()) {
                try {
                    parser.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                queue.clear();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Puts an item on the queue, waiting while it is full; gives up once the load is cancelled. */
    private void handOver(Object item) {
        if (item instanceof List<?> l && l.isEmpty()) {
            return;
        }
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    throw new CancellationException("the load was stopped by its writer");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the parser thread was interrupted");
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void triple(Triple triple) {
        quad(Quad.create(Quad.defaultGraphIRI, triple));
    }

    @Override
    public void quad(Quad quad) {
        if (cancelled) {
            throw new CancellationException("the load was stopped by its writer");
        }
        TermCodec.checkStorable(quad.getSubject(), "subject");
        TermCodec.checkStorable(quad.getPredicate(), "predicate");
        TermCodec.checkStorable(quad.getObject(), "object");
        TermCodec.checkStorable(quad.getGraph(), "graph");
        buffer.add(quad);
        if (buffer.size() >= batchQuads) {
            List<Quad> full = buffer;
            buffer = newBuffer();
            handOver(full);
        }
    }

    @Override
    public void base(String base) {
    }

    @Override
    public void prefix(String prefix, String iri) {
    }

    /**
     * Does nothing: RIOT calls {@code finish} also when parsing failed (from a {@code finally}), and the batch
     * being gathered must then not be written. The last batch is handed over once the parser has returned.
     */
    @Override
    public void finish() {
    }

    /** Counts a parser warning (on the parser thread). */
    public void warning() {
        warnings.incrementAndGet();
    }

    /**
     * The figures of the batches applied so far.
     *
     * @return the progress
     */
    public LoadProgress progress() {
        return progress;
    }

    /** What the parser thread threw. */
    private record Failure(Throwable cause) {
    }
}
