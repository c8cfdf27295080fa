package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableScan;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The entries of a compaction's input tables merged in {@link dev.plinth.lsm.internal.key.Entry#ORDER}, read in
 * place: the current entry is the one {@link #top()} is on, its key in the scan's buffer and its value in the
 * scan's block, so merging makes no object per entry. Versions of one key from different tables come out in
 * sequence order, since sequence numbers are unique. Not thread-safe.
 */
final class CompactionMerge {
    private final PriorityQueue<TableScan> heap;

    /**
     * Opens a scan on each table, on its first entry.
     *
     * @param tables the input tables, retained for as long as the merge is walked
     */
    CompactionMerge(List<TableReader> tables) {
        heap = new PriorityQueue<>(Math.max(1, tables.size()), TableScan::compare);
        for (TableReader t : tables) {
            TableScan s = new TableScan(t);
            if (s.valid()) {
                heap.add(s);
            }
        }
    }

    /** Whether there is a current entry. */
    boolean valid() {
        return !heap.isEmpty();
    }

    /** The scan on the current entry; only while {@link #valid()}, and until {@link #next()}. */
    TableScan top() {
        return heap.peek();
    }

    /** Moves to the next entry. */
    void next() {
        TableScan s = heap.poll();
        if (s == null) {
            return;
        }
        s.next();
        if (s.valid()) {
            heap.add(s);
        }
    }
}
