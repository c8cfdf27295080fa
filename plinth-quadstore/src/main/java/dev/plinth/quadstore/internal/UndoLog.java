package dev.plinth.quadstore.internal;

import dev.plinth.PlinthException;
import dev.plinth.quadstore.QuadStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.jena.sparql.core.Quad;

/**
 * What a write transaction of {@link StoreDatasetGraph} changed, in order, so that an abort can undo it:
 * each quad the transaction added (that was absent before) and each quad it removed (that was present).
 * Undoing applies the inverse changes newest first, in atomic batches of {@link #UNDO_BATCH} quads.
 *
 * <p>The undo is exact when nobody else writes the quad store while the transaction runs: the dataset's
 * write lock keeps its own SPARQL updates apart, but direct {@link QuadStore} calls and other processes are
 * not held off. It is not crash-atomic: a process that dies during the transaction leaves the changes made
 * so far, each of them whole. Memory grows with the number of changed quads.
 *
 * <p>Not thread-safe: used only by the thread that holds the dataset's write transaction.
 */
final class UndoLog {
    /** Quads one undo batch re-adds or removes. */
    static final int UNDO_BATCH = 1_000;

    private final List<Quad> quads = new ArrayList<>();
    private final List<Boolean> added = new ArrayList<>();

    /**
     * Records a quad the transaction added.
     *
     * @param q the quad, absent before
     */
    void added(Quad q) {
        quads.add(q);
        added.add(Boolean.TRUE);
    }

    /**
     * Records a quad the transaction removed.
     *
     * @param q the quad, present before
     */
    void removed(Quad q) {
        quads.add(q);
        added.add(Boolean.FALSE);
    }

    /**
     * How many changes are recorded.
     *
     * @return the count
     */
    int size() {
        return quads.size();
    }

    /**
     * Undoes every recorded change, newest first, and forgets them. Consecutive changes of one kind are
     * undone together, so a transaction that only added (or only removed) is undone in few batches.
     *
     * @param store the quad store the changes were made to
     * @throws PlinthException if a write fails; the message says that part of the transaction
     *     stays applied
     */
    void undo(QuadStore store) {
        int done = 0;
        try {
            int i = quads.size();
            while (i > 0) {
                boolean kind = added.get(i - 1);
                List<Quad> run = new ArrayList<>(UNDO_BATCH);
                while (i > 0 && added.get(i - 1) == kind && run.size() < UNDO_BATCH) {
                    run.add(quads.get(--i));
                }
                if (kind) {
                    store.removeAll(run);
                } else {
                    store.addAll(run);
                }
                done += run.size();
            }
        } catch (RuntimeException e) {
            throw new PlinthException("Aborting a write transaction on the quad store on " + store.store().uri()
                    + " failed after undoing " + done + " of " + quads.size() + " changes; the others stay applied: "
                    + e.getMessage(), e);
        } finally {
            quads.clear();
            added.clear();
        }
    }

    /** Forgets every change: the transaction committed. */
    void clear() {
        quads.clear();
        added.clear();
    }
}
