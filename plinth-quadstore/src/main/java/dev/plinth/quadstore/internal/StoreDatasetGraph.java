package dev.plinth.quadstore.internal;

import dev.plinth.quadstore.QuadIterator;
import dev.plinth.quadstore.QuadStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.jena.atlas.iterator.Iter;
import org.apache.jena.atlas.iterator.IteratorCloseable;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.Triple;
import org.apache.jena.query.ReadWrite;
import org.apache.jena.query.TxnType;
import org.apache.jena.riot.system.PrefixMap;
import org.apache.jena.riot.system.PrefixMapFactory;
import org.apache.jena.sparql.core.DatasetGraphBaseFind;
import org.apache.jena.sparql.core.GraphView;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.core.TransactionalLock;
import org.apache.jena.sparql.engine.main.QC;

/**
 * Jena's view of a {@link QuadStore}: a {@code DatasetGraph} whose finds are the quad store's prefix scans
 * and whose writes are its atomic adds and removes, so ARQ runs SPARQL on any Plinth engine. What its
 * transactions promise is on {@link QuadStore#asDatasetGraph()}: a write transaction logs its changes in an
 * {@link UndoLog}, which an abort plays back. SPARQL runs in quad form ({@link StoreQueryEngine}) and its basic
 * graph patterns are joined on dictionary ids ({@link IdOpExecutor}, set in this dataset's context).
 *
 * <p>Thread-safe as the quad store is; the transaction lock keeps SPARQL calls through this dataset apart.
 */
public final class StoreDatasetGraph extends DatasetGraphBaseFind {
    /** Quads {@link #addGraph} writes per batch. */
    static final int ADD_GRAPH_BATCH = 1_000;

    private final QuadStore quads;
    private final QuadIndexes indexes;
    private final TransactionalLock txn = TransactionalLock.createMRSW();
    private final PrefixMap prefixes = PrefixMapFactory.create();
    /** The changes of the write transaction in progress; touched only by the thread holding the write lock. */
    private final UndoLog undo = new UndoLog();

    /**
     * A view of a quad store.
     *
     * @param quads the quad store
     * @param indexes its indexes and dictionary, for the joins on ids
     */
    public StoreDatasetGraph(QuadStore quads, QuadIndexes indexes) {
        this.quads = quads;
        this.indexes = indexes;
        StoreQueryEngine.registerOnce();
        QC.setFactory(getContext(), IdOpExecutor.factory(this));
    }

    /** The named graphs holding quads, as {@link QuadStore#graphs()} lists them. */
    List<Node> namedGraphs() {
        return quads.graphs();
    }

    /** The quad store's indexes and dictionary. */
    QuadIndexes indexes() {
        return indexes;
    }

    @Override
    protected Iterator<Quad> findInDftGraph(Node s, Node p, Node o) {
        return quads.find(s, p, o, Quad.defaultGraphIRI);
    }

    @Override
    protected Iterator<Quad> findInSpecificNamedGraph(Node g, Node s, Node p, Node o) {
        return quads.find(s, p, o, g);
    }

    @Override
    protected Iterator<Quad> findInAnyNamedGraphs(Node s, Node p, Node o) {
        return new NamedGraphsOnly(quads.find(s, p, o, null));
    }

    /**
     * The union graph's triples: each triple of the named graphs once. Jena's own version streams without
     * closing, which left the cursor open; this one closes it with the iterator.
     */
    @Override
    public Iterator<Triple> findInUnionGraph(Node s, Node p, Node o) {
        return Iter.iter(findInAnyNamedGraphs(s, p, o)).map(Quad::asTriple).distinct();
    }

    @Override
    public Iterator<Quad> findQuadsInUnionGraph(Node s, Node p, Node o) {
        return Iter.iter(findInUnionGraph(s, p, o)).map(t -> Quad.create(Quad.unionGraph, t));
    }

    @Override
    protected Iterator<Quad> findAny(Node s, Node p, Node o) {
        return quads.find(s, p, o, null);
    }

    @Override
    public boolean contains(Node g, Node s, Node p, Node o) {
        if (g != null && Quad.isUnionGraph(g)) {
            return super.contains(g, s, p, o);
        }
        return quads.contains(s, p, o, g);
    }

    @Override
    public Graph getDefaultGraph() {
        return GraphView.createDefaultGraph(this);
    }

    @Override
    public Graph getGraph(Node graphNode) {
        if (Quad.isDefaultGraph(graphNode)) {
            return getDefaultGraph();
        }
        if (Quad.isUnionGraph(graphNode)) {
            return getUnionGraph();
        }
        return GraphView.createNamedGraph(this, graphNode);
    }

    @Override
    public void addGraph(Node graphName, Graph graph) {
        List<Quad> chunk = new ArrayList<>(ADD_GRAPH_BATCH);
        Iterator<Triple> it = graph.find();
        try {
            while (it.hasNext()) {
                chunk.add(Quad.create(graphName, it.next()));
                if (chunk.size() == ADD_GRAPH_BATCH) {
                    addChunk(chunk);
                    chunk.clear();
                }
            }
        } finally {
            org.apache.jena.atlas.iterator.Iter.close(it);
        }
        addChunk(chunk);
    }

    /** Adds quads in one batch; in a write transaction, logs the ones that were absent. */
    private void addChunk(List<Quad> chunk) {
        if (!logging()) {
            quads.addAll(chunk);
            return;
        }
        Set<Quad> absent = new LinkedHashSet<>();
        for (Quad q : chunk) {
            if (!quads.contains(q)) {
                absent.add(q);
            }
        }
        quads.addAll(absent);
        absent.forEach(undo::added);
    }

    @Override
    public void removeGraph(Node graphName) {
        java.util.Objects.requireNonNull(graphName, "graphName");
        if (graphName == Node.ANY) {
            throw new IllegalArgumentException("removeGraph takes one graph, not Node.ANY; use deleteAny to remove the"
                    + " quads of every graph of the quad store on " + quads.store().uri());
        }
        removeMatching(null, null, null, graphName);
    }

    /** Removes a pattern's quads; in a write transaction, in batches whose quads are logged. */
    private void removeMatching(Node s, Node p, Node o, Node g) {
        if (!logging()) {
            quads.removeMatching(s, p, o, g);
            return;
        }
        while (true) {
            List<Quad> chunk = new ArrayList<>(QuadStore.REMOVE_BATCH_QUADS);
            try (QuadIterator it = quads.find(s, p, o, g)) {
                while (chunk.size() < QuadStore.REMOVE_BATCH_QUADS && it.hasNext()) {
                    chunk.add(it.next());
                }
            }
            if (chunk.isEmpty()) {
                return;
            }
            if (quads.removeAll(chunk) == 0) {
                // Listed by the pattern's index but absent from SPOG: let the quad store's own removal report it.
                quads.removeMatching(s, p, o, g);
                return;
            }
            chunk.forEach(undo::removed);
        }
    }

    /** Whether this thread holds the write transaction, whose changes are logged for an abort. */
    private boolean logging() {
        return txn.isTransactionMode(ReadWrite.WRITE);
    }

    @Override
    public Iterator<Node> listGraphNodes() {
        return quads.graphs().iterator();
    }

    @Override
    public void add(Quad quad) {
        if (quads.add(quad) && logging()) {
            undo.added(quad);
        }
    }

    @Override
    public void delete(Quad quad) {
        if (quads.remove(quad) && logging()) {
            undo.removed(quad);
        }
    }

    @Override
    public void add(Node g, Node s, Node p, Node o) {
        add(Quad.create(g, s, p, o));
    }

    @Override
    public void delete(Node g, Node s, Node p, Node o) {
        delete(Quad.create(g, s, p, o));
    }

    @Override
    public void deleteAny(Node g, Node s, Node p, Node o) {
        if (g != null && Quad.isUnionGraph(g)) {
            super.deleteAny(g, s, p, o);
            return;
        }
        removeMatching(s, p, o, g);
    }

    @Override
    public void clear() {
        removeMatching(null, null, null, null);
    }

    @Override
    public PrefixMap prefixes() {
        return prefixes;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    @Override
    public boolean supportsTransactionAbort() {
        return true;
    }

    @Override
    public void begin(TxnType type) {
        txn.begin(type);
        if (logging()) {
            undo.clear();
        }
    }

    @Override
    public void begin(ReadWrite mode) {
        txn.begin(mode);
        if (logging()) {
            undo.clear();
        }
    }

    @Override
    public boolean promote(Promote mode) {
        return txn.promote(mode);
    }

    @Override
    public void commit() {
        if (logging()) {
            undo.clear();
        }
        txn.commit();
    }

    /**
     * Ends the transaction; a write transaction's changes are undone first (see {@link UndoLog}).
     *
     * @throws dev.plinth.PlinthException if undoing failed part way; the transaction is over all the same
     */
    @Override
    public void abort() {
        try {
            if (logging()) {
                undo.undo(quads);
            }
        } finally {
            txn.abort();
        }
    }

    /** Ends the transaction; a write transaction neither committed nor aborted is aborted. */
    @Override
    public void end() {
        if (logging()) {
            abort();
        }
        txn.end();
    }

    @Override
    public ReadWrite transactionMode() {
        return txn.transactionMode();
    }

    @Override
    public TxnType transactionType() {
        return txn.transactionType();
    }

    @Override
    public boolean isInTransaction() {
        return txn.isInTransaction();
    }

    /** Drops the default graph's quads from an iterator over every graph, keeping it closeable. */
    private static final class NamedGraphsOnly implements IteratorCloseable<Quad> {
        private final QuadIterator in;
        private Quad next;

        NamedGraphsOnly(QuadIterator in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            while (next == null && in.hasNext()) {
                Quad q = in.next();
                if (!q.isDefaultGraph()) {
                    next = q;
                }
            }
            return next != null;
        }

        @Override
        public Quad next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more quads");
            }
            Quad q = next;
            next = null;
            return q;
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
