package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Merges iterators that each walk in one order ({@link Entry#ORDER} or its reverse) into one walk in that
 * order. Versions of one key from different sources come out in sequence order, since sequence numbers are
 * unique. The sources are compared in place ({@link EntryIterator#compare}), so merging makes no object per
 * entry; the merged walk's current entry is the top source's, described in place as that source does. Not
 * thread-safe.
 */
final class MergingIterator implements EntryIterator {
    private final List<EntryIterator> sources;
    private final boolean reverse;
    /** A binary min-heap of the sources on an entry, {@code heap[0]} the current one; {@link #size} of them. */
    private final EntryIterator[] heap;
    private int size;

    MergingIterator(List<EntryIterator> sources, boolean reverse) {
        this.sources = sources;
        this.reverse = reverse;
        this.heap = new EntryIterator[sources.size()];
        fill();
    }

    /** Puts every source on an entry into the heap. */
    private void fill() {
        size = 0;
        for (EntryIterator it : sources) {
            if (it.onEntry()) {
                heap[size] = it;
                siftUp(size++);
            }
        }
    }

    /** Whether source {@code a}'s entry comes before {@code b}'s in the walk's direction. */
    private boolean before(EntryIterator a, EntryIterator b) {
        int c = EntryIterator.compare(a, b);
        return reverse ? c > 0 : c < 0;
    }

    private void siftUp(int i) {
        EntryIterator x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(x, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = x;
    }

    private void siftDown(int i) {
        EntryIterator x = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], x)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    @Override
    public Entry current() {
        return size == 0 ? null : heap[0].current();
    }

    /** Moves the top source on and restores the heap: one sift down, no removal and re-insertion. */
    @Override
    public void next() {
        if (size == 0) {
            return;
        }
        EntryIterator top = heap[0];
        top.next();
        if (!top.onEntry()) {
            heap[0] = heap[--size];
            heap[size] = null;
        }
        if (size > 0) {
            siftDown(0);
        }
    }

    @Override
    public boolean onEntry() {
        return size > 0;
    }

    @Override
    public int keyspace() {
        return heap[0].keyspace();
    }

    @Override
    public byte[] keyArray() {
        return heap[0].keyArray();
    }

    @Override
    public int keyOffset() {
        return heap[0].keyOffset();
    }

    @Override
    public int keyLength() {
        return heap[0].keyLength();
    }

    @Override
    public long seq() {
        return heap[0].seq();
    }

    @Override
    public byte kind() {
        return heap[0].kind();
    }

    @Override
    public ByteBuffer valueView() {
        return heap[0].valueView();
    }

    @Override
    public RuntimeException valueReadFailed(Throwable e) {
        return size == 0 ? EntryIterator.super.valueReadFailed(e) : heap[0].valueReadFailed(e);
    }

    /** Re-positions every source (see {@link EntryIterator#seek}) and merges them again from there. */
    @Override
    public void seek(byte[] from) {
        size = 0;
        for (EntryIterator it : sources) {
            it.seek(from);
        }
        Arrays.fill(heap, null);
        fill();
    }

    @Override
    public void close() {
        for (EntryIterator it : sources) {
            it.close();
        }
        Arrays.fill(heap, null);
        size = 0;
    }
}
