package dev.plinth.quadstore.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.function.BiConsumer;
import org.apache.jena.graph.Node;
import org.apache.jena.sparql.core.Var;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.binding.BindingBase;

/**
 * A solution of a quad pattern that carries the dictionary ids of the variables it bound and decodes a term
 * only when ARQ asks for it: a variable that is only joined on by the next quad pattern of the same store is
 * never decoded, because {@link #idOf(Binding, Var, TermDictionary)} reads its id directly.
 *
 * <p>Immutable for its users; the lazily decoded terms are memoised in a plain array, which is safe because
 * a decoded term is immutable and decoding again gives an equal one.
 */
final class IdBinding extends BindingBase {
    /** What {@link #idOf} returns for a variable the binding does not hold. */
    static final long UNBOUND = -1;
    /** What {@link #idOf} returns for a value the store has never held (so nothing can match it). */
    static final long ABSENT = -2;

    private final TermDictionary dictionary;
    private final Var[] vars;
    private final long[] ids;
    private final Node[] nodes;

    /**
     * A binding of {@code vars} to {@code ids} over a parent.
     *
     * @param parent the input binding it extends
     * @param dictionary decodes the ids
     * @param vars the variables this binding adds (none of them bound in the parent)
     * @param ids their ids, same order; the array is owned by this binding from now on
     */
    IdBinding(Binding parent, TermDictionary dictionary, Var[] vars, long[] ids) {
        super(parent);
        this.dictionary = dictionary;
        this.vars = vars;
        this.ids = ids;
        this.nodes = new Node[vars.length];
    }

    /**
     * The id of a variable's value in a binding: read from the binding when a pattern of the same dictionary
     * bound it, else looked up from its term.
     *
     * @param b a binding
     * @param v a variable
     * @param dictionary the dictionary the id must be of
     * @return the id, {@link #UNBOUND} if the binding does not bind {@code v}, or {@link #ABSENT} if the
     *     store has never held its value
     */
    static long idOf(Binding b, Var v, TermDictionary dictionary) {
        Binding at = b;
        while (at instanceof IdBinding ib && ib.dictionary == dictionary) {
            for (int i = 0; i < ib.vars.length; i++) {
                if (ib.vars[i].equals(v)) {
                    return ib.ids[i];
                }
            }
            at = ib.parent;
        }
        if (at == null) {
            return UNBOUND;
        }
        Node n = at.get(v);
        if (n == null) {
            return UNBOUND;
        }
        long id = dictionary.lookup(n);
        return id < 0 ? ABSENT : id;
    }

    private int indexOf(Var v) {
        for (int i = 0; i < vars.length; i++) {
            if (vars[i].equals(v)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected Iterator<Var> vars1() {
        return Arrays.asList(vars).iterator();
    }

    @Override
    protected void forEach1(BiConsumer<Var, Node> action) {
        for (int i = 0; i < vars.length; i++) {
            action.accept(vars[i], node(i));
        }
    }

    @Override
    protected int size1() {
        return vars.length;
    }

    @Override
    protected boolean isEmpty1() {
        return vars.length == 0;
    }

    @Override
    protected boolean contains1(Var var) {
        return indexOf(var) >= 0;
    }

    @Override
    protected Node get1(Var var) {
        int i = indexOf(var);
        return i < 0 ? null : node(i);
    }

    private Node node(int i) {
        Node n = nodes[i];
        if (n == null) {
            n = dictionary.node(ids[i]);
            nodes[i] = n;
        }
        return n;
    }

    @Override
    protected Binding detachWithNewParent(Binding newParent) {
        return new IdBinding(newParent, dictionary, vars, ids);
    }
}
