package dev.plinth.quadstore.internal;

import dev.plinth.quadstore.LoadListener;
import dev.plinth.quadstore.LoadProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.jena.graph.Triple;
import org.apache.jena.riot.system.StreamRDF;
import org.apache.jena.sparql.core.Quad;

/**
 * Where a bulk load's parser delivers quads: they are gathered into batches of a bounded size, and each full
 * batch is written by the quad store's writer, so memory stays bounded whatever the input's size. Triples go
 * to the default graph.
 *
 * <p>Not thread-safe: one load, on one thread.
 */
public final class QuadSink implements StreamRDF {
    private final int batchQuads;
    private final ToIntFunction<List<Quad>> writer;
    private final LoadListener listener;
    private final List<Quad> buffer;
    private long quadsRead;
    private long quadsAdded;
    private long batches;
    private long warnings;

    /**
     * A sink writing batches of {@code batchQuads}.
     *
     * @param batchQuads quads per batch
     * @param writer writes one batch atomically, returning how many quads were new
     * @param listener told after each batch
     */
    public QuadSink(int batchQuads, ToIntFunction<List<Quad>> writer, LoadListener listener) {
        this.batchQuads = batchQuads;
        this.writer = writer;
        this.listener = listener;
        this.buffer = new ArrayList<>(Math.min(batchQuads, 65_536));
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
        TermCodec.checkStorable(quad.getSubject(), "subject");
        TermCodec.checkStorable(quad.getPredicate(), "predicate");
        TermCodec.checkStorable(quad.getObject(), "object");
        TermCodec.checkStorable(quad.getGraph(), "graph");
        buffer.add(quad);
        if (buffer.size() >= batchQuads) {
            flush();
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
     * being gathered must then not be written. The loader calls {@link #end()} once parsing returned normally.
     */
    @Override
    public void finish() {
    }

    /** Writes the last, partial batch; called once the parser has returned without an error. */
    public void end() {
        flush();
    }

    /** Counts a parser warning. */
    public void warning() {
        warnings++;
    }

    /** Drops the batch being gathered (after a parse error). */
    public void discard() {
        buffer.clear();
    }

    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        int added = writer.applyAsInt(buffer);
        quadsRead += buffer.size();
        quadsAdded += added;
        batches++;
        buffer.clear();
        listener.batchApplied(progress());
    }

    /**
     * The figures of the batches applied so far.
     *
     * @return the progress
     */
    public LoadProgress progress() {
        return new LoadProgress(quadsRead, quadsAdded, batches, warnings);
    }
}
