package dev.plinth.quadstore.internal;

import java.util.List;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.Triple;
import org.apache.jena.sparql.core.BasicPattern;
import org.apache.jena.sparql.core.GraphView;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.engine.ExecutionContext;
import org.apache.jena.sparql.engine.QueryIterator;
import org.apache.jena.sparql.engine.main.StageGenerator;
import org.apache.jena.sparql.engine.optimizer.reorder.ReorderLib;
import org.apache.jena.sparql.engine.optimizer.reorder.ReorderTransformation;

/**
 * ARQ's hook for basic graph patterns ({@link StageGenerator}), set in the context of a
 * {@link StoreDatasetGraph}: a BGP over the default graph or one named graph of that dataset is joined on
 * dictionary ids by an {@link IdBgpIterator} (one snapshot, no term decoded until a solution is complete),
 * instead of one {@code find} per binding and pattern, each with its own snapshot and its terms decoded.
 * Anything else (another dataset's graph, the union graph, triple terms in the pattern) goes to the generator
 * that was in place before.
 *
 * <p>Patterns are ordered as ARQ's general executor orders them ({@link ReorderLib#fixed()}), so the join
 * order, and the result order, are those ARQ would use. Thread-safe: it holds no state of its own.
 */
final class IdStageGenerator implements StageGenerator {
    private static final ReorderTransformation REORDER = ReorderLib.fixed();

    private final StoreDatasetGraph dataset;
    private final QuadIndexes indexes;
    private final StageGenerator fallback;

    IdStageGenerator(StoreDatasetGraph dataset, QuadIndexes indexes, StageGenerator fallback) {
        this.dataset = dataset;
        this.indexes = indexes;
        this.fallback = fallback;
    }

    @Override
    public QueryIterator execute(BasicPattern pattern, QueryIterator input, ExecutionContext execCxt) {
        Graph active = execCxt.getActiveGraph();
        if (!(active instanceof GraphView view) || view.getDataset() != dataset || !plain(pattern)) {
            return fallback.execute(pattern, input, execCxt);
        }
        Node graph = view.getGraphName();
        if (graph == null || Quad.isDefaultGraph(graph)) {
            graph = Quad.defaultGraphIRI;
        } else if (Quad.isUnionGraph(graph)) {
            return fallback.execute(pattern, input, execCxt);
        }
        BasicPattern ordered = pattern.size() > 1 ? REORDER.reorder(pattern) : pattern;
        return new IdBgpIterator(ordered.getList(), graph, input, execCxt, indexes);
    }

    /** Whether every component of every triple is a variable or a term the dictionary can hold. */
    private static boolean plain(BasicPattern pattern) {
        List<Triple> triples = pattern.getList();
        for (Triple t : triples) {
            for (Node n : new Node[] {t.getSubject(), t.getPredicate(), t.getObject()}) {
                if (!(n.isVariable() || n.isURI() || n.isBlank() || n.isLiteral())) {
                    return false;
                }
            }
        }
        return !triples.isEmpty();
    }
}
