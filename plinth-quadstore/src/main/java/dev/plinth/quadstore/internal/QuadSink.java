package dev.plinth.quadstore.internal;

import dev.plinth.PlinthException;
import dev.plinth.quadstore.LoadListener;
import dev.plinth.quadstore.LoadProgress;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * failure, and {@link #progress()} counts exactly the batches applied. What the parser threw reaches the
 * caller wrapped in {@link ParseFailure} (so that it is never mistaken for a failure of a write); a checked
 * exception the parser threw sneakily is wrapped once more, an {@link IOException} in an
 * {@link UncheckedIOException} and any other in a {@link PlinthException}, each naming the load.
 *
 * <p>Stopping the parser: when a write or the listener fails, or the loading thread is interrupted, the sink
 * marks the load cancelled, <em>closes the input</em> and interrupts the parser thread, then waits for it to
 * end. Closing ends a read blocked on a socket or a channel, and the interrupt one blocked on a
 * {@link java.io.PipedInputStream} or an interruptible channel, so a parser waiting for a slow producer stops
 * at once; a parser that is parsing stops at its next quad or hand-over. The wait is bounded by
 * {@link #PARSER_STOP_WAIT_MILLIS}: a read that neither closing nor interrupting can end (a
 * {@link java.io.FileInputStream} on a pipe or a terminal, on Linux) keeps the parser thread, a daemon, until
 * that read returns; it then stops without writing anything. After every other end of the load the parser
 * thread has ended when {@link #run} returns.
 *
 * <p>One load, once: {@link #run} is called by one thread; the parser thread only calls the {@code StreamRDF}
 * methods and {@link #warning()}.
 */
public final class QuadSink implements StreamRDF {
    /** Batches parsed ahead of the writer at most. */
    public static final int QUEUE_BATCHES = 2;
    /** How long a stopped load waits for its parser thread to end after closing the input, at most. */
    public static final long PARSER_STOP_WAIT_MILLIS = 10_000;
    private static final Object END = new Object();

    private final int batchQuads;
    private final ToIntFunction<List<Quad>> writer;
    private final LoadListener listener;
    private final Closeable input;
    private final String what;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final AtomicLong warnings = new AtomicLong();
    private volatile boolean cancelled;

    // Parser thread only.
    private List<Quad> buffer;

    // Loading thread only; volatile so that progress() may be read from any thread.
    private volatile LoadProgress progress = new LoadProgress(0, 0, 0, 0);
    private volatile Thread parserThread;
    /** {@link #PARSER_STOP_WAIT_MILLIS}; tests shorten it. Set before {@link #run}. */
    long stopWaitMillis = PARSER_STOP_WAIT_MILLIS;

    /**
     * A sink writing batches of {@code batchQuads}.
     *
     * @param batchQuads quads per batch
     * @param writer writes one batch atomically, returning how many quads were new
     * @param listener told after each batch, on the loading thread
     * @param input what the parser reads; closed by {@link #run} when the load stops before the parser ended
     * @param what the load in the words of an error message, naming its input and its store, as in
     *     "the load of data.nq into the quad store on mem:x"
     */
    public QuadSink(int batchQuads, ToIntFunction<List<Quad>> writer, LoadListener listener, Closeable input,
            String what) {
        this.batchQuads = batchQuads;
        this.writer = writer;
        this.listener = listener;
        this.input = input;
        this.what = what;
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
     * @throws ParseFailure what the parser threw (its cause), unless an {@link Error}, which is rethrown as is
     * @throws RuntimeException what a write or the listener threw, as it is
     * @throws CancellationException if the loading thread was interrupted (its interrupt stays set)
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
        parserThread = parser;
        parser.start();
        boolean parserDone = false;
        boolean interrupted = false;
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) {
                    parserDone = true;
                    return progress;
                }
                if (item instanceof Failure f) {
                    parserDone = true;
                    throw parseFailure(f.cause);
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
            interrupted = true;
            throw new CancellationException("The thread running " + what + " was interrupted; the "
                    + progress.batches() + " batches applied before stay.");
        } finally {
            cancelled = true;
            queue.clear(); // unblocks a parser waiting to hand over; it sees the cancellation next
            if (parserDone) {
                interrupted |= join(parser, 0); // it handed over its last item and is only returning
            } else {
                closeInput();
                parser.interrupt();
                interrupted |= join(parser, stopWaitMillis);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Joins the parser thread, for at most {@code millis} (0: no bound); returns whether this thread was interrupted. */
    private boolean join(Thread parser, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        while (parser.isAlive()) {
            long left = millis == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (millis != 0 && left <= 0) {
                break;
            }
            try {
                parser.join(left);
            } catch (InterruptedException e) {
                interrupted = true; // the parser has been told to stop and ends soon: keep waiting
            }
            queue.clear();
        }
        return interrupted;
    }

    private void closeInput() {
        try {
            input.close();
        } catch (IOException | RuntimeException e) {
            // The load already failed and throws that failure; the parser stops whether or not the close worked.
        }
    }

    /** What the parser threw, as the exception to throw on the loading thread. */
    private RuntimeException parseFailure(Throwable cause) {
        if (cause instanceof Error e) {
            throw e;
        }
        if (cause instanceof RuntimeException e) {
            return new ParseFailure(e);
        }
        if (cause instanceof IOException e) {
            return new ParseFailure(new UncheckedIOException("The parser of " + what + " failed reading its input: "
                    + e.getMessage(), e));
        }
        return new ParseFailure(new PlinthException("The parser of " + what + " failed: " + cause, cause));
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
            throw new CancellationException("the parser thread was told to stop");
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

    /** The parser thread of the load, once {@link #run} started it (for tests). */
    Thread parserThread() {
        return parserThread;
    }

    /** What the parser threw. */
    private record Failure(Throwable cause) {
    }

    /**
     * A failure of the parser, as opposed to one of a write or the listener; the cause is what the parser threw
     * (unchecked, see the class comment).
     */
    public static final class ParseFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParseFailure(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }
}
