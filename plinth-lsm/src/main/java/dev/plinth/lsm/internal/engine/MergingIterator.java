package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges iterators that each walk in one order ({@link Entry#ORDER} or its reverse) into one walk in that
 * order. Versions of one key from different sources come out in sequence order, since sequence numbers are
 * unique. Not thread-safe.
 */
final class MergingIterator implements EntryIterator {
    private final List<EntryIterator> sources;
    private final PriorityQueue<EntryIterator> heap;

    MergingIterator(List<EntryIterator> sources, boolean reverse) {
        this.sources = sources;
        Comparator<Entry> order = reverse ? Entry.ORDER.reversed() : Entry.ORDER;
        this.heap = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> order.compare(a.current(), b.current()));
        for (EntryIterator it : sources) {
            if (it.current() != null) {
                heap.add(it);
            }
        }
    }

    @Override
    public Entry current() {
        EntryIterator top = heap.peek();
        return top == null ? null : top.current();
    }

    @Override
    public void next() {
        EntryIterator top = heap.poll();
        if (top == null) {
            return;
        }
        top.next();
        if (top.current() != null) {
            heap.add(top);
        }
    }

    /** Re-positions every source (see {@link EntryIterator#seek}) and merges them again from there. */
    @Override
    public void seek(byte[] from) {
        heap.clear();
        for (EntryIterator it : sources) {
            it.seek(from);
            if (it.current() != null) {
                heap.add(it);
            }
        }
    }

    @Override
    public void close() {
        for (EntryIterator it : sources) {
            it.close();
        }
        heap.clear();
    }
}
