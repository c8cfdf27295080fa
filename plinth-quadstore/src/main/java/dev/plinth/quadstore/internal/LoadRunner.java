package dev.plinth.quadstore.internal;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.Store;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteOptions;
import dev.plinth.quadstore.LoadListener;
import dev.plinth.quadstore.LoadProgress;
import dev.plinth.quadstore.QuadStoreOptions;
import dev.plinth.quadstore.RdfParseException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.riot.RiotParseException;
import org.apache.jena.riot.system.ErrorHandler;
import org.apache.jena.sparql.core.Quad;

/**
 * The parts of a quad store's bulk loads that do not write: running the parser into batches, the syntax of a
 * file, the load's durability, the final flush, and the words of what failed. Holds only its store and options;
 * each call runs on the calling thread, as the {@code QuadStore} that owns it documents.
 */
public final class LoadRunner {
    private final Store store;
    private final QuadStoreOptions options;

    /**
     * A runner for one quad store's loads.
     *
     * @param store the store the quad store is on
     * @param options the quad store's options
     */
    public LoadRunner(Store store, QuadStoreOptions options) {
        this.store = store;
        this.options = options;
    }

    /**
     * Runs the parser into a sink that hands batches to {@code write} on this thread, turning what fails into the
     * exceptions {@code QuadStore.load} and {@code QuadStore.loadSorted} document; {@code onEnd} is told of the end
     * (with the failure about to be thrown, or {@code null}) before the result is returned. The input is closed.
     */
    public LoadProgress parse(InputStream in, Lang lang, String baseUri, LoadListener listener, String source,
            boolean sorted, java.util.function.ToIntFunction<List<Quad>> write,
            java.util.function.Consumer<Throwable> onEnd) {
        Capabilities caps = store.capabilities();
        int batch = Math.max(1, Math.min(options.loadBatchQuads(), (caps.maxBatchOps() - 2) / QuadWriter.OPS_PER_QUAD));
        String what = (sorted ? "the sorted load of " : "the load of ") + source + " into the quad store on "
                + store.uri();
        long[] read = {0};
        QuadSink sink = new QuadSink(batch, quads -> {
            try {
                int added = write.applyAsInt(quads);
                read[0] += quads.size();
                return added;
            } catch (PlinthException e) {
                throw e; // the engine's own, naming the store
            } catch (java.util.concurrent.CancellationException e) {
                throw e; // the loading thread was interrupted (a sorted load's spill waits for its sorts)
            } catch (IllegalArgumentException e) {
                throw new UnstorableTerm(e);
            } catch (RuntimeException e) {
                throw new PlinthException("Writing a batch of " + what + " failed after " + read[0]
                        + " quads were written: " + e + ". " + (sorted ? NOTHING_KEPT : "The failed batch was not applied."), e);
            }
        }, listener, in, what);
        ErrorHandler errors = new ErrorHandler() {
            @Override
            public void warning(String message, long line, long col) {
                sink.warning();
            }

            @Override
            public void error(String message, long line, long col) {
                throw new RiotParseException(message, line, col);
            }

            @Override
            public void fatal(String message, long line, long col) {
                throw new RiotParseException(message, line, col);
            }
        };
        try (in) {
            try {
                sink.run(parserSink -> RDFParser.create().source(in).lang(lang).base(baseUri).errorHandler(errors)
                        .parse(parserSink), "plinth-rdf-parse " + source);
            } catch (RuntimeException | Error e) {
                onEnd.accept(e);
                throw e;
            }
            onEnd.accept(null);
        } catch (java.util.concurrent.CancellationException e) {
            if (!sorted) {
                throw e; // it says which batches stay
            }
            java.util.concurrent.CancellationException c = new java.util.concurrent.CancellationException(
                    "The thread running " + what + " was interrupted. " + NOTHING_KEPT);
            c.initCause(e);
            throw c;
        } catch (QuadSink.ParseFailure f) {
            RuntimeException e = f.getCause();
            if (e instanceof RiotParseException rpe) {
                throw new RdfParseException("Loading " + source + " into the quad store on " + store.uri()
                        + " failed at line " + rpe.getLine() + ", column " + rpe.getCol() + ": "
                        + rpe.getOriginalMessage() + ". " + kept(sink, sorted), rpe.getLine(), rpe.getCol(),
                        sink.progress(), rpe);
            }
            if (e instanceof RiotException || e instanceof IllegalArgumentException) {
                throw parseError(source, sink, e, sorted);
            }
            throw e;
        } catch (UnstorableTerm e) {
            throw parseError(source, sink, e.getCause(), sorted); // a write refused a term of the input
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("The quad store on " + store.uri() + " could not close the input "
                    + source + " after loading it: " + e.getMessage(), e);
        }
        return sink.progress();
    }

    /** What a failed sorted load keeps. */
    private static final String NOTHING_KEPT = "Nothing of the sorted load is kept: the quad store is emptied again.";

    /** What a failed load keeps, in the words of its exception. */
    private static String kept(QuadSink sink, boolean sorted) {
        return sorted ? NOTHING_KEPT : "The failed batch was not applied; " + sink.progress().quadsRead()
                + " quads of earlier batches were.";
    }

    /** The syntax of a file to load, by its extension. */
    public Lang langOf(Path file) {
        Lang lang = RDFLanguages.pathnameToLang(file.toString());
        if (lang == null || !RDFLanguages.isTriples(lang) && !RDFLanguages.isQuads(lang)) {
            throw new IllegalArgumentException("The file " + file + " has no extension of an RDF syntax (.nq, .trig, "
                    + ".ttl, .nt) to load into the quad store on " + store.uri() + ".");
        }
        return lang;
    }

    /** The write options of a load's batches; refuses (closing the input) a durability the store does not honour. */
    public WriteOptions loadWriteOptions(Capabilities caps, InputStream in) {
        if (options.loadDurability().isEmpty()) {
            return WriteOptions.DEFAULT;
        }
        Durability durability = options.loadDurability().get();
        if (caps.durabilities().contains(durability)) {
            return WriteOptions.durability(durability);
        }
        UnsupportedCapabilityException refused = new UnsupportedCapabilityException("The quad store on "
                + store.uri() + " cannot load at durability " + durability + " (QuadStoreOptions.loadDurability): "
                + "the store honours only " + caps.durabilities() + ". Nothing was read or written.");
        try {
            in.close();
        } catch (java.io.IOException e) {
            refused.addSuppressed(e);
        }
        throw refused;
    }

    /**
     * Makes the batches a load applied as durable as the store can make them, whether the load ended normally
     * or with {@code failure}, whose suppressed exceptions then receive a failure of the flush. An interrupt of
     * the calling thread (a cancelled load ends with it set) is cleared for the flush and set again after it, so
     * that no engine's I/O sees it (Plinth's own file system ignores interrupts; an engine's own I/O may not).
     */
    public void flushLoad(long quadsWritten, Throwable failure) {
        if (quadsWritten == 0 || store.isClosed()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            store.flush();
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RdfParseException parseError(String source, QuadSink sink, RuntimeException e, boolean sorted) {
        return new RdfParseException("Loading " + source + " into the quad store on " + store.uri() + " failed: "
                + e.getMessage() + ". " + kept(sink, sorted), -1, -1, sink.progress(), e);
    }

    /** A write of a bulk load refused a term of the input: reported as an error of the input. */
    private static final class UnstorableTerm extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnstorableTerm(IllegalArgumentException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized IllegalArgumentException getCause() {
            return (IllegalArgumentException) super.getCause();
        }
    }
}
