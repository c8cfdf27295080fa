package dev.plinth.lsm.internal.sstable;

import java.util.Arrays;

/**
 * Every entry of one table in order, for compaction, read in place: the current entry's internal key is in a
 * buffer the scan reuses and its value is a slice of the block, so walking a table makes no object per entry
 * (one per data block: the block read, checked whole as a get's would be, and its entry offsets). Blocks are
 * read from the file, never from or into the block cache, so a compaction neither evicts what readers use nor
 * fills the cache with tables it is about to delete. Starts on the first entry. Not thread-safe; the table
 * must stay retained while it is walked.
 */
public final class TableScan {
    private final TableReader table;
    private int block = -1;
    private DataBlock.Walker w;
    private boolean valid;

    /**
     * Opens a scan on a table's first entry.
     *
     * @param table the table
     */
    public TableScan(TableReader table) {
        this.table = table;
        next();
    }

    /** Whether the scan is on an entry (false once past the last). */
    public boolean valid() {
        return valid;
    }

    /** Moves to the next entry. */
    public void next() {
        if (w != null && w.index() + 1 < w.block().size()) {
            w.next();
            return;
        }
        while (block + 1 < table.blockCount()) {
            DataBlock d = table.readDataBlock(++block);
            if (w == null) {
                w = d.walker();
            } else {
                w.reset(d);
            }
            if (d.size() > 0) {
                w.next();
                valid = true;
                return;
            }
        }
        valid = false;
    }

    /** The buffer holding the current internal key (keyspace id, 4 bytes big-endian, then the user key); reused. */
    public byte[] key() {
        return w.keyBuffer();
    }

    /** The length of the current internal key. */
    public int keyLength() {
        return w.keyLength();
    }

    /** The current entry's keyspace id. */
    public int keyspace() {
        return w.keyspace();
    }

    /** The current entry's sequence number. */
    public long seq() {
        return w.seq();
    }

    /** The current entry's kind. */
    public byte kind() {
        return w.kind();
    }

    /** The array holding the current value (the block); valid until the scan moves on. */
    public byte[] valueArray() {
        return w.valueArray();
    }

    /** Where the current value starts in {@link #valueArray()}. */
    public int valueOffset() {
        return w.valueOffset();
    }

    /** The current value's length; 0 for an entry that is not a put. */
    public int valueLength() {
        return w.valueLength();
    }

    /**
     * Compares the current entries of two scans in {@link dev.plinth.lsm.internal.key.Entry#ORDER}: internal
     * key ascending (unsigned), then sequence number descending.
     *
     * @param a one scan, on an entry
     * @param b another, on an entry
     * @return negative, zero or positive
     */
    public static int compare(TableScan a, TableScan b) {
        int c = Arrays.compareUnsigned(a.key(), 0, a.keyLength(), b.key(), 0, b.keyLength());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
    }
}
