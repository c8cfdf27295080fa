package dev.plinth.lsm.internal.sstable;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks one keyspace of a table's blocks in one direction ({@link TableReader#iterator}). Forward it decodes
 * only the entries it visits, one at a time; in reverse, which a block's shared-prefix encoding does not allow
 * entry by entry, it decodes a block's entries up to where it starts in that block, once, and hands them out
 * backwards. Blocks of a mapped table that can be read in place are, in both directions (never through the
 * cache). The caller holds a reference on the table while it uses the iterator. Not thread-safe.
 */
final class TableIterator implements EntryIterator {
    private final TableReader table;
    private final int ks;
    private final boolean reverse;
    private int block;
    /**
     * Forward: the walk on the current entry of block {@link #block}, {@link #cached} or {@link #inPlace};
     * {@code null} if no block was entered yet.
     */
    private BlockWalk walk;
    /** The walker of blocks read through the cache, kept (with its key buffer) across blocks; {@code null} until one is. */
    private DataBlock.Walker cached;
    /**
     * Mapped tables: the walker of blocks read in place (forward), or what decodes such a block's entries
     * into {@link #back} (reverse); {@code null} until one is.
     */
    private InPlaceWalker inPlace;
    /** Reverse: entries of block {@link #block} up to the current one, which is {@code back[pos]}. */
    private Entry[] back;
    /** Reverse: the cached block {@link #back} was decoded from, or {@code null}. */
    private DataBlock backBlock;
    private int pos;
    /** Whether the walk is on an entry of the keyspace. */
    private boolean on;
    /** The current entry as an {@link Entry}, made by the first {@link #current()} on it; else {@code null}. */
    private Entry current;

    TableIterator(TableReader table, int ks, byte[] from, boolean reverse) {
        this.table = table;
        this.ks = ks;
        this.reverse = reverse;
        seek(from);
    }

    /**
     * Re-positions the walk. A position in the block the walk is in already is found in that block as it
     * is held (no cache lookup or read); in reverse, the entries decoded already from a cached block are
     * reused when the new position is among them (a block read in place is decoded again, after its
     * CRC32C is checked again).
     */
    @Override
    public void seek(byte[] from) {
        try {
            seekTo(from);
        } catch (InternalError | InPlaceWalker.Damaged | IndexOutOfBoundsException e) {
            throw table.walkFailed(block, e);
        }
    }

    private void seekTo(byte[] from) {
        int blocks = table.blockCount();
        if (!reverse) {
            byte[] ikey = TableFormat.internalKey(ks, from == null ? new byte[0] : from);
            int target = table.firstBlockAtOrAfter(ikey, Long.MAX_VALUE);
            if (target >= blocks) {
                current = null;
                on = false;
                return;
            }
            if (walk == null || target != block) {
                enter(target);
            }
            walk.seek(ikey, Long.MAX_VALUE);
        } else {
            // The last entry at or before (from, oldest version), or before the next keyspace if unbounded.
            byte[] ikey = from == null ? TableFormat.internalKey(ks + 1, new byte[0]) : TableFormat.internalKey(ks, from);
            long pseq = from == null ? Long.MAX_VALUE : Long.MIN_VALUE;
            int target = table.firstBlockAtOrAfter(ikey, pseq);
            if (target == blocks) {
                target = blocks - 1;
            }
            ByteBuffer view = target < 0 || (backBlock != null && target == block) ? null : table.inPlaceBlock(target);
            if (view != null) {
                block = target;
                loadBackInPlace(view, ikey, pseq);
            } else if (target >= 0) {
                DataBlock d = backBlock != null && target == block ? backBlock : table.dataBlock(target);
                block = target;
                DataBlock.Walker s = d.walker();
                s.seek(ikey, pseq);
                int last = s.valid() && s.compareTo(ikey, pseq) == 0 ? s.index() : s.index() - 1;
                if (d == backBlock && last < back.length) {
                    pos = last;
                } else {
                    loadBack(d, s, last);
                }
            } else {
                block = -1;
                back = new Entry[0];
                backBlock = null;
                pos = -1;
            }
        }
        settle();
    }

    /**
     * Forward: makes block {@code i} the current one, before its first entry: in place from the mapping
     * where it can be read so, else from the cache.
     */
    private void enter(int i) {
        ByteBuffer view = table.inPlaceBlock(i);
        if (view != null) {
            walk = inPlace(view);
        } else {
            DataBlock d = table.dataBlock(i);
            if (cached == null) {
                cached = d.walker();
            } else {
                cached.reset(d);
            }
            walk = cached;
        }
        block = i;
    }

    /** {@link #inPlace}, made if need be, moved to a block read in place. */
    private InPlaceWalker inPlace(ByteBuffer view) {
        if (inPlace == null) {
            inPlace = new InPlaceWalker();
        }
        inPlace.reset(view);
        return inPlace;
    }

    /**
     * Decodes the entries of a block read in place (a view from {@link TableReader#inPlaceBlock}) up to a
     * position into {@link #back}, from the block's start, and stands on the last; {@code ikey} {@code null}
     * takes every entry. The entries are copies: nothing of the mapping is read after this returns.
     */
    private void loadBackInPlace(ByteBuffer view, byte[] ikey, long pseq) {
        InPlaceWalker iw = inPlace(view);
        List<Entry> upTo = new ArrayList<>();
        for (iw.next(); iw.valid() && (ikey == null || iw.compareTo(ikey, pseq) <= 0); iw.next()) {
            upTo.add(iw.entry());
        }
        back = upTo.toArray(new Entry[0]);
        backBlock = null;
        pos = back.length - 1;
    }

    /** Decodes entries 0 to {@code last} of block {@code d} into {@link #back}, and stands on the last. */
    private void loadBack(DataBlock d, DataBlock.Walker s, int last) {
        back = new Entry[last + 1];
        backBlock = d;
        s.moveTo(-1);
        for (int i = 0; i <= last; i++) {
            s.next();
            back[i] = s.entry();
        }
        pos = last;
    }

    /** Moves across block edges until on an entry of the keyspace, or exhausted. */
    private void settle() {
        while (true) {
            if (!reverse) {
                current = null;
                if (walk == null) {
                    on = false;
                    return;
                }
                if (!walk.valid()) {
                    if (block + 1 >= table.blockCount()) {
                        on = false;
                        return;
                    }
                    enter(block + 1);
                    walk.next();
                    continue;
                }
                on = walk.keyspace() == ks;
                return;
            }
            if (pos < 0) {
                if (block - 1 < 0) {
                    current = null;
                    on = false;
                    return;
                }
                ByteBuffer view = table.inPlaceBlock(--block);
                if (view != null) {
                    loadBackInPlace(view, null, 0);
                } else {
                    DataBlock d = table.dataBlock(block);
                    loadBack(d, d.walker(), d.size() - 1);
                }
                continue;
            }
            Entry e = back[pos];
            on = e.keyspace() == ks;
            current = on ? e : null;
            return;
        }
    }

    @Override
    public Entry current() {
        Entry e = current;
        if (e == null && on) {
            try {
                e = walk.entry(); // forward: reverse walks hold their entries made
            } catch (InternalError | InPlaceWalker.Damaged | IndexOutOfBoundsException x) {
                throw table.walkFailed(block, x);
            }
            current = e;
        }
        return e;
    }

    @Override
    public boolean onEntry() {
        return on;
    }

    @Override
    public int keyspace() {
        return ks; // on an entry, it is of the keyspace walked
    }

    @Override
    public byte[] keyArray() {
        return reverse ? back[pos].key() : walk.keyBuffer();
    }

    @Override
    public int keyOffset() {
        return reverse ? 0 : TableFormat.KEYSPACE_BYTES;
    }

    @Override
    public int keyLength() {
        return reverse ? back[pos].key().length : walk.keyLength() - TableFormat.KEYSPACE_BYTES;
    }

    @Override
    public long seq() {
        return reverse ? back[pos].seq() : walk.seq();
    }

    @Override
    public byte kind() {
        return reverse ? back[pos].kind() : walk.kind();
    }

    /** Forward, the value where it lies in the block (in the mapping, for a block read in place); no copy. */
    @Override
    public ByteBuffer valueView() {
        return reverse ? EntryIterator.super.valueView() : walk.valueView();
    }

    @Override
    public RuntimeException valueReadFailed(Throwable e) {
        return table.walkFailed(block, e);
    }

    @Override
    public void next() {
        if (!on) {
            return;
        }
        try {
            if (reverse) {
                pos--;
            } else {
                walk.next();
                if (walk.valid()) {
                    // within the block: what settle() does there, without its loop over block edges
                    current = null;
                    on = walk.keyspace() == ks;
                    return;
                }
            }
            settle();
        } catch (InternalError | InPlaceWalker.Damaged | IndexOutOfBoundsException e) {
            throw table.walkFailed(block, e);
        }
    }
}
