package dev.plinth.quadstore.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.keys.KeyWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.Triple;
import org.apache.jena.sparql.core.Var;
import org.apache.jena.sparql.engine.ExecutionContext;
import org.apache.jena.sparql.engine.QueryIterator;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.binding.BindingBuilder;
import org.apache.jena.sparql.engine.iterator.QueryIter1;

/**
 * The solutions of a basic graph pattern in one graph of a quad store, for each binding of its input: a
 * nested-loop join on dictionary ids, depth first, streaming. All reads go through one {@link Snapshot}; each
 * triple pattern (a <em>level</em>) opens a keys-only cursor bounded by the prefix of the ids bound so far, for
 * each partial solution, closing the one before. Terms are looked up once per constant and per input binding,
 * and decoded only for complete solutions (through the dictionary's cache).
 *
 * <p>Not thread-safe, like every ARQ iterator. Closing it closes its cursors, its snapshot and its input.
 */
final class IdBgpIterator extends QueryIter1 {
    private static final long UNBOUND = -1;
    /** A constant of the pattern that the store has never held: the level matches nothing. */
    private static final long ABSENT = -2;

    private final QuadIndexes indexes;
    private final int levels;
    /** Per level and position (S, P, O): the constant's id, or {@link #UNBOUND} if a variable. */
    private final long[][] constants;
    /** Per level and position (S, P, O): the variable's number, or -1 if a constant. */
    private final int[][] varAt;
    private final Var[] vars;
    private final long graphId;

    /** The ids of the variables, {@link #UNBOUND} when not bound; the current partial solution. */
    private final long[] varIds;
    /** Per level, which variables that level bound in its current match. */
    private final boolean[][] boundHere;
    private final byte[][] prefixes;
    private final Cursor[] cursors;
    private final IndexOrder[] orders;
    private final KeyWriter keys = new KeyWriter(40);
    private final long[] quadIds = new long[4];

    private Snapshot snapshot;
    private Binding parent;
    private int level = -1;
    private Binding next;

    IdBgpIterator(List<Triple> pattern, Node graph, QueryIterator input, ExecutionContext execCxt,
            QuadIndexes indexes) {
        super(input, execCxt);
        this.indexes = indexes;
        this.levels = pattern.size();
        this.constants = new long[levels][3];
        this.varAt = new int[levels][3];
        List<Var> seen = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            Triple t = pattern.get(l);
            Node[] nodes = {t.getSubject(), t.getPredicate(), t.getObject()};
            for (int pos = 0; pos < 3; pos++) {
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
                    long id = indexes.dictionary().lookup(nodes[pos]);
                    constants[l][pos] = id < 0 ? ABSENT : id;
                }
            }
        }
        this.vars = seen.toArray(new Var[0]);
        long g = indexes.dictionary().lookup(graph);
        this.graphId = g < 0 ? ABSENT : g;
        this.varIds = new long[vars.length];
        this.boundHere = new boolean[levels][vars.length];
        this.prefixes = new byte[levels][];
        this.cursors = new Cursor[levels];
        this.orders = new IndexOrder[levels];
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

    /** Takes an input binding: its values of this pattern's variables, as ids. */
    private boolean start(Binding b) {
        parent = b;
        if (graphId == ABSENT) {
            return false;
        }
        for (int v = 0; v < vars.length; v++) {
            Node n = b.get(vars[v]);
            if (n == null) {
                varIds[v] = UNBOUND;
            } else {
                long id = indexes.dictionary().lookup(n);
                if (id < 0) {
                    return false; // a value the store does not hold matches nothing here
                }
                varIds[v] = id;
            }
        }
        return true;
    }

    /** Positions level {@code l}'s cursor on the prefix its bound components make. */
    private void enter(int l) {
        Arrays.fill(boundHere[l], false);
        long[] ids = new long[4];
        int mask = 1 << IndexOrder.G;
        ids[IndexOrder.G] = graphId;
        for (int pos = 0; pos < 3; pos++) {
            long id = varAt[l][pos] >= 0 ? varIds[varAt[l][pos]] : constants[l][pos];
            if (id == ABSENT) {
                prefixes[l] = null; // cannot match
                return;
            }
            if (id != UNBOUND) {
                ids[pos] = id;
                mask |= 1 << pos;
            }
        }
        IndexOrder order = IndexOrder.forPattern(mask);
        prefixes[l] = order.prefix(keys, ids, Integer.bitCount(mask));
        if (cursors[l] != null) {
            cursors[l].close();
        }
        if (snapshot == null) {
            snapshot = indexes.store().snapshot();
        }
        // A cursor bounded by the prefix, not one cursor over the whole index repositioned by seek: on lsm: a
        // seek over an unbounded range touches every table, where a bounded cursor skips the tables outside
        // the prefix (measured: the seek version made SPARQL BGPs about ten times slower on lsm:).
        cursors[l] = snapshot.cursor(indexes.index(order), prefixes[l].length == 0 ? Range.all()
                : Range.prefix(prefixes[l]), ScanOptions.forward().withKeysOnly(true));
        orders[l] = order;
    }

    /** Moves level {@code l} to its next match, binding its unbound variables; false when it has no more. */
    private boolean match(int l) {
        for (int v = 0; v < vars.length; v++) {
            if (boundHere[l][v]) {
                varIds[v] = UNBOUND;
                boundHere[l][v] = false;
            }
        }
        byte[] prefix = prefixes[l];
        if (prefix == null) {
            return false;
        }
        Cursor c = cursors[l];
        outer:
        while (c.next()) {
            byte[] key = c.key();
            try {
                orders[l].decode(key, quadIds);
            } catch (IllegalArgumentException e) {
                throw new CorruptionException("The quad store on " + indexes.store().uri() + " holds a damaged key "
                        + "in index " + orders[l] + ": " + e.getMessage() + ".", e);
            }
            for (int pos = 0; pos < 3; pos++) {
                int v = varAt[l][pos];
                if (v < 0) {
                    continue;
                }
                if (varIds[v] == UNBOUND) {
                    varIds[v] = quadIds[pos];
                    boundHere[l][v] = true;
                } else if (varIds[v] != quadIds[pos]) {
                    // A variable repeated in this triple (?x ?p ?x) disagrees with itself: not a match.
                    for (int u = 0; u < vars.length; u++) {
                        if (boundHere[l][u]) {
                            varIds[u] = UNBOUND;
                            boundHere[l][u] = false;
                        }
                    }
                    continue outer;
                }
            }
            return true;
        }
        prefixes[l] = null;
        return false;
    }

    /** The complete solution: the input binding and this pattern's variables, decoded. */
    private Binding solution() {
        BindingBuilder b = Binding.builder(parent);
        for (int v = 0; v < vars.length; v++) {
            if (!parent.contains(vars[v])) {
                b.add(vars[v], indexes.dictionary().node(varIds[v]));
            }
        }
        return b.build();
    }

    @Override
    protected void requestSubCancel() {
    }

    @Override
    protected void closeSubIterator() {
        if (snapshot != null) {
            snapshot.close(); // closes the cursors opened from it
        }
    }
}
