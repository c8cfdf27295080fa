package dev.plinth.quadstore.internal;

import java.util.List;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.Triple;
import org.apache.jena.sparql.algebra.op.OpDatasetNames;
import org.apache.jena.sparql.algebra.op.OpQuadPattern;
import org.apache.jena.sparql.core.BasicPattern;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.engine.ExecutionContext;
import org.apache.jena.sparql.core.Var;
import org.apache.jena.sparql.engine.QueryIterator;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.binding.BindingFactory;
import org.apache.jena.sparql.engine.iterator.QueryIterNullIterator;
import org.apache.jena.sparql.engine.iterator.QueryIterPlainWrapper;
import org.apache.jena.sparql.engine.iterator.QueryIterRepeatApply;
import org.apache.jena.sparql.engine.iterator.QueryIterSingleton;
import org.apache.jena.sparql.engine.main.OpExecutor;
import org.apache.jena.sparql.engine.main.OpExecutorFactory;
import org.apache.jena.sparql.engine.optimizer.reorder.ReorderLib;
import org.apache.jena.sparql.engine.optimizer.reorder.ReorderTransformation;

/**
 * ARQ's operator executor for queries over a {@link StoreDatasetGraph}, set in its context: a quad pattern (the
 * quad form of a basic graph pattern, see {@link StoreQueryEngine}) over the default graph, one named graph or
 * a graph variable is joined on dictionary ids by an {@link IdQuadPatternIterator}. Everything else, and any
 * quad pattern it cannot take (another dataset, the union graph, a triple term in the pattern), goes to
 * ARQ's general executor.
 *
 * <p>Patterns are ordered as ARQ's general executor and TDB2 without statistics order them
 * ({@link ReorderLib#fixed()}). Not thread-safe; ARQ makes one per execution context.
 */
final class IdOpExecutor extends OpExecutor {
    private static final ReorderTransformation REORDER = ReorderLib.fixed();

    private final StoreDatasetGraph dataset;

    private IdOpExecutor(ExecutionContext execCxt, StoreDatasetGraph dataset) {
        super(execCxt);
        this.dataset = dataset;
    }

    /**
     * The factory of executors for one dataset.
     *
     * @param dataset the dataset whose quad patterns are joined on ids
     * @return the factory
     */
    static OpExecutorFactory factory(StoreDatasetGraph dataset) {
        return execCxt -> new IdOpExecutor(execCxt, dataset);
    }

    @Override
    protected QueryIterator execute(OpQuadPattern quadPattern, QueryIterator input) {
        Node graph = quadPattern.getGraphNode();
        BasicPattern pattern = quadPattern.getBasicPattern();
        if (execCxt.getDataset() != dataset || quadPattern.isEmpty() || Quad.isUnionGraph(graph)
                || !plain(pattern, graph)) {
            return super.execute(quadPattern, input);
        }
        if (Quad.isDefaultGraph(graph)) {
            graph = Quad.defaultGraphIRI;
        }
        BasicPattern ordered = pattern.size() > 1 ? REORDER.reorder(pattern) : pattern;
        return new IdQuadPatternIterator(ordered.getList(), graph, input, execCxt, dataset.indexes());
    }

    /**
     * The quad form of {@code GRAPH ?g {}} (or of a constant graph): the named graphs that hold quads, which
     * ARQ's general executor does not implement.
     */
    @Override
    protected QueryIterator execute(OpDatasetNames dsNames, QueryIterator input) {
        if (execCxt.getDataset() != dataset) {
            return super.execute(dsNames, input);
        }
        Node gn = dsNames.getGraphNode();
        return new QueryIterRepeatApply(input, execCxt) {
            private List<Node> graphs;

            @Override
            protected QueryIterator nextStage(Binding b) {
                if (graphs == null) {
                    graphs = dataset.namedGraphs();
                }
                Node bound = gn.isVariable() ? b.get(Var.alloc(gn)) : gn;
                if (bound != null) {
                    return graphs.contains(bound) ? QueryIterSingleton.create(b, execCxt)
                            : QueryIterNullIterator.create(execCxt);
                }
                Var v = Var.alloc(gn);
                return QueryIterPlainWrapper.create(graphs.stream().map(g -> BindingFactory.binding(b, v, g)).iterator(),
                        execCxt);
            }
        };
    }

    /** Whether every component is a variable or a term the dictionary can hold. */
    private static boolean plain(BasicPattern pattern, Node graph) {
        if (!plain(graph)) {
            return false;
        }
        List<Triple> triples = pattern.getList();
        for (Triple t : triples) {
            if (!plain(t.getSubject()) || !plain(t.getPredicate()) || !plain(t.getObject())) {
                return false;
            }
        }
        return true;
    }

    private static boolean plain(Node n) {
        return n.isVariable() || n.isURI() || n.isBlank() || n.isLiteral();
    }
}
