package dev.plinth.quadstore.internal;

import org.apache.jena.query.Query;
import org.apache.jena.sparql.algebra.Algebra;
import org.apache.jena.sparql.algebra.Op;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.engine.Plan;
import org.apache.jena.sparql.engine.QueryEngineFactory;
import org.apache.jena.sparql.engine.QueryEngineRegistry;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.main.QueryEngineMain;
import org.apache.jena.sparql.util.Context;

/**
 * ARQ's query engine for a {@link StoreDatasetGraph}: ARQ's main engine, with the optimised algebra turned
 * into quad form as TDB2 does, so that a basic graph pattern inside {@code GRAPH ?g} is one quad pattern over
 * every named graph (joined on ids by {@link IdOpExecutor}) instead of one evaluation per graph. A query with
 * its own dataset description ({@code FROM}, {@code FROM NAMED}) runs on ARQ's dynamic dataset in the
 * general, graph-by-graph form.
 *
 * <p>{@link #registerOnce()} adds the factory to ARQ's registry once; it accepts only datasets of this module.
 */
final class StoreQueryEngine extends QueryEngineMain {
    private static final QueryEngineFactory FACTORY = new QueryEngineFactory() {
        @Override
        public boolean accept(Query query, DatasetGraph dataset, Context context) {
            return dataset instanceof StoreDatasetGraph;
        }

        @Override
        public Plan create(Query query, DatasetGraph dataset, Binding input, Context context) {
            return new StoreQueryEngine(query, dataset, input, context).getPlan();
        }

        @Override
        public boolean accept(Op op, DatasetGraph dataset, Context context) {
            return dataset instanceof StoreDatasetGraph;
        }

        @Override
        public Plan create(Op op, DatasetGraph dataset, Binding input, Context context) {
            return new StoreQueryEngine(op, dataset, input, context).getPlan();
        }
    };
    private static volatile boolean registered;

    private StoreQueryEngine(Query query, DatasetGraph dataset, Binding input, Context context) {
        super(query, dataset, input, context);
    }

    private StoreQueryEngine(Op op, DatasetGraph dataset, Binding input, Context context) {
        super(op, dataset, input, context);
    }

    /** Adds this engine to ARQ's registry, once per JVM. Thread-safe. */
    static void registerOnce() {
        if (registered) {
            return;
        }
        synchronized (FACTORY) {
            if (!registered) {
                QueryEngineRegistry.addFactory(FACTORY);
                registered = true;
            }
        }
    }

    @Override
    protected Op modifyOp(Op op) {
        op = super.modifyOp(op);
        return isDynamicDataset() ? op : Algebra.toQuadForm(op);
    }
}
