package dev.plinth.quadstore.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.keys.KeyWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.Triple;
import org.apache.jena.sparql.core.Var;
import org.apache.jena.sparql.engine.ExecutionContext;
import org.apache.jena.sparql.engine.QueryIterator;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.iterator.QueryIter1;

/**
 * The solutions of a quad pattern (a basic graph pattern in one graph, or in every named graph when the graph
 * is a variable) for each binding of its input: a nested-loop join on dictionary ids, depth first, streaming.
 *
 * <p>Each triple pattern is a <em>level</em>. A level's matches are the keys under one prefix of the index
 * order its bound components choose ({@link IndexOrder#forPattern}); each level keeps one cursor per order,
 * opened once from one {@link Snapshot} taken when the first level is entered, and repositioned with
 * {@link Cursor#seek(byte[])} for every partial solution, so one execution opens a handful of cursors
 * whatever the number of bindings. Values bound by the input are taken as ids when an earlier pattern of
 * the same store bound them ({@link IdBinding}), else looked up once per input binding; constants are looked
 * up once. Solutions are {@link IdBinding}s: no term is decoded unless ARQ reads it.
 *
 * <p>A variable graph matches the named graphs only (a value bound to the default graph matches nothing),
 * as SPARQL's {@code GRAPH ?g} does.
 *
 * <p>Not thread-safe, like every ARQ iterator. Closing it closes its cursors, its snapshot and its input.
 */
final class IdQuadPatternIterator extends QueryIter1 {
    private static final long UNBOUND = IdBinding.UNBOUND;
    private static final long ABSENT = IdBinding.ABSENT;
    /** Positions of a level: subject, predicate, object ({@link IndexOrder#S} ...) and graph ({@link IndexOrder#G}). */
    private static final int POSITIONS = 4;

    private final QuadIndexes indexes;
    private final TermDictionary dictionary;
    private final int levels;
    /** Per level and position: the constant's id ({@link #ABSENT} if never stored), or {@link #UNBOUND} for a variable. */
    private final long[][] constants;
    /** Per level and position: the variable's number, or -1 for a constant. */
    private final int[][] varAt;
    private final Var[] vars;
    /** Whether the graph is a variable: then the default graph's quads do not match. */
    private final boolean namedGraphsOnly;
    private final int graphVar;

    /** The ids of the variables, {@link #UNBOUND} when not bound: the current partial solution. */
    private final long[] varIds;
    /** Which variables the current input binding bound. */
    private final boolean[] fromInput;
    /** Per level, which variables that level bound in its current match. */
    private final boolean[][] boundHere;
    private final byte[][] prefixes;
    private final Cursor[] cursors;
    private final IndexOrder[] orders;
    private final List<Map<IndexOrder, Cursor>> cursorsByOrder = new ArrayList<>();
    private final KeyWriter keys = new KeyWriter(40);
    private final long[] quadIds = new long[POSITIONS];
    private final long[] prefixIds = new long[POSITIONS];

    private Snapshot snapshot;
    private Binding parent;
    private int level = -1;
    private Binding next;

    /**
     * An iterator over the solutions of a pattern for each input binding.
     *
     * @param pattern the triple patterns, in the order to join them; each component a variable or a
     *     storable term
     * @param graph the graph: a variable, a named graph's term, or a name of the default graph
     * @param input the input bindings; owned by this iterator from now on
     * @param execCxt ARQ's execution context
     * @param indexes the quad store's indexes and dictionary
     */
    IdQuadPatternIterator(List<Triple> pattern, Node graph, QueryIterator input, ExecutionContext execCxt,
            QuadIndexes indexes) {
        super(input, execCxt);
        this.indexes = indexes;
        this.dictionary = indexes.dictionary();
        this.levels = pattern.size();
        this.constants = new long[levels][POSITIONS];
        this.varAt = new int[levels][POSITIONS];
        List<Var> seen = new ArrayList<>();
        this.namedGraphsOnly = graph.isVariable();
        for (int l = 0; l < levels; l++) {
            Triple t = pattern.get(l);
            Node[] nodes = {t.getSubject(), t.getPredicate(), t.getObject(), graph};
            for (int pos = 0; pos < POSITIONS; pos++) {
                if (nodes[pos].isVariable()) {
                    Var v = Var.alloc(nodes[pos]);
                    int i = seen.indexOf(v);
                    if (i < 0) {
                        i = seen.size();
                        seen.add(v);
                    }
                    varAt[l][pos] = i;
                    constants[l][pos] = UNBOUND;
                } else {
                    varAt[l][pos] = -1;
                    constants[l][pos] = l > 0 && pos == IndexOrder.G ? constants[0][pos] : idOf(nodes[pos]);
                }
            }
            cursorsByOrder.add(new EnumMap<>(IndexOrder.class));
        }
        this.vars = seen.toArray(new Var[0]);
        this.graphVar = namedGraphsOnly ? seen.indexOf(Var.alloc(graph)) : -1;
        this.varIds = new long[vars.length];
        this.fromInput = new boolean[vars.length];
        this.boundHere = new boolean[levels][vars.length];
        this.prefixes = new byte[levels][];
        this.cursors = new Cursor[levels];
        this.orders = new IndexOrder[levels];
    }

    private long idOf(Node constant) {
        long id = dictionary.lookup(constant);
        return id < 0 ? ABSENT : id;
    }

    @Override
    protected boolean hasNextBinding() {
        if (next == null) {
            next = advance();
        }
        return next != null;
    }

    @Override
    protected Binding moveToNextBinding() {
        if (!hasNextBinding()) {
            throw new NoSuchElementException("no more solutions");
        }
        Binding b = next;
        next = null;
        return b;
    }

    /** The next complete solution, or {@code null} when the input is exhausted. */
    private Binding advance() {
        while (true) {
            if (level < 0) {
                if (!getInput().hasNext()) {
                    return null;
                }
                if (!start(getInput().nextBinding())) {
                    continue;
                }
                level = 0;
                enter(0);
            }
            if (match(level)) {
                if (level == levels - 1) {
                    return solution();
                }
                level++;
                enter(level);
            } else {
                level--;
            }
        }
    }

    /** Takes an input binding: its values of this pattern's variables, as ids; false if it cannot match. */
    private boolean start(Binding b) {
        parent = b;
        for (int v = 0; v < vars.length; v++) {
            long id = IdBinding.idOf(b, vars[v], dictionary);
            if (id == ABSENT) {
                return false; // a value the store has never held matches nothing here
            }
            varIds[v] = id;
            fromInput[v] = id != UNBOUND;
        }
        return !(namedGraphsOnly && varIds[graphVar] == TermCodec.DEFAULT_GRAPH_ID);
    }

    /** Positions level {@code l}'s cursor on the prefix its bound components make. */
    private void enter(int l) {
        Arrays.fill(boundHere[l], false);
        int mask = 0;
        for (int pos = 0; pos < POSITIONS; pos++) {
            long id = varAt[l][pos] >= 0 ? varIds[varAt[l][pos]] : constants[l][pos];
            if (id == ABSENT) {
                prefixes[l] = null; // a constant the store never held: no match
                return;
            }
            if (id != UNBOUND) {
                prefixIds[pos] = id;
                mask |= 1 << pos;
            }
        }
        IndexOrder order = IndexOrder.forPattern(mask);
        prefixes[l] = order.prefix(keys, prefixIds, Integer.bitCount(mask));
        Cursor c = cursorsByOrder.get(l).get(order);
        if (c == null) {
            indexes.ensureOpen();
            if (snapshot == null) {
                snapshot = indexes.store().snapshot();
            }
            c = snapshot.cursor(indexes.index(order), Range.all(), ScanOptions.forward().withKeysOnly(true));
            cursorsByOrder.get(l).put(order, c);
        }
        c.seek(prefixes[l]);
        cursors[l] = c;
        orders[l] = order;
    }

    /** Moves level {@code l} to its next match, binding its unbound variables; false when it has no more. */
    private boolean match(int l) {
        unbind(l);
        byte[] prefix = prefixes[l];
        if (prefix == null) {
            return false;
        }
        Cursor c = cursors[l];
        outer:
        while (c.next()) {
            byte[] key = c.key();
            if (!startsWith(key, prefix)) {
                prefixes[l] = null;
                return false;
            }
            try {
                orders[l].decode(key, quadIds);
            } catch (IllegalArgumentException e) {
                throw new CorruptionException("The quad store on " + indexes.store().uri() + " holds a damaged key "
                        + "in index " + orders[l] + ": " + e.getMessage() + ".", e);
            }
            if (namedGraphsOnly && quadIds[IndexOrder.G] == TermCodec.DEFAULT_GRAPH_ID) {
                continue;
            }
            for (int pos = 0; pos < POSITIONS; pos++) {
                int v = varAt[l][pos];
                if (v < 0) {
                    continue;
                }
                if (varIds[v] == UNBOUND) {
                    varIds[v] = quadIds[pos];
                    boundHere[l][v] = true;
                } else if (varIds[v] != quadIds[pos]) {
                    // A variable repeated in this pattern (?x ?p ?x) disagrees with itself: not a match.
                    unbind(l);
                    continue outer;
                }
            }
            return true;
        }
        prefixes[l] = null;
        return false;
    }

    /** Forgets the variables level {@code l} bound in its current match. */
    private void unbind(int l) {
        for (int v = 0; v < vars.length; v++) {
            if (boundHere[l][v]) {
                varIds[v] = UNBOUND;
                boundHere[l][v] = false;
            }
        }
    }

    /** The complete solution: the input binding and the ids of the variables this pattern bound. */
    private Binding solution() {
        int n = 0;
        for (int v = 0; v < vars.length; v++) {
            if (!fromInput[v]) {
                n++;
            }
        }
        Var[] out = new Var[n];
        long[] ids = new long[n];
        int i = 0;
        for (int v = 0; v < vars.length; v++) {
            if (!fromInput[v]) {
                out[i] = vars[v];
                ids[i++] = varIds[v];
            }
        }
        return new IdBinding(parent, dictionary, out, ids);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    protected void requestSubCancel() {
    }

    /**
     * Closes this pattern's cursors and snapshot. If one of those closes throws, the input iterator (which
     * may hold cursors and a snapshot of its own) is closed here before the failure is thrown, since
     * {@link QueryIter1} closes its input only after this method returns normally.
     */
    @Override
    protected void closeSubIterator() {
        RuntimeException failure = null;
        for (Map<IndexOrder, Cursor> m : cursorsByOrder) {
            for (Cursor c : m.values()) {
                failure = closeQuietly(c::close, failure);
            }
        }
        if (snapshot != null) {
            failure = closeQuietly(snapshot::close, failure);
        }
        if (failure != null) {
            QueryIterator input = getInput();
            if (input != null) {
                try {
                    input.close();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
            throw failure;
        }
    }

    /** Closes one resource; returns the first failure, with later ones suppressed in it. */
    private static RuntimeException closeQuietly(Runnable close, RuntimeException failure) {
        try {
            close.run();
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }
}
